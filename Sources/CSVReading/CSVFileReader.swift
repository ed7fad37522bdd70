#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Reads a file in blocks, never whole: the driver that feeds a `CSVRecordDecoder`.
public enum FileBlocks {
    public static let blockBytes = 1 << 20

    /// The offset just after the first line feed at or after `offset` (`fileBytes` if
    /// none): where a chunk, or a part of a first pass, may start in UTF-8, GB18030 or Big5.
    public static func lineStart(path: String, atOrAfter offset: Int, fileBytes: Int) throws -> Int {
        var found: Int?
        var position = offset
        do {
            // The line feed is most often a line's length away.
            try forEach(path: path, range: offset..<fileBytes, blockBytes: 4 << 10) { block in
                if let hit = memchr(block.baseAddress!, 0x0A, block.count) {
                    found = position + block.baseAddress!.distance(to: UnsafeRawPointer(hit)) + 1
                    throw Found()
                }
                position += block.count
            }
        } catch is Found {}
        return found ?? fileBytes
    }

    private struct Found: Error {}

    /// Blocks read past a chunk's nominal end (`forEach`'s `smallFrom`): enough for the rest
    /// of a record or of a few, where a full block would mostly be the next chunk's bytes.
    public static let tailBlockBytes = 64 << 10

    /// Calls `body` with each block of the file at `path`, in order; with `range`, only the
    /// bytes at those offsets, and a file that ends before the range does (it was cut short
    /// since its size was taken) fails to be read. No block reaches more than
    /// `tailBlockBytes` past offset `smallFrom`, or past its own start once there (a read
    /// that will soon stop).
    public static func forEach(
        path: String, range: Range<Int>? = nil, blockBytes: Int = blockBytes, smallFrom: Int = .max,
        _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let (descriptor, _) = try openRegular(path)
        defer { close(descriptor) }
        let buffer = BlockPool.shared.take(byteCount: blockBytes)
        defer { BlockPool.shared.give(buffer) }
        var position = range?.lowerBound ?? 0
        let end = range?.upperBound ?? Int.max
        while position < end {
            var wanted = min(blockBytes, end - position)
            if smallFrom < .max { wanted = min(wanted, max(smallFrom - position, 0) + tailBlockBytes) }
            let count = pread(descriptor, buffer.baseAddress, wanted, off_t(position))
            if count < 0 {
                if errno == EINTR { continue }
                throw FileReadError(path: path, errno: errno, operation: "read")
            }
            if count == 0 {
                if range != nil { throw FileReadError.endedEarly(path: path, at: position, expected: end) }
                break
            }
            position += count
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// The line of the file at `path` that the byte at `offset` is on, from 1, counted as
    /// its reader counts lines: LF, CRLF and a lone CR each end one.
    public static func line(path: String, at offset: Int) throws -> Int {
        var line = 1
        var pendingCR = false
        try forEach(path: path, range: 0..<offset) { DecoderState.countLineBreaks($0, line: &line, pendingCR: &pendingCR, partial: true) }
        DecoderState.countLineBreaks(UnsafeRawBufferPointer(start: nil, count: 0), line: &line, pendingCR: &pendingCR, partial: false)
        return line
    }
}

/// Read buffers of `FileBlocks.blockBytes` given back after a read, for the next read to
/// use: chunked reading reads a block or two per chunk on each worker, and a fresh 1 MiB
/// buffer each time is a fresh mapping whose pages all fault in again.
final class BlockPool: Sendable {
    static let shared = BlockPool(limit: 8)

    /// Addresses of free buffers (raw pointers are not Sendable).
    private let free = Mutex<[UInt]>([])
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func take(byteCount: Int) -> UnsafeMutableRawBufferPointer {
        if byteCount == FileBlocks.blockBytes, let address = free.withLock({ $0.popLast() }) {
            return UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(bitPattern: address), count: byteCount)
        }
        return .allocate(byteCount: byteCount, alignment: 16)
    }

    func give(_ buffer: UnsafeMutableRawBufferPointer) {
        let kept = buffer.count == FileBlocks.blockBytes && free.withLock { free in
            guard free.count < limit else { return false }
            free.append(UInt(bitPattern: buffer.baseAddress!))
            return true
        }
        if !kept { buffer.deallocate() }
    }
}

/// What tells one version of a file from another without reading it: the file it is (device
/// and inode: a file replaced by a rename is another), its size, its modification time, and
/// the time its inode last changed. A write sets both times; a tool that copies a file's
/// times (`touch -r`, `cp -p`, `rsync -t`) sets the modification time back, but the change
/// time is the kernel's own, so a rewrite of the same size is seen even then.
public struct FileVersion: Equatable, Sendable {
    public let device: UInt64
    public let inode: UInt64
    public let size: Int
    public let modifiedSeconds: Int
    public let modifiedNanoseconds: Int
    public let changedSeconds: Int
    public let changedNanoseconds: Int

