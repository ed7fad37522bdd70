import Foundation
import Ingest
import Reports
import Schema
import Testing
import TestSupport
import Trends

/// Keeps nothing: the reports only need the counts.
struct NoRejects: RejectSink {
    mutating func reject(_ row: RejectedRow, dataset: Dataset) throws {}
    mutating func startOver() throws {}
}

/// A small synthetic data folder with known figures, run through the real ingest and
/// transform stages into a `ReportInput`.
///
/// alarm_calls (2016-01-01 .. 2018-02-10, so 2017 is the latest complete year and 2018-02 is
/// in progress):
/// - 宝山区: 20 alarm calls (报警) in 2016, 14 in 2017 (−30.0%, −6); 5 in 2018-01, 2 in 2018-02;
///   two 求助 calls in 2017 (all calls only). Year to date 2018: 7 against 2 (small base).
/// - 闵行区: 4 in 2016, 6 in 2017 (+50.0% on a base of 4: small base).
/// - two hostile districts with one call each in 2017.
/// burglary_reports (2016-01-01 .. 2017-12-31): 闵行区/康城 12 in 2016, 6 in 2017 (−50.0%).
/// safe_community: 闵行区 2016 6 of 10, 2017 8 of 10 (80.0%, +20.0 points); 宝山区 2017 2 of 3.
enum ReportFixture {
    static let scriptDistrict = "<script>alert(1)</script>"
    static let cellDistrict = "</td><img src=x onerror=alert(1)>"
    static let markdownStreet = "a|b*c_[x](y)`#"

    static func alarmCalls(extraDistricts: [String] = []) -> String {
        var lines = ["call_id,received_at,district,street,call_type,category"]
        var id = 0
        func add(_ date: String, _ district: String, street: String = "", type: String = "报警", category: String = "纠纷") {
            id += 1
            lines.append("A\(id),\(date),\(csvField(district)),\(csvField(street)),\(type),\(category)")
        }
        add("2016-01-01 08:00", "宝山区", street: "罗店镇")
        for i in 1..<20 { add("2016-\(pad(i % 12 + 1))-10 09:00", "宝山区", street: i % 2 == 0 ? "罗店镇" : markdownStreet, category: i % 3 == 0 ? "盗窃" : "纠纷") }
        for i in 0..<14 { add("2017-\(pad(i % 12 + 1))-15 10:00", "宝山区", street: "罗店镇", category: i % 4 == 0 ? "盗窃" : "纠纷") }
        add("2017-05-01", "宝山区", type: "求助")
        add("2017-06-01", "宝山区", type: "求助")
        for i in 0..<4 { add("2016-\(pad(i * 3 + 1))-05", "闵行区") }
        for i in 0..<6 { add("2017-\(pad(i * 2 + 1))-05", "闵行区") }
        add("2017-07-07", scriptDistrict)
        add("2017-08-08", cellDistrict)
        for district in extraDistricts { add("2017-09-09", district) }
        for day in 1...5 { add("2018-01-\(pad(day)) 12:00", "宝山区") }
        add("2018-02-01", "宝山区")
        add("2018-02-10 23:59", "宝山区")
        return lines.joined(separator: "\n") + "\n"
    }

    static func burglaries() -> String {
        var lines = ["case_id,reported_at,district,street,community,status"]
        var id = 0
        func add(_ date: String, _ district: String, _ community: String, status: String = "") {
            id += 1
            lines.append("B\(id),\(date),\(csvField(district)),,\(csvField(community)),\(status)")
        }
        add("2016-01-01", "闵行区", "康城", status: "已破")
        for i in 1..<12 { add("2016-\(pad(i + 1))-03", "闵行区", "康城", status: i % 2 == 0 ? "已破" : "") }
        for i in 0..<6 { add("2017-\(pad(i * 2 + 1))-03", "闵行区", "康城", status: i % 3 == 0 ? "已破" : "") }
        add("2017-03-03", "宝山区", "<b>x</b>")
        add("2017-12-31", "宝山区", "顾村")
        return lines.joined(separator: "\n") + "\n"
    }

    static func safeCommunity() -> String {
        var lines = ["community_id,community,district,street,period,compliant"]
        for i in 0..<10 { lines.append("M\(i),小区\(i),闵行区,莘庄镇,2016,\(i < 6 ? "是" : "否")") }
        for i in 0..<10 { lines.append("M\(i),小区\(i),闵行区,莘庄镇,2017,\(i < 8 ? "是" : "否")") }
        for i in 0..<3 { lines.append("S\(i),村\(i),宝山区,\(csvField(markdownStreet)),2017,\(i < 2 ? "是" : "否")") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Runs ingest and the transform on `files` (relative path → text).
    static func input(
        _ files: [String: String]? = nil, language: ReportInput.Language = .zh, generatedAt: String? = nil
    ) throws -> ReportInput {
        let files = files ?? [
            "alarm_calls.csv": alarmCalls(),
            "burglary_reports.csv": burglaries(),
            "safe_community.csv": safeCommunity(),
        ]
        let folder = try TemporaryDirectory("reports")
        defer { folder.remove() }
        for path in files.keys.sorted() { try folder.write(path, files[path]!) }
        let data = try DataFolder.discover(root: folder.path)
        var sink = NoRejects()
        let stage = IngestStage(config: GovStatsConfig(), maxRejectPercent: ValueParser.amount("100"[...])!)
        let result = try stage.run(data, rejects: &sink)
        #expect(result.refusals == [])
        var trends: [DatedTrends] = []
        var spans: [Dataset: DataSpan] = [:]
        for dataset in result.datasets {
            if let table = DatedTrends(dataset) {
                trends.append(table)
                spans[dataset.dataset] = table.span
            }
        }
        return ReportInput(
            language: language, datasets: result.datasets, trends: trends,
            compliance: result.datasets.flatMap { ComplianceTable.rows($0) },
            spans: spans, categories: result.datasets.compactMap { CategoryBreakdown($0) },
            generatedAt: generatedAt, toolVersion: "0.0-test")
    }

    static func render(_ input: ReportInput) -> [String: String] {
        var pages: [String: String] = [:]
        for document in ReportRenderer.render(input) { pages[document.path] = document.contents }
        return pages
    }
}
