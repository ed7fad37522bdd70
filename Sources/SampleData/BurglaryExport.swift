/// Writes `burglary_reports/`: four exports, yearly and then for early 2018, each
/// overlapping the one before by a month, and a few rows that must be rejected.
struct BurglaryExport {
    enum Column: Hashable, Sendable {
        case caseID, reportedAt, district, street, community, premises, lossYuan, status
        /// Not in the contract: ignored by the pipeline.
        case handlingUnit
    }

    static let canonical: [(Column, String)] = [
        (.caseID, "case_id"), (.reportedAt, "reported_at"), (.district, "district"), (.street, "street"),
        (.community, "community"), (.premises, "premises"), (.lossYuan, "loss_yuan"), (.status, "status"),
    ]

    static let files: [ExportSpec<Column>] = [
        ExportSpec(name: "burglary_reports_2016-01-05.csv", span: DaySpan((2015, 1, 1), (2015, 12, 31)), columns: canonical),
        // Chinese headers (UTF-8), CRLF, Excel's datetimes.
        ExportSpec(name: "burglary_reports_2017-01-05.csv", span: DaySpan((2015, 12, 1), (2016, 12, 31)), columns: [
            (.caseID, "案件编号"), (.reportedAt, "报案时间"), (.district, "所属区"), (.street, "街道"),
            (.community, "小区"), (.premises, "场所"), (.lossYuan, "损失金额"), (.status, "案件状态"),
        ]).with {
            $0.lineEnding = .crlf
            $0.dateTimeStyles = [(.excel, 1)]
        },
        ExportSpec(name: "burglary_reports_2018-01-05.csv", span: DaySpan((2016, 12, 1), (2017, 12, 31)), columns: canonical)
            .with {
                $0.byteOrderMark = true
                $0.dateTimeStyles = [(.isoT, 1)]
            },
        ExportSpec(name: "burglary_reports_2018-03-01.csv", span: DaySpan((2017, 12, 1), (2018, 2, 28)),
                   columns: canonical + [(.handlingUnit, "handling_unit")])
            .with { $0.dateTimeStyles = DateTimeStyle.concrete.map { ($0, 1) } },
    ]

    static let badRows: [BadRow<Column>] = [
        BadRow(file: 0, afterDay: CivilDate(2015, 6, 10).dayIndex, values: [
            .caseID: "RS2015061099001", .reportedAt: "2015-06-10 03:40:00", .district: "闵行区", .street: "莘庄镇",
            .community: "", .premises: "住宅", .lossYuan: "2300", .status: "未破",
        ], reason: "community: required value missing"),
        BadRow(file: 1, afterDay: CivilDate(2016, 5, 18).dayIndex, values: [
            .caseID: "RS2016051899001", .reportedAt: "2016/5/18 2:10", .district: "闵行区", .street: "莘庄镇",
            .community: "康城", .premises: "住宅", .lossYuan: "-200", .status: "侦查中",
        ], reason: "loss_yuan: '-200' is negative"),
        BadRow(file: 2, afterDay: CivilDate(2017, 6, 30).dayIndex, values: [
            .caseID: "RS2017063199001", .reportedAt: "2017-06-31T01:30:00", .district: "闵行区", .street: "莘庄镇",
            .community: "康城", .premises: "住宅", .lossYuan: "5600", .status: "侦查中",
        ], reason: "reported_at: '2017-06-31T01:30:00' is an impossible date"),
        BadRow(file: 3, afterDay: CivilDate(2018, 2, 10).dayIndex, values: [
            .caseID: "RS2018021099001", .reportedAt: "2018-02-10 20:05:00", .district: "浦东新区",
            .street: Shanghai.districts[Shanghai.pudong].streets[Shanghai.communityStreet(district: Shanghai.pudong, index: 2)],
            .community: Shanghai.communityName(district: Shanghai.pudong, index: 2), .premises: "商铺",
            .lossYuan: "1,200.00", .status: "未破", .handlingUnit: "浦东分局",
        ], reason: "loss_yuan: '1,200.00' has a thousands separator"),
    ]

    /// Per mille of the cases in an overlap that the later export revises.
    static let revisedPerMille = 60

    let source: BurglarySource

    func write(into directory: String, meter: inout ProgressMeter, progress: (Int) -> Void) throws(SampleDataError) {
        for index in Self.files.indices {
            try writeFile(index, into: directory, meter: &meter, progress: progress)
        }
    }

    private func writeFile(_ index: Int, into directory: String, meter: inout ProgressMeter,
                           progress: (Int) -> Void) throws(SampleDataError) {
        let spec = Self.files[index]
        let file = try ExportFile(path: directory + "/" + spec.name, encoding: spec.encoding,
                                  byteOrderMark: spec.byteOrderMark, lineEnding: spec.lineEnding)
        try spec.writeHeader(file)
        let revisedUntil = index > 0 ? Self.files[index - 1].span.last : -1
        let columns = spec.columns.map(\.0)
        for day in spec.span.days {
            let date = CivilDate(dayIndex: day)
            var looks = SplitMix64(seed: source.seed, 200 + UInt64(index), 0, UInt64(day))
            let before = file.rows
            try source.reports(day: day) { (original: BurglaryReport) throws(SampleDataError) in
                var report = original
                if day <= revisedUntil && report.revisionRoll < Self.revisedPerMille { report.revise() }
                try file.beginRow()
                let style = spec.style(using: &looks)
                for column in columns {
                    switch column {
                    case .caseID:
                        file.separate()
                        file.append(0x52); file.append(0x53)  // RS
                        file.appendNumber(date.year)
                        file.appendNumber(date.month, width: 2)
                        file.appendNumber(date.day, width: 2)
                        file.appendNumber(report.sequence, width: 4)
                    case .reportedAt:
                        file.field(date: date, minute: report.minute, style: style)
                    case .district:
                        file.field(Shanghai.districtBytes, report.district)
                    case .street:
                        if report.street >= 0 { file.field(Shanghai.streetBytes[report.district], report.street) } else { file.emptyField() }
                    case .community:
                        Shanghai.writeCommunityName(district: report.district, index: report.community, to: file)
                    case .premises:
                        file.field(BurglaryTables.premisesBytes, report.premises)
                    case .lossYuan:
                        file.separate()
                        if report.lossFen >= 0 {
                            file.appendNumber(report.lossFen / 100)
                            if report.lossFen % 100 != 0 {
                                file.append(0x2E)
                                file.appendNumber(report.lossFen % 100, width: 2)
                            }
                        }
                    case .status:
                        file.field(BurglaryTables.statusBytes, report.status)
                    case .handlingUnit:
                        file.field(BurglaryTables.unitBytes, report.district)
                    }
                }
                file.endRow()
            }
            for bad in Self.badRows where bad.file == index && bad.afterDay == day {
                try bad.write(file, spec: spec)
            }
            meter.add(file.rows - before, progress)
        }
        try file.close(finalLineBreak: spec.finalLineBreak)
    }
}
