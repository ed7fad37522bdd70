#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file in blocks, never whole: the driver that feeds a `CSVRecordDecoder`.
public enum FileBlocks {
    public static let blockBytes = 1 << 20

    /// Calls `body` with each block of the file at `path`, in order; with `range`, only the
    /// bytes at those offsets.
    public static func forEach(
        path: String, range: Range<Int>? = nil, blockBytes: Int = blockBytes,
        _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileReadError(path: path, errno: errno, operation: "open") }
        defer { close(descriptor) }
        var info = stat()
        if fstat(descriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            throw FileReadError(path: path, errno: EISDIR, operation: "read")
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockBytes, alignment: 16)
        defer { buffer.deallocate() }
        var position = range?.lowerBound ?? 0
        let end = range?.upperBound ?? Int.max
        while position < end {
            let wanted = min(blockBytes, end - position)
            let count = pread(descriptor, buffer.baseAddress, wanted, off_t(position))
            if count < 0 {
                if errno == EINTR { continue }
                throw FileReadError(path: path, errno: errno, operation: "read")
            }
            if count == 0 { break }
            position += count
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }
}

/// Reads one CSV file's records: strips a UTF-8 byte order mark, converts other encodings
/// to UTF-8 on the way, and numbers lines as they stand in the file.
public enum CSVFileReader {
    /// Reads the records of the file, or of one chunk of it: `range` starting at a
    /// `RecordBoundaryScanner` cut whose line is `firstLine`.
    public static func read(
        path: String,
        encoding: TextEncoding,
        range: Range<Int>? = nil,
        firstLine: Int = 1,
        blockBytes: Int = FileBlocks.blockBytes,
        maxFieldBytes: Int = CSVRecordDecoder.defaultMaxFieldBytes,
        _ emit: (CSVRecord) throws -> Void
    ) throws {
        let decoder = CSVRecordDecoder(maxFieldBytes: maxFieldBytes, firstLine: firstLine)
        let transcoder = encoding == .utf8 ? nil : try Transcoder(from: encoding)
        var atStart = (range?.lowerBound ?? 0) == 0
        var converted: [UInt8] = []
        try FileBlocks.forEach(path: path, range: range, blockBytes: blockBytes) { block in
            var block = block
            if atStart {
                atStart = false
                if encoding == .utf8 && block.starts(with: [0xEF, 0xBB, 0xBF]) {
                    block = UnsafeRawBufferPointer(rebasing: block[3...])
                }
            }
            if let transcoder {
                converted.removeAll(keepingCapacity: true)
                try transcoder.convert(block, final: false, into: &converted)
                try decoder.feed(converted, emit)
            } else {
                try decoder.feed(block, emit)
            }
        }
        if let transcoder {
            converted.removeAll(keepingCapacity: true)
            try transcoder.convert(UnsafeRawBufferPointer(start: nil, count: 0), final: true, into: &converted)
            try decoder.feed(converted, emit)
        }
        try decoder.finish(emit)
    }
}

/// A file that could not be opened or read, with the system's reason.
public struct FileReadError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var errno: Int32
    public var operation: String

    public init(path: String, errno: Int32, operation: String) {
        self.path = path
        self.errno = errno
        self.operation = operation
    }

    public var reason: String { String(cString: strerror(errno)) }

    public var description: String { "cannot \(operation) \(path): \(reason)" }
}
