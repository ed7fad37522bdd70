import Crypto
import CSVReading
import Dispatch
import Schema
import Synchronization

/// What a first pass over a file learns before any row is read: its size and the encoding
/// to read it with; and its sha256 (for `run.json`), which with `jobs` > 1 is worked out on
/// a thread of its own while the rows are read. A file that is neither UTF-8 nor the
/// fallback is refused whole here, so no row of it is ever counted.
package struct FileScan: Equatable, Sendable {
    package let bytes: Int
    package let encoding: TextEncoding
    private let digest: Digest
    /// The encoding judged by the file's start alone (`scan`'s `checkingAhead`): the reader
    /// checks the rest as it reads and throws `NotDecodableAfterAll` at a byte that the
    /// encoding cannot decode.
    package let checkedAsRead: Bool
    /// The sha256 is left to the reader, which reads the file whole in one pass
    /// (`FileHasher`, `FileRowReader.hashed`): `sha256()` is then empty.
    package let hashedAsRead: Bool

    init(bytes: Int, sha256: String, encoding: TextEncoding) {
        self.init(bytes: bytes, digest: Digest(ready: sha256), encoding: encoding)
    }

    init(bytes: Int, digest: Digest, encoding: TextEncoding, checkedAsRead: Bool = false, hashedAsRead: Bool = false) {
        self.bytes = bytes
        self.encoding = encoding
        self.digest = digest
        self.checkedAsRead = checkedAsRead
        self.hashedAsRead = hashedAsRead
    }

    /// The sha256 in hex (waiting for it if it is still being worked out). Fails when the
    /// file could not be read, or changed size, while it was hashed.
    package func sha256() throws(FileReadError) -> String {
        try digest.value.get()
    }

    package static func == (lhs: FileScan, rhs: FileScan) -> Bool {
        lhs.bytes == rhs.bytes && lhs.encoding == rhs.encoding && lhs.digest.value == rhs.digest.value
            && lhs.checkedAsRead == rhs.checkedAsRead && lhs.hashedAsRead == rhs.hashedAsRead
    }

    package enum Failure: Error, Equatable {
        case io(FileReadError)
        /// The message names the encoding tried and the 0-based offset of the first bad byte.
        case undecodable(String)
    }

    /// `jobs` > 1: a file is checked on that many threads at once, and hashed on one more.
    /// `hashing` false: no sha256 is worked out (it is then empty), for callers that do not
    /// report it.
    ///
    /// `checkingAhead`: a file larger than that many bytes is checked only that far here.
    /// If its start decodes in the encoding a whole first pass would choose for it (UTF-8
    /// if UTF-8 may be and the start is UTF-8; else the fallback or declared encoding), the
    /// file is taken to be in it and its reader checks the rest as it decodes it
    /// (`checkedAsRead`), so the file is not read twice. If the rest does not decode after
    /// all, the reader throws `NotDecodableAfterAll` and the caller reads everything again
    /// with no `checkingAhead` (`IngestStage.run`). With one job, the sha256 of such a file
    /// is left to the reader, which reads it whole in one pass (`hashedAsRead`); with more,
    /// it is worked out on a thread of its own.
    package static func scan(path: String, setting: EncodingSetting, jobs: Int = 1, hashing: Bool = true, checkingAhead: Int? = nil) -> Result<FileScan, Failure> {
        if let ahead = checkingAhead, let scan = startDecides(path: path, setting: setting, checking: ahead, hashing: hashing, readWhole: jobs == 1) {
            return .success(scan)
        }
        if jobs > 1 {
            return parallelScan(path: path, setting: setting, jobs: jobs, hashing: hashing)
        }
        var hasher = FileHasher()
        var utf8 = UTF8Validator()
        var bytes = 0
        var declared: (Transcoder, TranscodeError?)?
        if case .fixed(let encoding) = setting, encoding != .utf8 {
            do { declared = (try Transcoder(from: encoding), nil) } catch {
                return .failure(.undecodable(error.description))
            }
        }
        do {
            try FileBlocks.forEach(path: path) { block in
                if hashing { hasher.feed(block) }
                bytes += block.count
                if let (transcoder, failure) = declared {
                    if failure == nil {
                        do throws(TranscodeError) { try transcoder.check(block, final: false) } catch {
                            declared = (transcoder, error)
                        }
                    }
                } else {
                    utf8.feed(block)
                }
            }
        } catch let error as FileReadError {
            return .failure(.io(error))
        } catch {
            return .failure(.io(FileReadError(path: path, errno: 0, operation: "read")))
        }
        let sha256 = hashing ? hasher.finished().sha256 : ""

        switch setting {
        case .fixed(let encoding) where encoding != .utf8:
            var (transcoder, failure) = declared!
            if failure == nil {
                do throws(TranscodeError) { try transcoder.check(UnsafeRawBufferPointer(start: nil, count: 0), final: true) } catch {
                    failure = error
                }
            }
            if let failure {
                let (hint, line) = if case .invalidByte(_, let offset) = failure {
                    (declaredHint(path: path, size: bytes, offset: offset, encoding: encoding), onLine(path: path, offset))
                } else {
                    ("", "")
                }
                return .failure(.undecodable(failureText(failure, declared: true, onLine: line) + hint))
            }
            return .success(FileScan(bytes: bytes, sha256: sha256, encoding: encoding))
        case .fixed, .auto:
            utf8.finish()
            return decided(path: path, setting: setting, bytes: bytes, digest: Digest(ready: sha256), firstInvalidOffset: utf8.isValid ? nil : utf8.firstInvalidOffset)
        }
    }

    /// The file taken to be in the encoding its first `ahead` bytes decode in (a character
    /// may be cut at their end), its rest to be checked as it is read, when it is larger
    /// than that: UTF-8 where the setting allows it and the start is UTF-8; otherwise the
    /// fallback GB18030 (`auto`) or the declared encoding, if the start decodes in it. A start
    /// that is not UTF-8 rules UTF-8 out for the whole file, so the whole first pass would
    /// choose the same encoding, or refuse the file. nil otherwise, also when the file cannot
    /// be read (the whole first pass then says why). `readWhole`: the file is read whole in
    /// one pass, which works out its sha256.
    private static func startDecides(path: String, setting: EncodingSetting, checking ahead: Int, hashing: Bool, readWhole: Bool) -> FileScan? {
        guard let size = try? FileBlocks.size(path: path), size > ahead else { return nil }
        let start = 0..<ahead
        let encoding: TextEncoding
        do {
            switch setting {
            case .auto, .fixed(.utf8):
                if try firstNotUTF8(path: path, range: start, endsText: false) == nil {
                    encoding = .utf8
                } else if setting == .auto, try firstUndecodable(path: path, range: start, as: .gb18030, endsText: false) == nil {
                    encoding = .gb18030
                } else {
                    return nil
                }
            case .fixed(let declared):
                guard try firstUndecodable(path: path, range: start, as: declared, endsText: false) == nil else { return nil }
                encoding = declared
            }
        } catch {
            return nil
        }
        let digest = hashing && !readWhole ? Digest(path: path, expectedBytes: size) : Digest(ready: "")
        return FileScan(bytes: size, digest: digest, encoding: encoding, checkedAsRead: true, hashedAsRead: hashing && readWhole)
    }

    /// Throws `NotDecodableAfterAll` at the first byte of `range` (from a character start)
    /// that `encoding` cannot decode, a character cut by the range's end included.
    static func checkRest(path: String, range: Range<Int>, as encoding: TextEncoding) throws {
        if let offset = try firstUndecodable(path: path, range: range, as: encoding) { throw NotDecodableAfterAll(path: path, offset: offset) }
    }

    /// Whether `range` of the file (from a character start to the end of its text) decodes
    /// in `encoding`; `eachBlock` is given the bytes as they are read (for a hash of them in
    /// the same pass), all of them when they decode.
    static func decodes(path: String, range: Range<Int>, as encoding: TextEncoding, eachBlock: (UnsafeRawBufferPointer) -> Void) throws -> Bool {
        try firstUndecodable(path: path, range: range, as: encoding, eachBlock: eachBlock) == nil
    }

    /// As `firstNotUTF8`, for any encoding; for one other than UTF-8, `range` nil is the
    /// whole file, to its end however long it has become.
    private static func firstUndecodable(
        path: String, range: Range<Int>?, as encoding: TextEncoding, endsText: Bool = true, eachBlock: (UnsafeRawBufferPointer) -> Void = { _ in }
    ) throws -> Int? {
        guard encoding != .utf8 else {
            return try firstNotUTF8(path: path, range: range ?? 0..<FileBlocks.size(path: path), endsText: endsText, eachBlock: eachBlock)
        }
        let transcoder = try TranscoderPool.take(from: encoding)
        defer { TranscoderPool.give(transcoder) }
        do {
            if range?.isEmpty != true {
                try FileBlocks.forEach(path: path, range: range) { block in
                    eachBlock(block)
                    try transcoder.check(block, final: false)
                }
            }
            if endsText { try transcoder.check(UnsafeRawBufferPointer(start: nil, count: 0), final: true) }
        } catch TranscodeError.invalidByte(_, let offset) {
            return (range?.lowerBound ?? 0) + offset
        }
        return nil
    }

    /// The offset in the file of the first byte of `range` (from a character start) that is
    /// not UTF-8, or nil. `endsText`: a character cut by the range's end counts as not UTF-8
    /// (false where the text goes on past it).
    private static func firstNotUTF8(path: String, range: Range<Int>, endsText: Bool = true, eachBlock: (UnsafeRawBufferPointer) -> Void = { _ in }) throws -> Int? {
        var utf8 = UTF8Validator()
        if !range.isEmpty {
            try FileBlocks.forEach(path: path, range: range) { block in
                eachBlock(block)
                utf8.feed(block)
            }
        }
        if endsText { utf8.finish() }
        return utf8.firstInvalidOffset.map { $0 + range.lowerBound }
    }

    /// UTF-8 or not, once the bytes were validated: the fallback is tried when it is not,
    /// on `parts` threads. A refusal waits for the hash and its check of the size, so that
    /// a read that failed, or a file that changed, is said instead, as one thread says it.
    private static func decided(path: String, setting: EncodingSetting, bytes: Int, digest: Digest, firstInvalidOffset: Int?, parts: Int = 1) -> Result<FileScan, Failure> {
        guard let offset = firstInvalidOffset else {
            return .success(FileScan(bytes: bytes, digest: digest, encoding: .utf8))
        }
        let verdict: Result<FileScan, Failure>
        if setting == .fixed(.utf8) {
            verdict = .failure(.undecodable("not valid utf-8 (declared in the config): byte at offset \(offset)\(onLine(path: path, offset)) cannot be decoded"
                + cutShortHint(path: path, size: bytes, offset: offset, encoding: .utf8) + utf16Hint(path: path)))
        } else {
            let hint: @Sendable (Int) -> String = { fallbackOffset in
                let utf8 = utf8Hint(path: path, size: bytes, firstInvalid: offset, fallbackFailedAt: fallbackOffset)
                return utf8.isEmpty ? cutShortHint(path: path, size: bytes, offset: fallbackOffset, encoding: .gb18030) : utf8
            }
            switch validate(path: path, as: .gb18030, size: bytes, parts: parts, hint: hint) {
            case .success: verdict = .success(FileScan(bytes: bytes, digest: digest, encoding: .gb18030))
            case .failure(.undecodable(let message)): verdict = .failure(.undecodable(message + utf16Hint(path: path)))
            case .failure(let failure): verdict = .failure(failure)
            }
        }
        return refusedAfterHash(verdict, digest)
    }

    /// `verdict`, or the hash's failure when both failed.
    private static func refusedAfterHash(_ verdict: Result<FileScan, Failure>, _ digest: Digest) -> Result<FileScan, Failure> {
        if case .failure = verdict, case .failure(let error) = digest.value { return .failure(.io(error)) }
        return verdict
    }

    /// Said after the refusal of a file that is neither UTF-8 nor GB18030 when UTF-8 decodes
    /// more of it than GB18030 did (`firstInvalid` past `fallbackFailedAt`): most often a
    /// UTF-8 export with a damaged byte, or cut short inside its last character.
    static func utf8Hint(path: String, size: Int, firstInvalid: Int, fallbackFailedAt: Int) -> String {
        guard firstInvalid > fallbackFailedAt else { return "" }
        do {
            if try endsInsideACharacter(path: path, size: size, offset: firstInvalid, encoding: .utf8) {
                return " (it is UTF-8, but ends inside a character: was it cut short?)"
            }
            return " (it is UTF-8 up to the byte at offset \(firstInvalid), on line \(try FileBlocks.line(path: path, at: firstInvalid)))"
        } catch {
            return ""
        }
    }

    /// Said after the refusal of a file in a declared encoding (other than UTF-8), on one
    /// thread or several alike: cut short, or UTF-16.
    static func declaredHint(path: String, size: Int, offset: Int, encoding: TextEncoding) -> String {
        cutShortHint(path: path, size: size, offset: offset, encoding: encoding) + utf16Hint(path: path)
    }

    /// Said after the refusal of a file in `encoding` when the byte at `offset` that cannot
    /// be decoded starts a character that the end of the file cuts short.
    static func cutShortHint(path: String, size: Int, offset: Int, encoding: TextEncoding) -> String {
        (try? endsInsideACharacter(path: path, size: size, offset: offset, encoding: encoding)) == true
            ? " (it ends inside a character: was it cut short?)" : ""
    }

    /// Whether the bytes from `offset` to the end of the file are the start of a character
    /// in `encoding` (at most three; four-byte GB18030 characters are the longest).
    private static func endsInsideACharacter(path: String, size: Int, offset: Int, encoding: TextEncoding) throws -> Bool {
        guard offset < size, size - offset < 4 else { return false }
        return try firstUndecodable(path: path, range: offset..<size, as: encoding, endsText: false) == nil
    }

    /// Said after the refusal of a file that is neither UTF-8 nor GB18030 when it seems to be
    /// UTF-16 (what spreadsheets save as "Unicode text"), which no setting reads: a UTF-16
    /// byte order mark, or a zero in every other byte of its start.
    static func utf16Hint(path: String) -> String {
        let head = FileBlocks.head(path: path, count: 64)
        let advice = "save it as UTF-8 or GB18030"
        // A compressed file or a spreadsheet named .csv: say what it is.
        let kinds: [([UInt8], String)] = [
            ([0x1F, 0x8B], "a gzip file: decompress it first (gunzip)"),
            ([0x50, 0x4B, 0x03, 0x04], "a zip file (or an Excel .xlsx workbook): unpack it, or save the sheet as CSV"),
            ([0x42, 0x5A, 0x68], "a bzip2 file: decompress it first (bunzip2)"),
            ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "an xz file: decompress it first (unxz)"),
            ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], "a 7-Zip file: unpack it first"),
            ([0xD0, 0xCF, 0x11, 0xE0], "an Excel .xls workbook: save the sheet as CSV"),
        ]
        if let kind = kinds.first(where: { head.starts(with: $0.0) }) {
            return " (it is \(kind.1))"
        }
        if head.starts(with: [0xFF, 0xFE, 0x00, 0x00]) || head.starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
            return " (it starts with a UTF-32 byte order mark: \(advice))"
        }
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) {
            return " (it starts with a UTF-16 byte order mark: \(advice))"
        }
        let pairs = head.count / 2
        let zeros = (0..<2).map { side in stride(from: side, to: pairs * 2, by: 2).filter { head[$0] == 0 }.count }
        if pairs >= 4 && zeros.max()! * 4 >= pairs * 3 {
            return " (it looks like UTF-16, a zero in every other byte of its start: \(advice))"
        }
        return ""
    }

    /// `jobs` threads validate parts of the file as UTF-8 (or as the encoding the config
    /// declares), while the sha256 is started on a thread of its own, to finish while the
    /// rows are read. UTF-8 parts start at a byte that does not continue a character, so a
    /// character is never split between two validators.
    private static func parallelScan(path: String, setting: EncodingSetting, jobs: Int, hashing: Bool) -> Result<FileScan, Failure> {
        let size: Int
        do { size = try FileBlocks.size(path: path) } catch let error as FileReadError {
            return .failure(.io(error))
        } catch {
            return .failure(.io(FileReadError(path: path, errno: 0, operation: "read")))
        }
        let digest = hashing ? Digest(path: path, expectedBytes: size) : Digest(ready: "")
        let parts = max(1, min(jobs, size / (1 << 20)))
        if case .fixed(let encoding) = setting, encoding != .utf8 {
            let hint: @Sendable (Int) -> String = { offset in declaredHint(path: path, size: size, offset: offset, encoding: encoding) }
            let verdict = validate(path: path, as: encoding, size: size, parts: parts, declared: true, hint: hint)
                .map { FileScan(bytes: size, digest: digest, encoding: encoding) }
            return refusedAfterHash(verdict, digest)
        }
        let outcomes = Mutex<[Int: Result<Int?, FileReadError>]>([:])
        DispatchQueue.concurrentPerform(iterations: parts) { iteration in
            do {
                // The first part starts at 0 whatever is there: a file may start with a
                // byte that continues no character, and that byte must be judged.
                let start = iteration == 0 ? 0 : try characterStart(path: path, near: size / parts * iteration, size: size)
                let end = iteration + 1 == parts ? size : try characterStart(path: path, near: size / parts * (iteration + 1), size: size)
                let invalid = try firstNotUTF8(path: path, range: start..<max(start, end))
                outcomes.withLock { $0[iteration] = .success(invalid) }
            } catch {
                let failure = error as? FileReadError ?? FileReadError(path: path, errno: 0, operation: "read")
                outcomes.withLock { $0[iteration] = .failure(failure) }
            }
        }
        var firstInvalid: Int?
        for part in 0..<parts {
            switch outcomes.withLock({ $0[part] })! {
            case .failure(let error): return .failure(.io(error))
            case .success(let invalid): if firstInvalid == nil { firstInvalid = invalid }
            }
        }
        return decided(path: path, setting: setting, bytes: size, digest: digest, firstInvalidOffset: firstInvalid, parts: parts)
    }

    /// The first offset at or after `offset` whose byte does not continue a UTF-8 character
    /// (at most three bytes on; past that the bytes are invalid anyway).
    private static func characterStart(path: String, near offset: Int, size: Int) throws -> Int {
        var result = offset
        try FileBlocks.forEach(path: path, range: offset..<min(offset + 3, size)) { block in
            for byte in block {
                if byte & 0xC0 != 0x80 { return }
                result += 1
            }
        }
        return min(result, size)
    }

    /// Checks the file as `encoding` (GB18030 or Big5), in `parts` parts at once, each from
    /// a line start: in both the byte 0x0A is a line feed and never part of another
    /// character, so a part decodes on its own, and the first fault of the first part that
    /// has one is the one thread's verdict (a lead byte before a line feed fails at the
    /// lead byte either way). Parts are as for UTF-8: one per MiB at most.
    /// `hint`: said after the message, given the offset of the byte that cannot be decoded.
    private static func validate(path: String, as encoding: TextEncoding, size: Int, parts: Int, declared: Bool = false, hint: @escaping @Sendable (Int) -> String = { _ in "" }) -> Result<Void, Failure> {
        var found = [0]
        do {
            for part in 1..<max(parts, 1) {
                let start = try FileBlocks.lineStart(path: path, atOrAfter: max(size / parts * part, found.last!), fileBytes: size)
                if start < size { found.append(start) }
            }
        } catch {
            return .failure(.io(error as? FileReadError ?? FileReadError(path: path, errno: 0, operation: "read")))
        }
        let outcomes = Mutex<[Int: Result<Int?, Failure>]>([:])
        let starts = found
        DispatchQueue.concurrentPerform(iterations: starts.count) { part in
            let range = starts[part]..<(part + 1 < starts.count ? starts[part + 1] : size)
            let outcome = validate(path: path, as: encoding, range: starts.count > 1 ? range : nil, declared: declared)
            outcomes.withLock { $0[part] = outcome }
        }
        for part in starts.indices {
            switch outcomes.withLock({ $0[part] })! {
            case .failure(let failure): return .failure(failure)
            case .success(nil): continue
            case .success(let offset?):
                // Said of the first fault only: its line and the hint read the file again.
                let text = failureText(.invalidByte(encoding: encoding, offset: offset), declared: declared, onLine: onLine(path: path, offset))
                return .failure(.undecodable(text + hint(offset)))
            }
        }
        return .success(())
    }

    /// Checks the bytes of `range` (the whole file if nil) as `encoding`: the offset, from
    /// the file's start, of the first byte that cannot be decoded (nil: none).
    private static func validate(path: String, as encoding: TextEncoding, range: Range<Int>?, declared: Bool) -> Result<Int?, Failure> {
        do {
            return .success(try firstUndecodable(path: path, range: range, as: encoding))
        } catch let error as TranscodeError {
            return .failure(.undecodable(failureText(error, declared: declared, onLine: "")))
        } catch let error as FileReadError {
            return .failure(.io(error))
        } catch {
            return .failure(.io(FileReadError(path: path, errno: 0, operation: "read")))
        }
    }

    /// ` (line 3001)`: the line of the byte at `offset`, so that it can be found in an
    /// editor (line feeds are never part of another character in the encodings read).
    /// Empty when the file cannot be read again.
    private static func onLine(path: String, _ offset: Int) -> String {
        (try? FileBlocks.line(path: path, at: offset)).map { " (line \($0))" } ?? ""
    }

    private static func failureText(_ error: TranscodeError, declared: Bool, onLine: String) -> String {
        switch error {
        case .invalidByte(let encoding, let offset):
            let how = declared ? "declared in the config" : "not UTF-8 either"
            return "not valid \(encoding.rawValue) (\(how)): byte at offset \(offset)\(onLine) cannot be decoded"
        case .unsupported:
            return error.description
        }
    }
}

