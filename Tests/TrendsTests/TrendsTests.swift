import CSVReading
import Ingest
import Schema
import Testing
import TestSupport
import Trends

struct NoRejects: RejectSink {
    mutating func reject(_ row: RejectedRow, dataset: Dataset) throws {}
    mutating func startOver() throws {}
}

func ingest(_ files: [String: String], config: GovStatsConfig = GovStatsConfig()) throws -> IngestResult {
    let folder = try TemporaryDirectory("trends")
    defer { folder.remove() }
    for (path, text) in files { try folder.write(path, text) }
    var sink = NoRejects()
    return try IngestStage(config: config, maxRejectPercent: ExactDecimal(canonical: "100"))
        .run(try DataFolder.discover(root: folder.path), rejects: &sink)
}

/// The trend rows as `metric area_level area period_kind period value prior change complete`.
func table(_ trends: DatedTrends, metric: String? = nil, area: String? = nil, kind: PeriodKind? = nil) -> [String] {
    trends.rows().filter {
        (metric == nil || $0.metric == metric) && (area == nil || $0.area == area) && (kind == nil || $0.periodKind == kind)
    }.map {
        "\($0.metric) \($0.areaLevel.rawValue) \($0.area) \($0.periodKind.rawValue) \($0.period) \($0.value) \($0.priorValue) \($0.changePercent ?? "-") \($0.complete)"
    }
}

let header = "call_id,received_at,district,street,call_type,category\n"

func calls(_ dates: [String], district: String = "宝山区", street: String = "罗店镇", type: String = "报警", category: String = "盗窃", prefix: String) -> String {
    dates.enumerated().map { "\(prefix)\($0.offset),\($0.element),\(district),\(street),\(type),\(category)\n" }.joined()
}

