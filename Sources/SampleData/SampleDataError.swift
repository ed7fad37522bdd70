/// Why a generation failed: a file or folder that could not be created or written, named
/// with the system's reason.
public struct SampleDataError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
