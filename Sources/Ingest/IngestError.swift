import CSVReading
import Schema

/// Why ingest stopped. Each case maps to one exit code of the contract (section 3).
package enum IngestError: Error, Equatable, CustomStringConvertible {
    /// exit 2: the command line or the config is wrong.
    case usage(String)
    /// exit 1: a file could not be read.
    case io(FileReadError)
    /// exit 3: data refused. One line per cause.
    case refused([String])

    package var description: String {
        switch self {
        case .usage(let message): message
        case .io(let error): error.description
        case .refused(let causes): causes.joined(separator: "\n")
        }
    }
}
