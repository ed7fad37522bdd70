import CLibCSV
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
        // O_NONBLOCK: opening a FIFO must not wait for a writer. Only regular files are
        // read; a FIFO or a device (a link to /dev/zero) would never end.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw FileReadError(path: path, errno: errno, operation: "open") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileReadError(path: path, errno: errno, operation: "read") }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw FileReadError(path: path, errno: EISDIR, operation: "read")
        default: throw FileReadError(path: path, errno: EINVAL, operation: "read", detail: "not a regular file (a FIFO, a device or a socket)")
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
        try readRaw(path: path, encoding: encoding, range: range, firstLine: firstLine, blockBytes: blockBytes, maxFieldBytes: maxFieldBytes) {
            try emit(CSVRecord($0))
        }
    }

    /// As `read`, handing out each record as a view of its bytes (valid during the call).
    public static func readRaw(
        path: String,
        encoding: TextEncoding,
        range: Range<Int>? = nil,
        firstLine: Int = 1,
        blockBytes: Int = FileBlocks.blockBytes,
        maxFieldBytes: Int = CSVRecordDecoder.defaultMaxFieldBytes,
        _ emit: (RawCSVRecord) throws -> Void
    ) throws {
        let decoder = CSVRecordDecoder(maxFieldBytes: maxFieldBytes, firstLine: firstLine)
        let transcoder = encoding == .utf8 ? nil : try Transcoder(from: encoding)
        // The file's first bytes, held until they are known to be a byte order mark or not
        // (a block may end inside it).
        var checkingBOM = encoding == .utf8 && (range?.lowerBound ?? 0) == 0
        var head: [UInt8] = []
        var converted: [UInt8] = []
        try FileBlocks.forEach(path: path, range: range, blockBytes: blockBytes) { block in
            var block = block
            if checkingBOM {
                let taken = min(utf8BOM.count - head.count, block.count)
                head.append(contentsOf: block[0..<taken])
                block = UnsafeRawBufferPointer(rebasing: block[taken...])
                if head.count < utf8BOM.count && utf8BOM.starts(with: head) { return }
                checkingBOM = false
                if head != utf8BOM { try head.withUnsafeBytes { try decoder.feedRaw($0, emit) } }
            }
            if let transcoder {
                converted.removeAll(keepingCapacity: true)
                try transcoder.convert(block, final: false, into: &converted)
                try converted.withUnsafeBytes { try decoder.feedRaw($0, emit) }
            } else {
                try decoder.feedRaw(block, emit)
            }
        }
        if let transcoder {
            converted.removeAll(keepingCapacity: true)
            try transcoder.convert(UnsafeRawBufferPointer(start: nil, count: 0), final: true, into: &converted)
            try converted.withUnsafeBytes { try decoder.feedRaw($0, emit) }
        }
        if checkingBOM { try head.withUnsafeBytes { try decoder.feedRaw($0, emit) } }  // a file shorter than a BOM
        try decoder.finishRaw(emit)
    }

    private static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]
}

/// A file that could not be opened or read, with the system's reason.
public struct FileReadError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var errno: Int32
    public var operation: String
    /// Said instead of the system's text for `errno`, where that would mislead.
    public var detail: String?

    public init(path: String, errno: Int32, operation: String, detail: String? = nil) {
        self.path = path
        self.errno = errno
        self.operation = operation
        self.detail = detail
    }

    public var reason: String { detail ?? String(cString: strerror(errno)) }

    public var description: String { "cannot \(operation) \(path): \(reason)" }
}

/// A hint to the CPU to bring `address` into cache (for hash tables probed a few rows ahead).
@inlinable @inline(__always)
public func prefetchMemory(_ address: UnsafeRawPointer) {
    govstats_prefetch(address)
}
