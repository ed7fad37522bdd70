#if canImport(Glibc)
import Glibc
#endif
import CBytes
import Dispatch
import Synchronization

/// Why a run state could not be written or read.
package struct StateError: Error, CustomStringConvertible, Sendable {
    package let description: String

    package init(_ description: String) {
        self.description = description
    }

    static func system(_ operation: String, _ path: String) -> StateError {
        StateError("cannot \(operation) \(path): \(String(cString: strerror(errno)))")
    }
}

/// Writes a run state file: little-endian integers, texts and raw arrays through a buffer,
/// every byte fed to a CRC-32C that closes the file (`finish`). A reader that finds another
/// checksum, or a file cut short, knows the file is not one `finish` completed. (A CRC, not
/// a sha256: it finds damage, which is all it is for, at several GB/s; the state is read
/// and written whole by every run.)
package final class StateWriter {
    package let path: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var checksum = Checksum()
    private static let flushBytes = 1 << 20

    /// Arrays of at least this many bytes are written to be mapped (`FlatArray.write`).
    let mapBytes: Int

    /// The folder the file is written in.
    var folder: String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `mapBytes`: a page (an array smaller than that is read, as cheaply as a mapping
    /// is made); in tests, 1, to map every array.
    package init(path: String, mapBytes: Int = 4096) throws {
        self.path = path
        self.mapBytes = mapBytes
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StateError.system("create", path) }
        buffer.reserveCapacity(Self.flushBytes)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    package func integer(_ value: Int) throws {
        var little = Int64(value).littleEndian
        try withUnsafeBytes(of: &little) { bytes in try self.bytes(bytes) }
    }

    package func text(_ value: String) throws {
        var value = value
        try integer(value.utf8.count)
        try value.withUTF8 { (utf8) throws in try bytes(UnsafeRawBufferPointer(utf8)) }
    }

    /// Zero bytes up to the next multiple of `alignment` of the file's length.
    func align(_ alignment: Int) throws {
        let padding = (alignment - offset % alignment) % alignment
        guard padding > 0 else { return }
        let zeros = [UInt8](repeating: 0, count: padding)
        try zeros.withUnsafeBytes { try bytes($0) }
    }

    /// The number of bytes written so far.
    private var offset = 0
    /// Where `reserveLength` left room for the file's length, which `finish` writes there.
    private var lengthOffset: Int?

    /// Room for the file's length (8 bytes), which `finish` writes once it is known; the
    /// checksum takes them as zeros. A reader compares it with the file's size
    /// (`StateReader.checkLength`), so that a file cut short is named so.
    package func reserveLength() throws {
        precondition(lengthOffset == nil, "a state's length is written once")
        lengthOffset = offset
        try integer(0)
    }

    package func bytes(_ raw: UnsafeRawBufferPointer) throws {
        guard !raw.isEmpty else { return }
        offset += raw.count
        checksum.feed(raw)
        if raw.count >= Self.flushBytes {
            try flush()
            try writeAll(raw)
        } else {
            buffer.append(contentsOf: raw)
            if buffer.count >= Self.flushBytes { try flush() }
        }
    }

    /// As `bytes`, for the elements of an array mapped privately from a file
    /// (`FlatArray.isMapped`): its pages that still hold the file's bytes are dropped from
    /// the process (`releaseFilePages`: those the run's lookups brought in), then it is
    /// written `releasedBytes` at a time (through `bytes`), each part's such pages dropped
    /// again once written. A state written whole from a mapped one (a warm run at the end of a chain
    /// of deltas) then does not bring all of it into the process. An array of less than a
    /// page holds no whole page and is buffered as `bytes` buffers it.
    ///
    /// `patch`: each part is copied and the copy changed before it is written (it is given
    /// the copy and the part's offset in `raw`; parts are a multiple of 8 bytes long).
    /// `releasing` false: `raw` is not mapped, and no page is dropped.
    package func mappedBytes(_ raw: UnsafeRawBufferPointer, releasing: Bool = true, patch: ((UnsafeMutableRawBufferPointer, Int) -> Void)? = nil) throws {
        let page = FlatArrayPages.size
        var copy: UnsafeMutableRawBufferPointer?
        if patch != nil { copy = .allocate(byteCount: min(raw.count, Self.releasedBytes), alignment: 16) }
        defer { copy?.deallocate() }
        /// Writes `part`, at `offset` in `raw`, patched if it is to be.
        func write(_ part: UnsafeRawBufferPointer, at offset: Int) throws {
            guard let patch, let copy, let source = part.baseAddress else { return try bytes(part) }
            let patched = UnsafeMutableRawBufferPointer(rebasing: copy[0..<part.count])
            patched.copyMemory(from: UnsafeRawBufferPointer(start: source, count: part.count))
            patch(patched, offset)
            try bytes(UnsafeRawBufferPointer(patched))
        }
        // An array of less than a page holds no whole page: nothing to drop.
        let pagemap = releasing && raw.count >= page ? Self.openPagemap(page: page) : -1
        defer { if pagemap >= 0 { close(pagemap) } }
        /// The whole pages of the `count` bytes at `from`, released.
        func release(from: Int, count: Int) {
            guard pagemap >= 0, let base = raw.baseAddress else { return }
            let start = (Int(bitPattern: base + from) + page - 1) / page * page
            let end = Int(bitPattern: base + from + count) / page * page
            if start < end { Self.releaseFilePages(start..<end, page: page, pagemap: pagemap) }
        }
        release(from: 0, count: raw.count)
        var done = 0
        repeat {
            let part = UnsafeRawBufferPointer(rebasing: raw[done..<min(done + Self.releasedBytes, raw.count)])
            try write(part, at: done)
            release(from: done, count: part.count)
            done += part.count
        } while done < raw.count
    }

    /// `/proc/self/pagemap`, open, if it tells which pages are in the process and whether
    /// each is the process's own, else -1 (nothing is then dropped). Where it gives no
    /// flags (they read as 0), every page would look like the file's, and dropping the
    /// run's changes would write the old bytes: a page of the stack, present and
    /// anonymous, must read so.
    private static func openPagemap(page: Int) -> Int32 {
        let pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)
        guard pagemap >= 0 else { return -1 }
        var marker: UInt64 = 0
        let address = withUnsafeMutablePointer(to: &marker) { pointer in
            pointer.pointee = 1
            return Int(bitPattern: pointer)
        }
        var entry: UInt64 = 0
        let got = pread(pagemap, &entry, 8, off_t(address / page * 8))
        guard got == 8, entry & Self.present != 0, entry & Self.fileOrShared == 0 else {
            close(pagemap)
            return -1
        }
        return pagemap
    }

    private static let present: UInt64 = 1 << 63, swapped: UInt64 = 1 << 62, fileOrShared: UInt64 = 1 << 61

    /// Drops the pages at the addresses `range` (whole pages of a private file mapping)
    /// from the process, except those it changed: a page copied on write is its own
    /// (anonymous in `/proc/self/pagemap`, present or swapped) and stays; any other is read
    /// from the file again if touched, with the same bytes, since the file is never
    /// written. (`MADV_PAGEOUT` would leave the large folios of the page cache in place.)
    private static func releaseFilePages(_ range: Range<Int>, page: Int, pagemap: Int32) {
        let pages = range.count / page
        var entries = [UInt64](repeating: 0, count: pages)
        let wanted = pages * MemoryLayout<UInt64>.stride
        let got = entries.withUnsafeMutableBytes { pread(pagemap, $0.baseAddress, wanted, off_t(range.lowerBound / page * MemoryLayout<UInt64>.stride)) }
        guard got == wanted else { return }
        var first = -1
        for index in 0...pages {
            let entry = index < pages ? entries[index] : 0
            let own = entry & Self.swapped != 0 || (entry & Self.present != 0 && entry & Self.fileOrShared == 0)
            let drop = index < pages && !own
            if drop && first < 0 { first = index }
            if !drop && first >= 0 {
                _ = madvise(UnsafeMutableRawPointer(bitPattern: range.lowerBound + first * page), (index - first) * page, MADV_DONTNEED)
                first = -1
            }
        }
    }

    package static let releasedBytes = 2 << 20

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { raw in try writeAll(raw) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ raw: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < raw.count {
            let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw StateError.system("write", path)
            }
            offset += written
        }
    }

    /// Writes the checksum of everything before it and closes the file. It is not synced
    /// to disk: a state that a crash left incomplete fails its checksum and is ignored, and
    /// a sync would cost a nightly run more than reading its new files.
    package func finish() throws {
        try flush()
        var digest = checksum.value.littleEndian
        try withUnsafeBytes(of: &digest) { raw in try writeAll(raw) }
        if let lengthOffset {
            var length = Int64(offset + MemoryLayout.size(ofValue: digest)).littleEndian
            let written = withUnsafeBytes(of: &length) { raw in pwrite(descriptor, raw.baseAddress!, raw.count, off_t(lengthOffset)) }
            guard written == MemoryLayout.size(ofValue: length) else { throw StateError.system("write", path) }
        }
        let code = close(descriptor)
        descriptor = -1
        if code != 0 { throw StateError.system("close", path) }
    }

    /// Closes and removes the file (a run that failed, or a state not worth keeping).
    package func discard() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(path)
    }
}

