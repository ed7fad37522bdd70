import Ingest
import Schema
import Testing
import TestSupport

/// The declared rules of `govstats.toml`: patterns, row filters, `latest_by`, compliance
/// from dated inspections, and datasets of the user's own, each on a small fixture.
@Suite struct DeclaredRulesTests {
    @Test(arguments: [
        ("THEFT*", "THEFT", true), ("THEFT*", "THEFT VEHICLE", true), ("THEFT*", "AUTO THEFT", false),
        ("*盗*", "入室盗窃", true), ("*盗*", "诈骗", false), ("盗窃", "盗窃", true), ("盗窃", "盗窃案", false),
        ("theft", "THEFT", false), ("?", "盗", true), ("?", "", false), ("a?c", "abc", true), ("a?c", "ac", false),
        ("*", "", true), ("a*b*c", "aXXbYYc", true), ("a*b*c", "aXXbYY", false), ("**x", "x", true),
        ("\\*", "*", true), ("\\*", "x", false), ("a\\?", "a?", true), ("a\\?", "ab", false), ("\\\\", "\\", true),
    ])
    func patterns(_ pattern: String, _ value: String, _ matches: Bool) throws {
        let compiled = try Pattern(pattern)
        #expect(compiled.matches(value) == matches, "\(pattern) against \(value)")
        var bytes = Array(value.utf8)
        #expect(bytes.withUnsafeMutableBufferPointer { PatternList([compiled]).matches(utf8: UnsafeBufferPointer($0)) } == matches)
    }

    /// A list matches a value when one of its patterns does, by bytes as by text: plain
    /// values of the same length, and wildcards after them.
    @Test(arguments: [("抢劫", true), ("盗窃", true), ("诈骗", false), ("THEFT VEHICLE", true), ("AUTO", false), ("", false)])
    func lists(_ value: String, _ matches: Bool) throws {
        let list = PatternList([try Pattern("盗窃"), try Pattern("抢劫"), try Pattern("扒窃"), try Pattern("THEFT*")])
        #expect(list.matches(value) == matches)
        var bytes = Array(value.utf8)
        #expect(bytes.withUnsafeMutableBufferPointer { list.matches(utf8: UnsafeBufferPointer($0)) } == matches)
    }

    @Test func badEscapesAreNamed() {
        #expect(throws: PatternError(pattern: "a\\b", message: "'\\b' is not an escape (only \\*, \\? and \\\\ are)")) { try Pattern("a\\b") }
        #expect(throws: PatternError(pattern: "a\\", message: "it ends with a lone '\\' (write \\\\ for a backslash)")) { try Pattern("a\\") }
    }

    static let crimeHeader = "Crime ID,Month,Falls within,LSOA name,Crime type,Last outcome category\n"
    static let crimeConfig = """
        [burglary_reports]
        columns = { case_id = "Crime ID", reported_at = "Month", district = "Falls within", community = "LSOA name" }
        datetime_formats = ["yyyy-MM"]
        keep = { "Crime type" = ["Burglary"] }
        drop = { "Last outcome category" = ["Investigation complete*"] }

        """

    /// keep and drop together; a filtered row is never validated (an anti-social behaviour
    /// row without an ID, or with a bad month, is filtered, not rejected).
    @Test func keepAndDropTogether() throws {
        let config = try GovStatsConfig.parse(Self.crimeConfig, file: "govstats.toml")
        let (result, rejects) = try ingest([
            "burglary_reports/2018-01.csv": Self.crimeHeader + """
                a1,2018-01,Met,LSOA 1,Burglary,Under investigation
                ,2018-01,Met,LSOA 1,Anti-social behaviour,
                a2,not-a-month,Met,LSOA 2,Vehicle crime,
                a3,2018-01,Met,LSOA 2,Burglary,Investigation complete; no suspect identified
                a4,2018-01,Met,,Burglary,
                a1,2018-01,Met,LSOA 1,Burglary,Under investigation

                """,
        ], config: config)
        let file = result.dataset(.burglaryReports)!.files[0]
        #expect(counts(file) + [file.filtered] == [6, 1, 1, 1, 0, 3])
        #expect(rejects.map { "\($0.line) \($0.column) \($0.reason)" } == ["6 community required value missing"])
        #expect(result.refusals.isEmpty)
    }

