import Foundation
import Testing
import TestSupport

/// Real public exports, cut small (Tests/Fixtures/RealExports, each with its SOURCE.md), run
/// from their govstats.toml alone. The expected figures in each expected.json are worked out
/// from the CSV files by compute_expected.py, without govstats (`make test` checks they are
/// current).
@Suite struct RealExportTests {
    static let fixtures = ["calls_for_service", "police_all_crime", "inspections"]

    struct Run {
        let expected: [String: Any]
        let folder: TemporaryDirectory

        init(_ fixture: String) throws {
            let data = repositoryRoot() + "/Tests/Fixtures/RealExports/" + fixture
            let json = try Data(contentsOf: URL(fileURLWithPath: data + "/expected.json"))
            expected = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
            folder = try TemporaryDirectory("real-\(fixture)")
            let result = try GovStatsBinary.run(["run", "--data", data, "--out", folder.path + "/out", "--quiet"])
            #expect(result.status == 0, "\(fixture): \(result.stderr)")
        }

        func csv(_ name: String) throws -> [[String]] {
            try folder.read("out/" + name).split(separator: "\n").dropFirst().map { line in
                line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            }
        }
    }

    @Test(arguments: fixtures)
    func rowOutcomesPerFile(_ fixture: String) throws {
        let run = try Run(fixture)
        defer { run.folder.remove() }
        let files = try #require(run.expected["files"] as? [[String: Any]])
        let quality = try run.csv("data/quality.csv")
        #expect(quality.count == files.count)
        for file in files {
            let name = try #require(file["file"] as? String)
            let row = try #require(quality.first { $0[1] == name }, "\(name) not in quality.csv")
            let columns = ["rows_read", "accepted", "rejected", "duplicates", "conflicts", "filtered"]
            #expect(row[2...].map { Int($0)! } == columns.map { file[$0] as! Int }, "\(fixture) \(name)")
        }
        let rejects = try #require(run.expected["rejects"] as? [[String: Any]])
        let dataset = run.expected["dataset"] as! String
        // A rejected record may run over several lines: its first line starts with its file.
        let published = try run.csv("rejects/\(dataset).csv").filter { $0.count > 3 && $0[0].hasPrefix(dataset + "/") }
        #expect(published.map { "\($0[0]) \($0[1]) \($0[2])" } == rejects.map { "\($0["file"]!) \($0["line"]!) \($0["column"]!)" })
    }

    @Test(arguments: ["calls_for_service", "police_all_crime"])
    func yearlyCountsByArea(_ fixture: String) throws {
        let run = try Run(fixture)
        defer { run.folder.remove() }
        let dataset = run.expected["dataset"] as! String
        let expected = try #require(run.expected["trends_year"] as? [[String: Any]])
        #expect(!expected.isEmpty)
        var values: [String: String] = [:]
        for row in try run.csv("data/trends.csv") where row[0] == dataset && row[4] == "year" {
            values[[row[1], row[2], row[3], row[5]].joined(separator: "|")] = row[6]
        }
        for row in expected {
            let key = ["\(row["metric"]!)", "\(row["level"]!)", "\(row["area"]!)", "\(row["year"]!)"].joined(separator: "|")
            #expect(values[key] == "\(row["value"]!)", "\(fixture) \(key)")
        }
        // The city's name is the configured one.
        #expect(values.keys.contains { $0.hasPrefix("\(expected[0]["metric"]!)|city|\(run.expected["city"]!)|") })
    }

    @Test func complianceFromDatedInspections() throws {
        let run = try Run("inspections")
        defer { run.folder.remove() }
        let expected = try #require(run.expected["compliance"] as? [[String: Any]])
        let rows = try run.csv("data/compliance.csv")
        #expect(rows.count == expected.count)
        for row in expected {
            let found = rows.first { $0[0] == "safe_community" && $0[1] == "\(row["level"]!)" && $0[2] == "\(row["area"]!)" && $0[3] == "\(row["period"]!)" }
            let line = try #require(found, "no compliance row for \(row)")
            #expect(line[4] == "\(row["assessed"]!)" && line[5] == "\(row["compliant"]!)" && line[6] == "\(row["rate_pct_text"]!)", "\(line)")
        }
    }
}