    public init(device: UInt64, inode: UInt64, size: Int, modifiedSeconds: Int, modifiedNanoseconds: Int, changedSeconds: Int, changedNanoseconds: Int) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modifiedSeconds = modifiedSeconds
        self.modifiedNanoseconds = modifiedNanoseconds
        self.changedSeconds = changedSeconds
        self.changedNanoseconds = changedNanoseconds
    }

    /// The version of the file at `path` now (following links, as opening it does; a
    /// failure is reported as opening's would be).
    public static func of(_ path: String) throws(FileReadError) -> FileVersion {
        var info = stat()
        guard stat(path, &info) == 0 else { throw FileReadError(path: path, errno: errno, operation: "open") }
        return FileVersion(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int(info.st_size),
            modifiedSeconds: Int(info.st_mtim.tv_sec), modifiedNanoseconds: Int(info.st_mtim.tv_nsec),
            changedSeconds: Int(info.st_ctim.tv_sec), changedNanoseconds: Int(info.st_ctim.tv_nsec))
    }
}

extension FileBlocks {
    /// Up to the first `count` bytes of the regular file at `path` (none if it cannot be read).
    public static func head(path: String, count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        guard let size = try? size(path: path) else { return bytes }
        try? forEach(path: path, range: 0..<min(size, count)) { bytes += $0 }
        return bytes
    }

    /// The size in bytes of the regular file at `path`.
    public static func size(path: String) throws -> Int {
        let (descriptor, size) = try openRegular(path)
        close(descriptor)
        return size
    }

    /// Opens a regular file for reading: its descriptor and size.
    static func openRegular(_ path: String) throws -> (Int32, Int) {
        // O_NONBLOCK: opening a FIFO must not wait for a writer. Only regular files are
        // read; a FIFO or a device (a link to /dev/zero) would never end.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw FileReadError(path: path, errno: errno, operation: "open") }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let error = FileReadError(path: path, errno: errno, operation: "read")
            close(descriptor)
            throw error
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            return (descriptor, Int(info.st_size))
        case S_IFDIR:
            close(descriptor)
            throw FileReadError(path: path, errno: EISDIR, operation: "read")
        default:
            close(descriptor)
            throw FileReadError(path: path, errno: EINVAL, operation: "read", detail: "not a regular file (a FIFO, a device or a socket)")
        }
    }
}

/// A file read in the encoding its start decodes in (`readRaw`'s `checking`) holds a byte
/// that the encoding cannot decode, at `offset` (0-based, from the file's start).
public struct NotDecodableAfterAll: Error, Equatable, Sendable {
    public let path: String
    public let offset: Int

    public init(path: String, offset: Int) {
        self.path = path
        self.offset = offset
    }
}

/// Reads one CSV file's records: strips a UTF-8 byte order mark, converts other encodings
/// to UTF-8 on the way, and numbers lines as they stand in the file.
public enum CSVFileReader {
    /// Reads the records of the file, or of one chunk of it: `range` starting where a
    /// record starts, on line `firstLine`.
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

    /// Where a read stopped: the offset after its last byte, and the line number there.
    public struct End: Equatable, Sendable {
        public let offset: Int
        public let nextLine: Int
        /// Whether no record was under way there (at the end of the file: before the last
        /// record, if any, was ended by the end of the input rather than by a line break).
        public var betweenRecords = true
    }