@Suite struct DatedTrendsTests {
    @Test func leapYearYtdAndFirstPeriod() throws {
        // Data from 2015-01-10 to 2016-02-29: ytd 2016-01-01..2016-02-29 against 2015-01-01..2015-02-28.
        let result = try ingest(["alarm_calls.csv": header
            + calls(["2015-01-10", "2015-02-28", "2015-03-01", "2015-12-31"], prefix: "A")
            + calls(["2016-01-05", "2016-02-29"], prefix: "B")
            + calls(["2016-02-29 23:59:59"], type: "求助", category: "纠纷", prefix: "C")])
        let trends = try #require(DatedTrends(result.dataset(.alarmCalls)!))
        #expect(trends.span == DataSpan(first: LocalDate(year: 2015, month: 1, day: 10)!, asOf: LocalDate(year: 2016, month: 2, day: 29)!))
        #expect(table(trends, area: "全市", kind: .ytd) == [
            "calls city 全市 ytd 2016-01-01..2016-02-29 3 2 50.0 true",
            "alarm_calls city 全市 ytd 2016-01-01..2016-02-29 2 2 0.0 true",
            "theft_calls city 全市 ytd 2016-01-01..2016-02-29 2 2 0.0 true",
        ])
        // 2015 is the first year: no change; 2015 starts after 1 January, so it is not complete,
        // and 2016 is still under way.
        #expect(table(trends, metric: "calls", area: "全市", kind: .year) == [
            "calls city 全市 year 2015 4 0 - false",
            "calls city 全市 year 2016 3 4 -25.0 false",
        ])
        #expect(table(trends, metric: "calls", area: "全市", kind: .quarter) == [
            "calls city 全市 quarter 2015Q1 3 0 - false",
            "calls city 全市 quarter 2015Q2 0 3 -100.0 true",
            "calls city 全市 quarter 2015Q3 0 0 - true",
            "calls city 全市 quarter 2015Q4 1 0 - true",
            "calls city 全市 quarter 2016Q1 3 1 200.0 false",
        ])
        let months = table(trends, metric: "calls", area: "全市", kind: .month)
        #expect(months.count == 14)
        #expect(months.first == "calls city 全市 month 2015-01 1 0 - false")
        #expect(months[1] == "calls city 全市 month 2015-02 1 1 0.0 true")
        #expect(months.last == "calls city 全市 month 2016-02 2 1 100.0 true")
        // Areas: city, district, district/street.
        #expect(Set(trends.rows().map(\.area)) == ["全市", "宝山区", "宝山区/罗店镇"])
    }

    /// Months without a record citywide between the first and the last month with data (a
    /// missing export, most often): a district's empty month is not one, nor are months
    /// outside the span.
    @Test func emptyMonthsCitywide() throws {
        let result = try ingest(["alarm_calls.csv": header
            + calls(["2016-11-30", "2017-01-05", "2017-04-01", "2017-07-31"], prefix: "A")
            + calls(["2016-12-01", "2017-02-01", "2017-03-01", "2017-05-01", "2017-06-01"], district: "闵行区", prefix: "B")])
        let trends = try #require(DatedTrends(result.dataset(.alarmCalls)!))
        #expect(trends.emptyMonths() == [])
        let gaps = try ingest(["alarm_calls.csv": header + calls(["2016-11-30", "2017-01-05", "2017-04-01", "2017-07-31"], prefix: "A")])
        let gapped = try #require(DatedTrends(gaps.dataset(.alarmCalls)!))
        #expect(gapped.emptyMonths() == ["2016-12", "2017-02", "2017-03", "2017-05", "2017-06"])
    }

    @Test func partialLastMonthIsIncomplete() throws {
        let result = try ingest(["alarm_calls.csv": header + calls(["2017-01-01", "2017-02-15"], prefix: "A")])
        let trends = try #require(DatedTrends(result.dataset(.alarmCalls)!))
        #expect(table(trends, metric: "calls", area: "全市", kind: .month) == [
            "calls city 全市 month 2017-01 1 0 - true",
            "calls city 全市 month 2017-02 1 1 0.0 false",
        ])
    }

    @Test func communityWithNoBurglariesInAYear() throws {
        let burglaryHeader = "case_id,reported_at,district,street,community,status\n"
        let rows = [
            "K1,2015-01-01,闵行区,莘庄镇,康城,已破", "K2,2015-06-01,闵行区,莘庄镇,康城,未破",
            "K3,2017-03-01,闵行区,莘庄镇,康城,破案", "G1,2016-05-01,闵行区,古美路街道,古美,solved",
            "G2,2017-12-31,闵行区,古美路街道,古美,侦查中",
        ]
        let result = try ingest(["burglary_reports.csv": burglaryHeader + rows.joined(separator: "\n") + "\n"])
        let trends = try #require(DatedTrends(result.dataset(.burglaryReports)!))
        #expect(table(trends, area: "闵行区/康城", kind: .year) == [
            "burglaries community 闵行区/康城 year 2015 2 0 - true",
            "burglaries community 闵行区/康城 year 2016 0 2 -100.0 true",
            "burglaries community 闵行区/康城 year 2017 1 0 - true",
            "cleared community 闵行区/康城 year 2015 1 0 - true",
            "cleared community 闵行区/康城 year 2016 0 1 -100.0 true",
            "cleared community 闵行区/康城 year 2017 1 0 - true",
        ])
        #expect(Set(trends.rows().filter { $0.areaLevel == .community }.map(\.area)) == ["闵行区/康城", "闵行区/古美"])
    }

    @Test func monthPrecisionLatestRecordEndsItsMonth() throws {
        var config = GovStatsConfig()
        var settings = DatasetSettings()
        settings.datetimeFormats = [try DatePattern("yyyy-MM")]
        config.datasets[.alarmCalls] = settings
        let folder = try TemporaryDirectory("trends")
        defer { folder.remove() }
        try folder.write("alarm_calls.csv", header + calls(["2017-01-15", "2017-02"], prefix: "A"))
        var sink = NoRejects()
        let result = try IngestStage(config: config, maxRejectPercent: ExactDecimal(canonical: "5"))
            .run(try DataFolder.discover(root: folder.path), rejects: &sink)
        let trends = try #require(DatedTrends(result.dataset(.alarmCalls)!))
        #expect(trends.span.asOf == LocalDate(year: 2017, month: 2, day: 28)!)
        #expect(table(trends, metric: "calls", area: "全市", kind: .month).last == "calls city 全市 month 2017-02 1 1 0.0 true")
    }

    @Test func percentRoundsHalfAwayFromZero() {
        #expect(Percent.change(value: 698, prior: 1000) == "-30.2")
        #expect(Percent.change(value: 117, prior: 160) == "-26.9")   // -26.875
        #expect(Percent.change(value: 29, prior: 50) == "-42.0")
        #expect(Percent.change(value: 1, prior: 3) == "-66.7")
        #expect(Percent.format(numerator: 1, denominator: 20) == "0.1")   // 0.05
        #expect(Percent.format(numerator: -1, denominator: 20) == "-0.1")
        #expect(Percent.format(numerator: -1, denominator: 30) == "0.0")
        #expect(Percent.change(value: 5, prior: 0) == nil)
    }
}

