import Reports
#if canImport(Glibc)
import Glibc
#endif

/// A file written through a buffer with write(2), so that a full disk or any other write
/// error is seen (and named) rather than lost in a stdio buffer.
final class OutputFile {
    let path: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private static let flushBytes = 1 << 20

    /// Whether `close` syncs the file to disk. Files written into a staging folder are not:
    /// the publish syncs them all at once (`Publisher.publish`), where a sync at each close
    /// would wait for each file's own journal commit.
    private let syncing: Bool

    /// `spares`: where a file to write over may be taken from (`SpareFiles`), rather than
    /// made anew.
    init(path: String, syncing: Bool = true, spares: SpareFiles? = nil) throws(Failure) {
        self.path = path
        self.syncing = syncing
        descriptor = spares?.take(as: path) ?? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Self.failure("create", path) }
        buffer.reserveCapacity(1 << 16)
    }

    deinit {
        if descriptor >= 0 { Glibc.close(descriptor) }
    }

    func write(_ text: String) throws(Failure) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.flushBytes { try flush() }
    }

    func write(bytes: UnsafeRawBufferPointer) throws(Failure) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushBytes { try flush() }
    }

    func flush() throws(Failure) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.failure("write", path)
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs to disk (`syncing`) and closes.
    func close() throws(Failure) {
        try flush()
        if syncing && fsync(descriptor) != 0 && errno != EINVAL { throw Self.failure("sync", path) }
        if Glibc.close(descriptor) != 0 { throw Self.failure("close", path) }
        descriptor = -1
    }

    static func failure(_ operation: String, _ path: String) -> Failure {
        let code = errno
        let reason = String(cString: strerror(code))
        let hint = code == ENOSPC ? " (the disk holding \(path) is full)" : ""
        return .error(["cannot \(operation) \(path): \(reason)\(hint)"])
    }
}

/// Writes the output files into the staging folder, each through an `OutputFile` (a full
/// disk is seen and named), making its folder first.
struct StagingSink: OutputSink {
    let folder: String
    let spares: SpareFiles

    func write(_ path: String, _ body: ((String) throws -> Void) throws -> Void) throws {
        let full = folder + "/" + path
        if let slash = full.lastIndex(of: "/") { try makeDirectories(String(full[..<slash])) }
        let file = try OutputFile(path: full, syncing: false, spares: spares)
        try body { try file.write($0) }
        try file.close()
    }
}
