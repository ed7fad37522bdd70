/// Writes `safe_community/`: one export per assessment round (平安小区 考评), one row per
/// community per period. The 2016 round re-sends 黄浦区's 2015 rows, a few with corrected
/// scores; half-year periods are assessed in 徐汇区 and 浦东新区 only.
struct SafeCommunityExport {
    enum Column: Hashable, Sendable {
        case communityID, community, district, street, period, compliant, score
    }

    /// One assessment as the generator makes it.
    struct Assessment {
        var district: Int
        var community: Int
        var period: Int
        /// -1: no street recorded.
        var street: Int
        var compliant: Bool
        /// In tenths of a point; -1: not recorded.
        var scoreTenths: Int
    }

    static let periods = ["2015", "2016", "2017", "2017H1", "2017H2"]
    static let year2017 = 2

    /// A run of rows: one period, some districts (all when empty).
    struct Block: Sendable {
        let period: Int
        var districts: [Int] = []
        /// A re-send whose scores were corrected here and there.
        var corrected = false
    }

    /// How one export words a boolean.
    enum BooleanWords: Sendable {
        case shi, dabiao, byDistrict

        func words(district: Int) -> (String, String) {
            switch self {
            case .shi: ("是", "否")
            case .dabiao: ("达标", "未达标")
            case .byDistrict: district % 2 == 0 ? ("是", "否") : ("达标", "未达标")
            }
        }
    }

    struct File: Sendable {
        let spec: ExportSpec<Column>
        let blocks: [Block]
        let booleans: BooleanWords
    }

    static let canonical: [(Column, String)] = [
        (.communityID, "community_id"), (.community, "community"), (.district, "district"), (.street, "street"),
        (.period, "period"), (.compliant, "compliant"), (.score, "score"),
    ]

    private static let noDays = DaySpan((2015, 1, 1), (2015, 1, 1))
    static let halfYearDistricts = [Shanghai.xuhui, Shanghai.pudong]

    static let files: [File] = [
        File(spec: ExportSpec(name: "safe_community_2016-01-15.csv", span: noDays, columns: canonical),
             blocks: [Block(period: 0)], booleans: .shi),
        File(spec: ExportSpec(name: "safe_community_2017-01-15.csv", span: noDays, columns: [
            (.communityID, "小区编号"), (.community, "小区名称"), (.district, "所属区"), (.street, "街道"),
            (.period, "年度"), (.compliant, "是否达标"), (.score, "得分"),
        ]), blocks: [Block(period: 0, districts: [Shanghai.huangpu], corrected: true), Block(period: 1)], booleans: .dabiao),
        File(spec: ExportSpec(name: "safe_community_2017-07-15.csv", span: noDays, columns: canonical).with { $0.lineEnding = .crlf },
             blocks: [Block(period: 3, districts: halfYearDistricts)], booleans: .shi),
        File(spec: ExportSpec(name: "safe_community_2018-01-15.csv", span: noDays, columns: canonical),
             blocks: [Block(period: 2), Block(period: 4, districts: halfYearDistricts)], booleans: .byDistrict),
    ]

    /// Written at the end of their file. Both re-send the key of a valid assessment, which
    /// still stands: an invalid row is rejected whatever its key.
    static let badRows: [BadRow<Column>] = [
        badRow(district: Shanghai.xuhui, community: 3, period: 3, compliant: "待定", score: "78.5",
               reason: "compliant: '待定' is not a boolean"),
        badRow(district: Shanghai.pudong, community: 5, period: 4, compliant: "是", score: "105",
               reason: "score: '105' is above 100"),
    ]

    private static func badRow(district: Int, community: Int, period: Int, compliant: String, score: String,
                               reason: String) -> BadRow<Column> {
        BadRow(file: 3, afterDay: 0, values: [
            .communityID: communityID(district: district, community: community),
            .community: Shanghai.communityName(district: district, index: community),
            .district: Shanghai.districts[district].name,
            .street: Shanghai.districts[district].streets[Shanghai.communityStreet(district: district, index: community)],
            .period: periods[period], .compliant: compliant, .score: score,
        ], reason: reason)
    }