@Suite struct ComplianceTests {
    @Test func ratesAndChangeInPoints() throws {
        let header = "community_id,community,district,street,period,compliant\n"
        let rows = [
            "C1,a,闵行区,莘庄镇,2016,否", "C2,b,闵行区,莘庄镇,2016,是", "C3,c,闵行区,七宝镇,2016,否",
            "C1,a,闵行区,莘庄镇,2017,是", "C2,b,闵行区,莘庄镇,2017,是", "C3,c,闵行区,七宝镇,2017,否",
            "C1,a,闵行区,莘庄镇,2017H2,是",
        ]
        let result = try ingest(["safe_community.csv": header + rows.joined(separator: "\n") + "\n"])
        let table = ComplianceTable.rows(result.dataset(.safeCommunity)!).map { $0.csvFields.dropFirst().joined(separator: " ") }
        #expect(table == [
            "city 全市 2016 3 1 33.3  ",
            "city 全市 2017 3 2 66.7 33.3 33.3",
            "city 全市 2017H2 1 1 100.0  ",
            "district 闵行区 2016 3 1 33.3  ",
            "district 闵行区 2017 3 2 66.7 33.3 33.3",
            "district 闵行区 2017H2 1 1 100.0  ",
            "street 闵行区/七宝镇 2016 1 0 0.0  ",
            "street 闵行区/七宝镇 2017 1 0 0.0 0.0 0.0",
            "street 闵行区/莘庄镇 2016 2 1 50.0  ",
            "street 闵行区/莘庄镇 2017 2 2 100.0 50.0 50.0",
            "street 闵行区/莘庄镇 2017H2 1 1 100.0  ",
        ])
    }
}

/// `data/trends.csv` is written a series at a time (`DatedTrends.forEachRow`): the rows
/// come in the order of every row sorted by its fields in byte order, on tables with
/// districts, streets and communities whose names sort differently by level and by bytes.
@Suite struct TrendFileOrderTests {
    @Test func seriesAtATimeEqualsAllRowsSorted() throws {
        let burglaryHeader = "case_id,reported_at,district,street,community,premises,loss_yuan,status\n"
        var burglaries = burglaryHeader
        let places = [("闵行区", "古美路街道", "康城"), ("闵行区", "莘庄镇", "古美"), ("宝山区", "罗店镇", "美罗家园"), ("Zone", "a st", "Z/community")]
        for (index, place) in places.enumerated() {
            for month in 1...14 {
                let year = month > 12 ? 2018 : 2017
                let monthOfYear = (month - 1) % 12 + 1
                let date = "\(year)-\(monthOfYear < 10 ? "0" : "")\(monthOfYear)-0\(index + 1)"
                burglaries += "K\(index)-\(month),\(date) 10:00:00,\(place.0),\(place.1),\(place.2),住宅,100,\(month % 2 == 0 ? "已破" : "在侦")\n"
            }
        }
        let result = try ingest([
            "alarm_calls.csv": header + calls(["2017-01-05", "2017-11-30", "2018-02-10"], prefix: "A")
                + calls(["2017-06-01"], district: "闵行区", street: "古美路街道", prefix: "B"),
            "burglary_reports.csv": burglaries,
        ])
        let tables = result.datasets.compactMap { DatedTrends($0) }
        #expect(tables.count == 2)
        var streamed: [TrendRow] = []
        DatedTrends.forEachRow(of: tables) { streamed.append($0) }
        let all = tables.flatMap { $0.rows() }
        let sorted = all.sorted { utf8Less($0.csvFields, $1.csvFields) }
        #expect(streamed.count == all.count)
        #expect(streamed == sorted)
        #expect(Set(streamed.map(\.areaLevel)) == [.city, .district, .street, .community])
    }

