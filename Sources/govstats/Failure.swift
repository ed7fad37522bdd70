import CSVReading
import Ingest

/// Every way a command fails, with its exit code: the one place exit codes come from
/// (DATA_CONTRACT.md section 3).
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
        for line in lines { writeError("govstats: " + line + "\n") }
    }

    init(_ error: IngestError) {
        switch error {
        case .usage(let message): self = .usage([message])
        case .io(let failure): self = .error([failure.description])
        case .refused(let causes): self = .refused(causes)
        }
    }
}