    /// As `read`, handing out each record as a view of its bytes (valid during the call).
    ///
    /// `stopAfter`: stop at the first line feed at or after offset `stopAfter - 1` that ends
    /// a record (outside quotes), instead of at the end of `range`; the returned end is just
    /// after it. Chunked reading cuts files there. In every encoding read (UTF-8, GB18030,
    /// Big5) the byte 0x0A is a line feed and never part of another character, so a line
    /// feed of the file's bytes is a line feed of the text, and the text after it decodes
    /// on its own.
    /// `afterBlock` is told the file offset reached after each block (for progress).
    /// `checking`: the file was taken to be in `encoding` on the strength of its start, and
    /// the bytes are checked from the start of `range` (a character start) to where the
    /// read ends: `NotDecodableAfterAll` is thrown at the first byte that `encoding` cannot
    /// decode (a character cut by the end of the file included), instead of the
    /// `TranscodeError` of a read without it. UTF-8, which is not decoded, is checked here.
    /// `eachBlock` is given every block of the file's bytes as read, in order, before it is
    /// decoded (for a hash of the file).
    @discardableResult
    public static func readRaw(
        path: String,
        encoding: TextEncoding,
        range: Range<Int>? = nil,
        firstLine: Int = 1,
        stopAfter: Int? = nil,
        blockBytes: Int = FileBlocks.blockBytes,
        maxFieldBytes: Int = CSVRecordDecoder.defaultMaxFieldBytes,
        afterBlock: (_ offset: Int) -> Void = { _ in },
        checking: Bool = false,
        eachBlock: ((UnsafeRawBufferPointer) -> Void)? = nil,
        _ emit: (RawCSVRecord) throws -> Void
    ) throws -> End {
        let decoder = CSVRecordDecoder(maxFieldBytes: maxFieldBytes, firstLine: firstLine)
        var utf8 = checking && encoding == .utf8 ? UTF8Validator() : nil
        let origin = range?.lowerBound ?? 0
        func failIfNotUTF8() throws {
            if let offset = utf8?.firstInvalidOffset { throw NotDecodableAfterAll(path: path, offset: origin + offset) }
        }
        let transcoder = encoding == .utf8 ? nil : try TranscoderPool.take(from: encoding)
        defer { if let transcoder { TranscoderPool.give(transcoder) } }
        /// The UTF-8 of the file's next `bytes` (`transcoder` is there).
        func decoded(_ bytes: UnsafeRawBufferPointer, final: Bool) throws -> UnsafeRawBufferPointer {
            do { return try transcoder!.convert(bytes, final: final) } catch {
                if checking, case .invalidByte(_, let offset) = error { throw NotDecodableAfterAll(path: path, offset: origin + offset) }
                throw error
            }
        }
        // The file's first bytes, held until they are known to be a byte order mark or not
        // (a block may end inside it).
        var checkingBOM = encoding == .utf8 && origin == 0
        var head: [UInt8] = []
        var position = origin
        var stoppedAt: Int?
        do {
            // Past `stopAfter - 1` only the end of the record under way is wanted: small
            // blocks, not a full one of the next chunk's bytes (with full ones the workers
            // read 1.54 times the bench file's bytes at `--jobs 2`).
            try FileBlocks.forEach(path: path, range: range, blockBytes: blockBytes, smallFrom: stopAfter.map { $0 - 1 } ?? .max) { block in
                let blockStart = position
                position += block.count
                eachBlock?(block)
                // With `checking`, a UTF-8 block's bytes are checked through `checked` in
                // order: all at once, unless the read may stop inside the block; then only
                // up to where it stops (a chunk's reader would otherwise check most of the
                // next chunk's first block too).
                let raw = block
                var checked = 0
                func check(through end: Int) throws {
                    guard utf8 != nil, end > checked else { return }
                    utf8!.feed(UnsafeRawBufferPointer(rebasing: raw[checked..<end]))
                    checked = end
                    try failIfNotUTF8()
                }
                let mayStop = stopAfter.map { blockStart + raw.count > $0 - 1 } ?? false
                if !mayStop { try check(through: raw.count) }
                var block = block
                var skipped = 0
                if checkingBOM {
                    let taken = min(utf8BOM.count - head.count, block.count)
                    head.append(contentsOf: block[0..<taken])
                    block = UnsafeRawBufferPointer(rebasing: block[taken...])
                    skipped = taken
                    if head.count < utf8BOM.count && utf8BOM.starts(with: head) {
                        try check(through: raw.count)
                        return
                    }
                    checkingBOM = false
                    if head != utf8BOM { try head.withUnsafeBytes { try decoder.feedRaw($0, emit) } }
                }
                // The file's bytes to the decoder, decoded to UTF-8 first when they are not.
                func feed(_ bytes: UnsafeRawBufferPointer) throws {
                    guard transcoder != nil else { return try decoder.feedRaw(bytes, emit) }
                    try decoder.feedRaw(try decoded(bytes, final: false), emit)
                }
                if mayStop, let stopAfter {
                    if let end = try feedUntilRecordEnds(block, from: max(0, stopAfter - 1 - blockStart - skipped), decoder, feed) {
                        try check(through: skipped + end)
                        stoppedAt = blockStart + skipped + end
                        throw StopReading()
                    }
                } else {
                    try feed(block)
                }
                try check(through: raw.count)
                afterBlock(position)
            }
        } catch is StopReading {
            return End(offset: stoppedAt!, nextLine: decoder.nextLine)
        }
        utf8?.finish()
        try failIfNotUTF8()
        if transcoder != nil {
            try decoder.feedRaw(try decoded(UnsafeRawBufferPointer(start: nil, count: 0), final: true), emit)
        }
        if checkingBOM { try head.withUnsafeBytes { try decoder.feedRaw($0, emit) } }  // a file shorter than a BOM
        let end = End(offset: position, nextLine: decoder.nextLine, betweenRecords: decoder.isBetweenRecords)
        try decoder.finishRaw(emit)
        return end
    }

