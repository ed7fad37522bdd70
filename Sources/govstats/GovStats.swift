import ArgumentParser
import CPublish
#if canImport(Glibc)
import Glibc
#endif

/// The `govstats` command: ingest, trends and reports for public-safety exports.
@main
struct GovStats: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "govstats",
        abstract: "Turn public-safety and governance CSV exports into trend reports.",
        discussion: """
            Reads 110 alarm calls, burglary case reports, safe-community (平安小区) \
            assessments and datasets declared in govstats.toml from a data folder, and \
            reports trends: year-over-year (同比), period-over-period (环比), year-to-date, \
            compliance rates and rankings, as Markdown and HTML pages and CSV tables.

            First steps with exports of your own: govstats init --data exports (a draft \
            govstats.toml mapping their headers), govstats validate --data exports (what \
            becomes of every row), govstats run --data exports --out reports. Run nightly, \
            it reads only the files added since the last run (govstats help run). Every \
            column, key and output: docs/reference.md.

            Exit codes: 0 done; 1 error (unreadable file, full disk, lock held); 2 usage \
            (bad flag, bad govstats.toml); 3 data refused (a file rejected whole, too many \
            rejected rows, too many districts).
            """,
        version: version,
        subcommands: [Run.self, Validate.self, Init.self, Generate.self]
    )

    /// Parses the command line and maps every outcome to the contract's exit codes:
    /// argument errors exit 2 (not swift-argument-parser's 64).
    static func main() {
        // Large blocks (the record store's columns and indexes, grown with realloc) always
        // get their own mapping: glibc's default raises this threshold after the first big
        // free, and later blocks up to 32 MB then come from the heap, where growing them
        // copies and leaves holes.
        _ = govstats_map_blocks_from(1 << 20)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as Failure {
            failure.report()
            Glibc.exit(failure.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            let message = fullMessage(for: error)
            writeError(message.hasSuffix("\n") ? message : message + "\n")
            Glibc.exit(Failure.usageExitCode)
        }
    }
}

func writeError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
            if written <= 0 { break }
            offset += written
        }
    }
}