    static func communityID(district: Int, community: Int) -> String {
        let number = String(community + 1)
        return "PA" + Shanghai.districts[district].code + String(repeating: "0", count: max(0, 5 - number.count)) + number
    }

    let seed: UInt64
    let scale: Scale

    /// 闵行区 in 2017: community i is below the standard when (i + shift) % 5 == 0, with a
    /// shift that keeps 康城 (i = 0) compliant. Exactly one in five.
    private var minhangShift: Int { 1 + Int(seed % 4) }

    func assessment(district: Int, community: Int, period: Int) -> Assessment {
        var rng = SplitMix64(seed: seed, 3, UInt64(district), UInt64(community * 8 + period))
        let trend = Shanghai.districts[district].complianceTrend
        let perMille = switch period {
        case 0, 1, 2: trend[period]
        case 3: trend[2] - 30
        default: trend[2] + 20
        }
        var compliant = rng.chance(perMille: perMille)
        if district == Shanghai.minhang && period == Self.year2017 {
            compliant = (community + minhangShift) % Calibration.minhangCompliantOutOf.of != 0
        }
        let score = rng.chance(perMille: 20) ? -1 : (compliant ? 800 + rng.below(201) : 500 + rng.below(300))
        let street = rng.chance(perMille: 10) ? -1 : Shanghai.communityStreet(district: district, index: community)
        return Assessment(district: district, community: community, period: period, street: street,
                          compliant: compliant, scoreTenths: score)
    }

    func write(into directory: String, meter: inout ProgressMeter, progress: (Int) -> Void) throws(SampleDataError) {
        for file in Self.files.indices {
            try writeFile(file, into: directory, meter: &meter, progress: progress)
        }
    }

    private func writeFile(_ index: Int, into directory: String, meter: inout ProgressMeter,
                           progress: (Int) -> Void) throws(SampleDataError) {
        let plan = Self.files[index]
        let spec = plan.spec
        let file = try ExportFile(path: directory + "/" + spec.name, encoding: spec.encoding,
                                  byteOrderMark: spec.byteOrderMark, lineEnding: spec.lineEnding)
        try spec.writeHeader(file)
        for block in plan.blocks {
            let districts = block.districts.isEmpty ? Array(Shanghai.districts.indices) : block.districts
            for district in districts {
                let (yes, no) = plan.booleans.words(district: district)
                let (yesBytes, noBytes) = (CSVField.encode(yes), CSVField.encode(no))
                let before = file.rows
                for community in 0..<scale.communities(district: district) {
                    var row = assessment(district: district, community: community, period: block.period)
                    if block.corrected && community % 8 == 3 {
                        row.scoreTenths = row.scoreTenths < 0 ? 850 : min(1000, row.scoreTenths + 15)
                    }
                    try file.beginRow()
                    for (column, _) in spec.columns {
                        switch column {
                        case .communityID:
                            file.separate()
                            file.append(0x50); file.append(0x41)  // PA
                            file.append(Shanghai.codeBytes.bytes(district))
                            file.appendNumber(community + 1, width: 5)
                        case .community:
                            file.field(text: Shanghai.communityName(district: district, index: community))
                        case .district:
                            file.field(text: Shanghai.districts[district].name)
                        case .street:
                            if row.street >= 0 {
                                file.field(text: Shanghai.districts[district].streets[row.street])
                            } else {
                                file.emptyField()
                            }
                        case .period:
                            file.field(text: Self.periods[block.period])
                        case .compliant:
                            file.field(row.compliant ? yesBytes : noBytes)
                        case .score:
                            file.separate()
                            if row.scoreTenths >= 0 {
                                file.appendNumber(row.scoreTenths / 10)
                                if row.scoreTenths % 10 != 0 {
                                    file.append(0x2E)
                                    file.appendNumber(row.scoreTenths % 10)
                                }
                            }
                        }
                    }
                    file.endRow()
                }
                meter.add(file.rows - before, progress)
            }
        }
        let before = file.rows
        for bad in Self.badRows where bad.file == index {
            try bad.write(file, spec: spec)
        }
        meter.add(file.rows - before, progress)
        try file.close(finalLineBreak: spec.finalLineBreak)
    }
}