/// CRC-32C of a stream fed in parts.
struct Checksum: Sendable {
    private(set) var value: UInt32 = 0
    /// The bytes fed.
    private(set) var length = 0

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        value = govstats_crc32c(value, base.assumingMemoryBound(to: UInt8.self), bytes.count)
        length += bytes.count
    }

    /// Goes on with the bytes `next` was fed, as if they had been fed here.
    mutating func append(_ next: Checksum) {
        value = govstats_crc32c_combine(value, next.value, next.length)
        length += next.length
    }

    /// The checksum of `bytes` of the file open as `descriptor`, from `start`: read through
    /// a window mapped for a moment (no copy), so the pages stay in the page cache, not in
    /// the process; `each` is given every window's bytes as well. Nil when it cannot be
    /// mapped.
    static func of(
        _ descriptor: Int32, start: Int, bytes: Int, each: (UnsafeRawBufferPointer) throws -> Void
    ) rethrows -> Checksum? {
        let window = 4 << 20
        var checksum = Checksum()
        var done = 0
        while done < bytes {
            let step = min(window, bytes - done)
            guard let view = mmap(nil, step, PROT_READ, MAP_PRIVATE, descriptor, off_t(start + done)), view != MAP_FAILED else {
                return nil
            }
            defer { munmap(view, step) }
            // One call brings the window's pages in, rather than a fault per page (a hint:
            // where the kernel has no such advice, the faults serve).
            _ = madvise(view, step, 22 /* MADV_POPULATE_READ */)
            let raw = UnsafeRawBufferPointer(start: view, count: step)
            checksum.feed(raw)
            try each(raw)
            done += step
        }
        return checksum
    }
}

