import ArgumentParser
import CPublish
import Ingest
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
            if let word = CommandLine.arguments.dropFirst().first, let message = unknownCommand(word) {
                throw Failure.usage([message])
            }
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
            var message = fullMessage(for: error)
            if !message.hasSuffix("\n") { message += "\n" }
            writeError(message + positionalFolderHint(message))
            Glibc.exit(Failure.usageExitCode)
        }
    }
}

extension GovStats {
    /// The message for a first word that is neither an option nor a command, which
    /// swift-argument-parser would report as an unknown option further on
    /// (`govstats rnu --data x`: "Unknown option '--data'"); nil for anything else.
    static func unknownCommand(_ word: String) -> String? {
        let commands = configuration.subcommands.map { $0._commandName }
        guard !word.hasPrefix("-"), word != "help", !commands.contains(word) else { return nil }
        let lowered = word.lowercased()
        let nearest = commands.first { $0.hasPrefix(lowered) && lowered.count >= 2 }
            ?? commands.map { (command: $0, distance: editDistance(lowered, $0)) }
                .filter { $0.distance <= 2 }.min { $0.distance < $1.distance }?.command
        var guess = nearest.map { " (did you mean \($0)?)" } ?? ""
        var info = stat()
        if nearest == nil, stat(word, &info) == 0 {
            guess = " (a data folder is named with --data, as in govstats run --data \(word))"
        }
        return "unknown command '\(word)'\(guess): the commands are \(inWords(commands, over: commands.count, showing: commands.count)); see govstats --help"
    }

    /// A line after the option parser's "Unexpected argument 'datasets'" when that argument
    /// is a folder: the data folder is an option's value, not a word of its own.
    static func positionalFolderHint(_ message: String) -> String {
        let prefix = "Error: Unexpected argument '"
        guard message.hasPrefix(prefix), let end = message.dropFirst(prefix.count).firstIndex(of: "'") else { return "" }
        let word = String(message[message.index(message.startIndex, offsetBy: prefix.count)..<end])
        var info = stat()
        guard stat(word, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return "" }
        let commands = configuration.subcommands.map { $0._commandName }
        let command = CommandLine.arguments.dropFirst().first.flatMap { commands.contains($0) ? $0 : nil } ?? "run"
        return "A data folder is named with --data: govstats \(command) --data \(word)\n"
    }

    /// Levenshtein distance, for suggesting a command.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
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