    /// Across the years 999 and 1000 the time order of a series may not be the byte order
    /// of its labels: the streamed order must still be the byte order of the rows' fields.
    @Test func streamedOrderAcrossThreeAndFourDigitYears() throws {
        var config = GovStatsConfig()
        config.datasets[.alarmCalls, default: DatasetSettings()].years = 1...9999
        let dates = ["0998-11-05", "0999-12-31", "1000-01-01", "1000-02-10"]
        let result = try ingest(["alarm_calls.csv": header + calls(dates, prefix: "A")], config: config)
        #expect(result.dataset(.alarmCalls)?.accepted == 4)
        let tables = result.datasets.compactMap { DatedTrends($0) }
        var streamed: [TrendRow] = []
        DatedTrends.forEachRow(of: tables) { streamed.append($0) }
        let all = tables.flatMap { $0.rows() }
        #expect(streamed.count == all.count)
        #expect(streamed.map(\.csvFields) == all.sorted { utf8Less($0.csvFields, $1.csvFields) }.map(\.csvFields))
        #expect(Set(all.filter { $0.periodKind == .year }.map(\.period)) == ["998", "999", "1000"])
    }
}

/// Counting the records in parts on several threads gives the same table as one pass: the
/// committed sample datasets (30,000 alarm calls, 3,000 burglaries) cut into parts of 997.
/// So does numbering the records' places through a dictionary instead of a flat table.
@Suite struct ParallelTrendsTests {
    @Test(arguments: [2, 3, 7])
    func partsGiveTheSameRows(jobs: Int) throws {
        try expectSameRows(jobs: jobs, flatKeys: 1 << 20)
    }

    @Test(arguments: [1, 3])
    func dictionaryNumberingGivesTheSameRows(jobs: Int) throws {
        try expectSameRows(jobs: jobs, flatKeys: 0)
    }

    private func expectSameRows(jobs: Int, flatKeys: Int) throws {
        var sink = NoRejects()
        let result = try IngestStage(config: GovStatsConfig(), maxRejectPercent: ExactDecimal(canonical: "100"))
            .run(try DataFolder.discover(root: repositoryRoot() + "/datasets"), rejects: &sink)
        for dataset in [Dataset.alarmCalls, .burglaryReports] {
            let ingest = try #require(result.dataset(dataset))
            let one = try #require(DatedTrends(ingest))
            let parts = try #require(DatedTrends(ingest, jobs: jobs, partRecords: 997, flatKeys: flatKeys))
            let (expected, got) = (one.rows(), parts.rows())
            #expect(expected.count > 1000)
            #expect(got.count == expected.count)
            let first = zip(got, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            #expect(first == nil, "\(dataset.name), \(jobs) jobs: \(first.map { got[$0].csvFields.joined(separator: ",") } ?? "") instead of \(first.map { expected[$0].csvFields.joined(separator: ",") } ?? "")")
        }
    }
}