/// The checksums of a state's mapped arrays, worked out on another thread while the reader
/// goes on: a run's second core checks the file while the first loads it. The arrays are
/// cut into pieces of at most `pieceBytes`, taken in order by the other thread and, once
/// the reader is done loading, by the reader too (`done`).
private final class ChecksumsAside: Sendable {
    private let queue = DispatchQueue(label: "govstats.state-checksum")
    private let group = DispatchGroup()
    private let descriptor: Int32
    private struct Piece {
        let slot: Int
        let start: Int
        let bytes: Int
    }
    /// Pieces not taken yet, first first; and the number of pieces so far.
    private let pending = Mutex<(pieces: [Piece], next: Int, count: Int)>(([], 0, 0))
    /// By slot; nil for one that could not be mapped.
    private let results = Mutex<[Int: Checksum?]>([:])
    /// Set when the reader is let go: what has not started is not started.
    private let stopped = Atomic(false)
    private let pieceBytes: Int

    /// A descriptor of its own, so that the reader may close its one first. `pieceBytes`:
    /// a multiple of the page size.
    init(descriptor: Int32, pieceBytes: Int) {
        precondition(pieceBytes > 0 && pieceBytes % 4096 == 0, "checksum pieces of whole pages")
        self.descriptor = dup(descriptor)
        self.pieceBytes = pieceBytes
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Waits for the work under way, and starts no more: nothing reads the file after this.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        group.wait()
    }