    /// Feeds `block` (through `feed`, which gives it to `decoder`), stopping just after the
    /// first line feed at or after `searchFrom` that ends a record; returns the offset in
    /// `block` after it, or nil if none did.
    private static func feedUntilRecordEnds(
        _ block: UnsafeRawBufferPointer, from searchFrom: Int, _ decoder: CSVRecordDecoder,
        _ feed: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Int? {
        var fed = 0
        var search = min(searchFrom, block.count)
        while search < block.count {
            guard let found = memchr(block.baseAddress! + search, 0x0A, block.count - search) else { break }
            let lineFeed = block.baseAddress!.distance(to: UnsafeRawPointer(found))
            try feed(UnsafeRawBufferPointer(rebasing: block[fed...lineFeed]))
            fed = lineFeed + 1
            if decoder.isBetweenRecords { return fed }
            search = fed
        }
        if fed < block.count { try feed(UnsafeRawBufferPointer(rebasing: block[fed...])) }
        return nil
    }

    private struct StopReading: Error {}

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

    /// The file at `path` was `before` bytes long when first seen, and then `after`.
    public static func changedSize(path: String, from before: Int, to after: Int) -> FileReadError {
        FileReadError(path: path, errno: 0, operation: "read", detail: "the file changed size while it was read (\(before) bytes, then \(after))")
    }

    /// The file at `path` kept its size but was written to, or replaced, while it was read.
    public static func changed(path: String) -> FileReadError {
        FileReadError(path: path, errno: 0, operation: "read", detail: "the file was modified or replaced while it was read")
    }

    /// A read of the file at `path` up to offset `expected` found its end at `offset`.
    public static func endedEarly(path: String, at offset: Int, expected: Int) -> FileReadError {
        FileReadError(path: path, errno: 0, operation: "read", detail: "the file changed while it was read: it ended after \(offset) bytes, \(expected) were expected")
    }

    public var description: String { "cannot \(operation) \(path): \(reason)" }
}