    @Test func aFilterColumnMissingFromAFileRefusesIt() throws {
        let config = try GovStatsConfig.parse(Self.crimeConfig, file: "govstats.toml")
        let (result, _) = try ingest([
            "burglary_reports/2018-01.csv": Self.crimeHeader + "a1,2018-01,Met,LSOA 1,Burglary,\n",
            "burglary_reports/2018-02.csv": "Crime ID,Month,Falls within,LSOA name,Crime type\na2,2018-02,Met,LSOA 1,Burglary\n",
        ], config: config)
        #expect(result.refusals == [
            "burglary_reports/2018-02.csv: file refused: no column 'Last outcome category' for drop in govstats.toml (neither a column of burglary_reports nor a header of this file: Crime ID, Month, Falls within, LSOA name, Crime type) (read as utf-8)",
        ])
    }

    static let inspectionHeader = "Facility ID,Name,Zip,Inspection Date,Score,Result\n"

    static func inspectionConfig(_ rule: String, period: String = "year") -> String {
        """
        [safe_community]
        columns = { community_id = "Facility ID", community = "Name", district = "Zip", assessed_at = "Inspection Date", score = "Score", compliant = "Result" }
        datetime_formats = ["MM/dd/yyyy"]
        period_from = "\(period)"
        compliant_when = \(rule)
        latest_by = "assessed_at"

        """
    }

    /// Newest first, as city exports come: the latest inspection of the period stands even
    /// though an earlier one is read later; a tie goes to the row read later.
    @Test func latestByKeepsTheLatestInspection() throws {
        let config = try GovStatsConfig.parse(Self.inspectionConfig("{ score_at_least = 70 }"), file: "govstats.toml")
        let (result, rejects) = try ingest([
            "safe_community/inspections.csv": Self.inspectionHeader + """
                F1,Cafe,78701,11/20/2017,95,Pass
                F1,Cafe,78701,03/02/2017,60,Fail
                F2,Deli,78702,06/01/2017,65,Fail
                F2,Deli,78702,06/01/2017,80,Pass
                F3,Taco,78702,01/05/2016,69.5,Fail

                """,
        ], config: config)
        #expect(rejects.isEmpty)
        let dataset = result.dataset(.safeCommunity)!
        #expect(counts(dataset.files[0]) == [5, 3, 0, 2, 2])
        let store = dataset.store
        #expect(store.slots(of: "compliant").map { $0 } == [1, 1, 0])
        #expect(store.slots(of: "period").map { Slot.period($0).description } == ["2017", "2017", "2016"])
    }

    @Test(arguments: [("year", ["2017", "2017", "2016"]), ("half", ["2017H2", "2017H1", "2016H1"]), ("quarter", ["2017Q4", "2017Q2", "2016Q1"])])
    func periodFrom(_ kind: String, _ periods: [String]) throws {
        let config = try GovStatsConfig.parse(Self.inspectionConfig("{ values = [\"Pass\", \"Pass *\"] }", period: kind), file: "govstats.toml")
        let (result, _) = try ingest([
            "safe_community/inspections.csv": Self.inspectionHeader + """
                F1,Cafe,78701,11/20/2017,95,Pass
                F2,Deli,78702,06/30/2017,65,Pass w/ conditions
                F3,Taco,78702,01/05/2016,69,Fail

                """,
        ], config: config)
        let store = result.dataset(.safeCommunity)!.store
        #expect(store.slots(of: "period").map { Slot.period($0).description } == periods)
        // "Pass w/ conditions" matches "Pass *"; "Fail" matches no pattern: not compliant.
        #expect(store.slots(of: "compliant").map { $0 } == [1, 1, 0])
    }

    @Test func declaredEventsWithoutIDAndOnlyDeclaredDatasets() throws {
        let config = try GovStatsConfig.parse("""
            [report]
            city = "Springfield"

            [datasets.hotline]
            kind = "events"
            title = { zh = "热线", en = "Hotline" }
            columns = { at = "Opened", district = "Ward", category = "Topic" }
            metrics.noise = { title = { zh = "噪声", en = "Noise" }, where = { category = ["NOISE*"] } }

            [datasets.fire]
            kind = "assessments"
            title = { zh = "消防检查", en = "Fire inspections" }
            columns = { unit_id = "Building", unit = "Name", district = "Ward", period = "Year", compliant = "OK" }

            """, file: "govstats.toml")
        let (result, rejects) = try ingest([
            "hotline/2018.csv": "Opened,Ward,Topic\n2018-01-02 10:00,W1,NOISE - PARTY\n2018-01-02 10:00,W1,NOISE - PARTY\n2018-01-03,W2,POTHOLE\n,W2,NOISE\n",
            "fire.csv": "Building,Name,Ward,Year,OK\nB1,Hall,W1,2017,是\nB2,Mill,W2,2017,否\nB1,Hall,W1,2017,是\n",
        ], config: config)
        #expect(result.datasets.map(\.dataset.name) == ["fire", "hotline"])
        // Without an id every valid row is a record of its own: the two equal rows both count.
        let hotline = result.dataset(config.resolve(config.declared[1]))!
        #expect(counts(hotline.files[0]) == [4, 3, 1, 0, 0])
        #expect(rejects.map { "\($0.file) \($0.line) \($0.column)" } == ["hotline/2018.csv 5 at"])
        let fire = result.datasets[0]
        #expect(counts(fire.files[0]) == [3, 2, 0, 1, 0])
        #expect(config.cityName == "Springfield")
    }
}