    /// Starts on `bytes` from `start`; returns the slots of its pieces, in order (their
    /// checksums will be `done()[slot]`).
    func start(_ start: Int, bytes: Int) -> Range<Int> {
        let slots = pending.withLock { pending in
            let first = pending.count
            for offset in stride(from: 0, to: bytes, by: pieceBytes) {
                pending.pieces.append(Piece(slot: pending.count, start: start + offset, bytes: min(pieceBytes, bytes - offset)))
                pending.count += 1
            }
            return first..<pending.count
        }
        queue.async(group: group) { [self] in work() }
        return slots
    }

    /// Works out pieces until none is left.
    private func work() {
        while !stopped.load(ordering: .relaxed), let piece = pending.withLock({ pending -> Piece? in
            guard pending.next < pending.pieces.count else { return nil }
            defer { pending.next += 1 }
            return pending.pieces[pending.next]
        }) {
            let checksum = descriptor < 0 ? nil : Checksum.of(descriptor, start: piece.start, bytes: piece.bytes) { _ in }
            results.withLock { $0[piece.slot] = checksum }
        }
    }

    /// Every checksum started, by slot, once worked out (this thread taking its share of
    /// what is left); nil for those that could not be.
    func done() -> [Checksum?] {
        work()
        group.wait()
        let count = pending.withLock { $0.count }
        return results.withLock { results in (0..<count).map { results[$0] ?? nil } }
    }
}