/// A file's sha256: known, or being worked out on a thread of its own.
final class Digest: Sendable {
    private let result: Mutex<Result<String, FileReadError>?>
    private let done = DispatchSemaphore(value: 0)

    init(ready sha256: String) {
        result = Mutex(.success(sha256))
        done.signal()
    }

    /// Starts hashing the file at `path` to its end; a count other than `expectedBytes`
    /// means the file changed while it was read, which fails like an unreadable file.
    init(path: String, expectedBytes: Int) {
        result = Mutex(nil)
        DispatchQueue.global().async { [self] in
            let outcome: Result<String, FileReadError>
            do {
                var hasher = FileHasher()
                try FileBlocks.forEach(path: path) { hasher.feed($0) }
                let (sha256, bytes) = hasher.finished()
                outcome = bytes == expectedBytes ? .success(sha256) : .failure(.changedSize(path: path, from: expectedBytes, to: bytes))
            } catch {
                outcome = .failure(error as? FileReadError ?? FileReadError(path: path, errno: 0, operation: "read"))
            }
            result.withLock { $0 = outcome }
            done.signal()
        }
    }

    /// The outcome, waiting for it if need be.
    var value: Result<String, FileReadError> {
        done.wait()
        done.signal()  // later callers need not wait
        return result.withLock { $0! }
    }
}

/// A file's sha256, fed every block of the file in order: by the first pass, by the hash's
/// own thread (`Digest`), or by the reader as it reads (`FileScan.hashedAsRead`, `readRaw`'s
/// `eachBlock`).
struct FileHasher {
    private var hasher = SHA256()
    private(set) var bytes = 0

    mutating func feed(_ block: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: block)
        bytes += block.count
    }

    /// The sha256 in hex, with the number of bytes fed.
    func finished() -> (sha256: String, bytes: Int) {
        (hexText(hasher.finalize()), bytes)
    }
}

private let hexDigits = (0..<16).map { String($0, radix: 16) }

private func hexText(_ digest: SHA256.Digest) -> String {
    digest.map { hexDigits[Int($0 >> 4)] + hexDigits[Int($0 & 0xF)] }.joined()
}

/// The sha256 of `bytes` in hex (the run state keys itself to the configuration's).
package func sha256Hex(of bytes: [UInt8]) -> String {
    var hasher = FileHasher()
    bytes.withUnsafeBytes { hasher.feed($0) }
    return hasher.finished().sha256
}
