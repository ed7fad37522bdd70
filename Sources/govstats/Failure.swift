import CSVReading
import Ingest

/// Every way a command fails, with its exit code: the one place exit codes come from
/// (docs/reference.md).
enum Failure: Error {
    /// exit 1: unreadable file, full disk, lock held, internal error.
    case error([String])
    /// exit 2: bad flag, bad govstats.toml.
    case usage([String])
    /// exit 3: data refused.
    case refused([String])

    static let usageExitCode: Int32 = 2

    var exitCode: Int32 {
        switch self {
        case .error: 1
        case .usage: 2
        case .refused: 3
        }
    }

    var lines: [String] {
        switch self {
        case .error(let lines), .usage(let lines), .refused(let lines): lines
        }
    }

    /// One line per cause on standard error.
    func report() {
        for line in lines { writeError("govstats: " + escapedLine(line) + "\n") }
    }

    init(_ error: IngestError) {
        switch error {
        case .usage(let message): self = .usage([message])
        case .io(let failure): self = .error([failure.description])
        case .refused(let causes): self = .refused(causes)
        }
    }
}

/// A message as one printable line for a terminal or a cron mail: control characters (a line
/// feed in a file's name would forge a line, an escape sequence would drive the terminal)
/// and invisible format characters (a right-to-left override would disguise a name) are
/// shown as `\u{…}`. Messages longer than `maxLine` characters are cut, saying how much.
func escapedLine(_ text: String, maxLine: Int = 2000) -> String {
    var result = ""
    var count = 0
    for scalar in text.unicodeScalars {
        if count >= maxLine {
            let rest = text.unicodeScalars.count - count
            result += " … (\(rest) more characters)"
            break
        }
        let value = scalar.value
        if (value < 0x20 && value != 0x09) || (0x7F...0x9F).contains(value) || scalar.properties.generalCategory == .format {
            result += "\\u{" + String(value, radix: 16, uppercase: true) + "}"
        } else {
            result.unicodeScalars.append(scalar)
        }
        count += 1
    }
    return result
}