/// Reads what a `StateWriter` wrote, checking as it goes: `verify` at the end says whether
/// the file is whole. Every count is checked against the bytes left before anything is
/// allocated for it, so a damaged file fails with an error, never a vast allocation.
package final class StateReader {
    package let path: String
    /// The file's modification time (seconds, nanoseconds): the moment the state was written.
    package let written: (seconds: Int, nanoseconds: Int)
    private let descriptor: Int32
    private var buffer: [UInt8]
    private var position = 0
    private var filled = 0
    /// Bytes of content not read yet (the digest after them excluded).
    private(set) var remaining: Int
    private let contentBytes: Int
    /// Whether the file's size was found to be the length its writer recorded (`checkLength`):
    /// from then on, a count past the end is damage, not a cut.
    private var sizeChecked = false
    /// The checksum of the bytes since the last part set aside (all of them, after
    /// `verify`).
    private var checksumState = Checksum()
    /// The content's parts before `checksumState`, in order: bytes read here, or an array
    /// whose checksum `aside` works out (its slot).
    private var parts: [Part] = []
    private enum Part {
        case read(Checksum)
        case aside(slot: Int)
    }
    private let aside: ChecksumsAside?
    private static let digestBytes = 4
    /// The writer's `mapBytes`, once read from the header (none before).
    package var mapBytes = Int.max

    /// `jobs` above 1: the checksum of mapped arrays is worked out on another thread, in
    /// pieces of `checksumPiece` bytes (a multiple of the page size).
    package init(path: String, jobs: Int = 1, checksumPiece: Int = 8 << 20) throws {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StateError.system("open", path) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            close(descriptor)
            throw StateError.system("read", path)
        }
        guard Int(info.st_size) > Self.digestBytes else {
            close(descriptor)
            throw StateError("\(path) is cut short (\(info.st_size) bytes)")
        }
        written = (Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec))
        remaining = Int(info.st_size) - Self.digestBytes
        contentBytes = remaining
        buffer = Array(repeating: 0, count: 1 << 20)
        aside = jobs > 1 ? ChecksumsAside(descriptor: descriptor, pieceBytes: checksumPiece) : nil
    }

    deinit {
        aside?.stop()
        close(descriptor)
    }

    /// The offset of the next byte of content.
    package var offset: Int { contentBytes - remaining }

    /// Fills `target` with the next bytes of content.
    package func read(into target: UnsafeMutableRawBufferPointer) throws {
        try fill(target)
        checksumState.feed(UnsafeRawBufferPointer(target))
    }

    /// Reads the file's length as `StateWriter.reserveLength` recorded it (the checksum taking
    /// it as zeros, as the writer did) and compares it with the file's size.
    package func checkLength() throws {
        var recorded: Int64 = 0
        try withUnsafeMutableBytes(of: &recorded) { raw in try fill(raw) }
        let zeros: Int64 = 0
        withUnsafeBytes(of: zeros) { checksumState.feed($0) }
        let length = Int(Int64(littleEndian: recorded)), size = contentBytes + Self.digestBytes
        if length > size { throw StateError("\(path) is cut short (\(size) of \(length) bytes)") }
        if length != size { throw StateError("\(path) is damaged (\(size) bytes, \(length) when written)") }
        sizeChecked = true
    }

    /// `read`, without the checksum.
    private func fill(_ target: UnsafeMutableRawBufferPointer) throws {
        guard target.count <= remaining else {
            throw StateError(sizeChecked ? "\(path) is damaged (\(target.count) bytes read, \(remaining) left)" : "\(path) is cut short (\(contentBytes + Self.digestBytes) bytes)")
        }
        var done = 0
        while done < target.count {
            if position == filled {
                if target.count - done >= buffer.count {
                    // A large array: straight into place.
                    try readSystem(into: UnsafeMutableRawBufferPointer(rebasing: target[done...]))
                    done = target.count
                    break
                }
                position = 0
                filled = 0
                let wanted = min(buffer.count, remaining - done + Self.digestBytes)
                let got = try buffer.withUnsafeMutableBytes { raw in try readSome(into: UnsafeMutableRawBufferPointer(rebasing: raw[..<wanted])) }
                guard got > 0 else { throw StateError("\(path) was cut short while it was read") }
                filled = got
            }
            let take = min(filled - position, target.count - done)
            buffer.withUnsafeBytes { raw in
                (target.baseAddress! + done).copyMemory(from: raw.baseAddress! + position, byteCount: take)
            }
            position += take
            done += take
        }
        remaining -= target.count
    }

    private func readSome(into target: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let got = Glibc.read(descriptor, target.baseAddress!, target.count)
            if got < 0 && errno == EINTR { continue }
            if got < 0 { throw StateError.system("read", path) }
            return got
        }
    }

    private func readSystem(into target: UnsafeMutableRawBufferPointer) throws {
        var done = 0
        while done < target.count {
            let got = try readSome(into: UnsafeMutableRawBufferPointer(rebasing: target[done...]))
            guard got > 0 else { throw StateError("\(path) was cut short while it was read") }
            done += got
        }
    }

    package func integer() throws -> Int {
        var value: Int64 = 0
        try withUnsafeMutableBytes(of: &value) { raw in try read(into: raw) }
        return Int(Int64(littleEndian: value))
    }

    /// A count of items of `size` bytes each that the rest of the file can hold.
    package func count(of size: Int) throws -> Int {
        let value = try integer()
        guard value >= 0, value <= remaining / max(1, size) else {
            // Before the length is checked (the first bytes), a file cut short may be
            // found here: the count is read, but the bytes it counts are not all there.
            let each = size == 1 ? "1 byte" : "\(size) bytes"
            let what = sizeChecked ? "damaged" : "damaged or cut short"
            throw StateError("\(path) is \(what) (a count of \(value) of \(each) each, with \(remaining) bytes left)")
        }
        return value
    }

    package func text() throws -> String {
        let length = try count(of: 1)
        var bytes = [UInt8](repeating: 0, count: length)
        try bytes.withUnsafeMutableBytes { raw in try read(into: raw) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw StateError("\(path) is damaged (a text that is not UTF-8)") }
        return text
    }

    /// Skips `count` bytes of content (hashing them).
    package func skip(_ count: Int) throws {
        var left = count
        var scratch = [UInt8](repeating: 0, count: min(count, 1 << 16))
        while left > 0 {
            let step = min(left, scratch.count)
            try scratch.withUnsafeMutableBytes { raw in try read(into: UnsafeMutableRawBufferPointer(rebasing: raw[..<step])) }
            left -= step
        }
    }

    /// Skips the writer's padding up to the next multiple of `alignment` (`StateWriter.align`).
    func align(_ alignment: Int) throws {
        try skip((alignment - offset % alignment) % alignment)
    }

    /// The next `count` elements mapped from the file (`FlatArray.init(mapping:)`), at an
    /// offset that `align` made a multiple of the page size; nil where they cannot be
    /// mapped, and the caller reads them. Their bytes are read once as well, for the
    /// checksum (`Checksum.of`; on another thread with `jobs` above 1) and for `check`,
    /// which is given them a part at a time.
    func mapped<Element: BitwiseCopyable>(count: Int, check: ((UnsafeBufferPointer<Element>) throws -> Void)?) throws -> FlatArray<Element>? {
        let stride = MemoryLayout<Element>.stride
        let bytes = count * stride
        let start = offset
        guard count <= remaining / stride, let array = FlatArray<Element>(mapping: descriptor, offset: start, count: count) else { return nil }
        let viewed: (UnsafeRawBufferPointer) throws -> Void = { raw in
            try check?(UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: Element.self), count: raw.count / stride))
        }
        if let aside {
            parts.append(.read(checksumState))
            checksumState = Checksum()
            for slot in aside.start(start, bytes: bytes) { parts.append(.aside(slot: slot)) }
            if check != nil {
                guard try Checksum.of(descriptor, start: start, bytes: bytes, each: viewed) != nil else { throw StateError.system("read", path) }
            }
        } else {
            guard let checksum = try Checksum.of(descriptor, start: start, bytes: bytes, each: viewed) else { throw StateError.system("read", path) }
            checksumState.append(checksum)
        }
        // The buffer and the descriptor go on after the array.
        remaining -= bytes
        if filled - position >= bytes {
            position += bytes
        } else {
            position = filled
            guard lseek(descriptor, off_t(start + bytes), SEEK_SET) == off_t(start + bytes) else { throw StateError.system("read", path) }
        }
        return array
    }

    /// The checksum of the content read so far, the parts set aside joined in.
    private func joinedChecksum() throws -> Checksum {
        guard let aside, !parts.isEmpty else { return checksumState }
        let results = aside.done()
        var whole = Checksum()
        for part in parts {
            switch part {
            case .read(let checksum): whole.append(checksum)
            case .aside(let slot):
                guard let checksum = results[slot] else { throw StateError.system("read", path) }
                whole.append(checksum)
            }
        }
        whole.append(checksumState)
        return whole
    }

    /// The CRC of the content read so far (all of it, after `verify`).
    package var checksum: UInt32 { checksumState.value }

    /// The rest of the content read unused, then `verify`: for a file that goes unused but
    /// whose damage must be told.
    package func verifyRest() throws {
        try skip(remaining)
        try verify()
    }

    /// Whether every byte of content was read and the digest after it is theirs.
    package func verify() throws {
        guard remaining == 0 else { throw StateError("\(path) is damaged (\(remaining) bytes left over)") }
        var digest = [UInt8](repeating: 0, count: Self.digestBytes)
        var got = 0
        while position < filled && got < Self.digestBytes {
            digest[got] = buffer[position]
            got += 1
            position += 1
        }
        if got < Self.digestBytes {
            try digest.withUnsafeMutableBytes { raw in try readSystem(into: UnsafeMutableRawBufferPointer(rebasing: raw[got...])) }
        }
        checksumState = try joinedChecksum()
        parts = []
        let expected = withUnsafeBytes(of: checksumState.value.littleEndian) { Array($0) }
        guard expected == digest else { throw StateError("\(path) is damaged (its checksum does not match)") }
    }
}

extension FlatArray {
    /// Arrays of at least `mapBytes` bytes (the writer's, recorded in the header) start at
    /// a multiple of `mapAlignment` in the file, and a reader maps them rather than reading
    /// them (`StateReader.mapped`).
    static var mapAlignment: Int { 4096 }

    private static func isMapped(_ count: Int, _ mapBytes: Int) -> Bool {
        count * MemoryLayout<Element>.stride >= mapBytes
    }

    /// What `write` writes before the elements of an array of `count` (its count, and
    /// the padding before an array that a reader maps): for elements written otherwise.
    static func writeStart(count: Int, to writer: StateWriter) throws {
        try writer.integer(count)
        if isMapped(count, writer.mapBytes) { try writer.align(mapAlignment) }
    }

    func write(to writer: StateWriter) throws {
        try Self.writeStart(count: count, to: writer)
        try withUnsafeBufferPointer { values in
            if isMapped { try writer.mappedBytes(UnsafeRawBufferPointer(values)) } else { try writer.bytes(UnsafeRawBufferPointer(values)) }
        }
    }

    /// As `write(to:)`, with `patch` changing the elements as they are written, in parts
    /// and in order: it is given a copy of each part and the index of its first element.
    /// The array itself does not change.
    func write(to writer: StateWriter, patch: (UnsafeMutableBufferPointer<Element>, _ first: Int) -> Void) throws {
        try Self.writeStart(count: count, to: writer)
        let stride = MemoryLayout<Element>.stride
        try withoutActuallyEscaping(patch) { patch in
            try withUnsafeBufferPointer { values in
                try writer.mappedBytes(UnsafeRawBufferPointer(values), releasing: isMapped) { part, offset in
                    patch(part.bindMemory(to: Element.self), offset / stride)
                }
            }
        }
    }

    /// The array `write` wrote. `check` is given its elements, in parts, before it is
    /// returned (it throws for values that cannot be).
    /// `mapping` false: an array written as a count and bytes without `write`'s padding.
    init(from reader: StateReader, mapping: Bool = true, check: ((UnsafeBufferPointer<Element>) throws -> Void)? = nil) throws {
        try self.init(fromCount: try reader.count(of: MemoryLayout<Element>.stride), reader: reader, mapping: mapping, check: check)
    }

    /// The rest of `init(from:check:)`, once the count is read (and judged).
    init(fromCount count: Int, reader: StateReader, mapping: Bool = true, check: ((UnsafeBufferPointer<Element>) throws -> Void)? = nil) throws {
        if mapping && Self.isMapped(count, reader.mapBytes) {
            try reader.align(Self.mapAlignment)
            if let mapped = try reader.mapped(count: count, check: check) {
                self = mapped
                return
            }
        }
        self.init()
        var failure: (any Error)?
        append(count: count) { target in
            do {
                try reader.read(into: UnsafeMutableRawBufferPointer(start: target, count: count * MemoryLayout<Element>.stride))
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        if let check { try withUnsafeBufferPointer(check) }
    }
}
