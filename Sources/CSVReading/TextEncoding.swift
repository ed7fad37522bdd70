#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBytes
import Synchronization

/// The encodings an export may come in. `gb18030` covers GBK and GB2312; `big5` is
/// Windows code page 950, as Taiwan and Hong Kong exports write it.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case gb18030
    case big5

    /// The name glibc's iconv knows it by.
    var iconvName: String {
        switch self {
        case .utf8: "UTF-8"
        case .gb18030: "GB18030"
        case .big5: "CP950"
        }
    }
}

/// Streaming UTF-8 validation: feed blocks, ask at the end. Remembers the offset of the
/// first byte that is not valid UTF-8.
public struct UTF8Validator: Sendable {
    public private(set) var firstInvalidOffset: Int?
    private var offset = 0
    /// Continuation bytes still expected by the sequence under way, and its bounds for the
    /// next byte (to refuse overlongs, surrogates and code points past U+10FFFF).
    private var needed = 0
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF
    private var sequenceStart = 0

    /// Whether long runs are first checked 32 bytes at a time (AVX2, where the CPU has it);
    /// the byte-by-byte check alone gives the same verdicts and offsets (tests compare them).
    private let vectors: Bool

    public init(vectors: Bool = true) {
        self.vectors = vectors
    }

    public var isValid: Bool { firstInvalidOffset == nil && needed == 0 }

    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        guard firstInvalidOffset == nil, let base = bytes.baseAddress else { return }
        var index = 0
        let count = bytes.count
        // Once per call, at the first character start: the vectors take what they can prove.
        var vectorsTried = !vectors
        while index < count {
            if needed == 0 {
                if !vectorsTried && count - index >= 64 {
                    vectorsTried = true
                    index += govstats_utf8_valid_prefix(base.assumingMemoryBound(to: UInt8.self) + index, count - index)
                }
                // Fast paths: eight ASCII bytes at a time, and whole three-byte sequences
                // that need no bounds beyond the usual (most CJK characters).
                while index + 8 <= count,
                      base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                }
                while index + 3 <= count {
                    let lead = base.load(fromByteOffset: index, as: UInt8.self)
                    if lead < 0x80 {
                        index += 1
                    } else if lead >= 0xE1 && lead <= 0xEF && lead != 0xED
                        && base.load(fromByteOffset: index + 1, as: UInt8.self) & 0xC0 == 0x80
                        && base.load(fromByteOffset: index + 2, as: UInt8.self) & 0xC0 == 0x80 {
                        index += 3
                    } else {
                        break
                    }
                }
                if index >= count { break }
            }
            let byte = bytes[index]
            if needed == 0 {
                if byte < 0x80 { index += 1; continue }
                sequenceStart = offset + index
                switch byte {
                case 0xC2...0xDF: needed = 1; lower = 0x80; upper = 0xBF
                case 0xE0: needed = 2; lower = 0xA0; upper = 0xBF
                case 0xE1...0xEC, 0xEE...0xEF: needed = 2; lower = 0x80; upper = 0xBF
                case 0xED: needed = 2; lower = 0x80; upper = 0x9F
                case 0xF0: needed = 3; lower = 0x90; upper = 0xBF
                case 0xF1...0xF3: needed = 3; lower = 0x80; upper = 0xBF
                case 0xF4: needed = 3; lower = 0x80; upper = 0x8F
                default:
                    firstInvalidOffset = offset + index
                    return
                }
            } else {
                guard byte >= lower && byte <= upper else {
                    firstInvalidOffset = sequenceStart
                    return
                }
                lower = 0x80
                upper = 0xBF
                needed -= 1
            }
            index += 1
        }
        offset += count
    }

    /// Ends the input: a sequence cut off by the end of the file is invalid.
    public mutating func finish() {
        if firstInvalidOffset == nil && needed > 0 {
            firstInvalidOffset = sequenceStart
        }
    }
}

/// Converts text between encodings with glibc's iconv (into UTF-8 unless told otherwise),
/// block by block: a multi-byte character split across two blocks is carried over to the
/// next call. Offsets in errors count from the first byte given to the first call.
///
/// Into UTF-8 from GB18030 or Big5, ASCII and the two-byte characters are decoded through
/// a table made from iconv's own decoding (`TwoByteTable`), and the rest (four-byte
/// characters, faults) by iconv, as below.
///
/// Into UTF-8 from GB18030 or Big5, iconv decodes 64 KiB at a time to `wchar_t` (UCS-4),
/// into a buffer of 256 KiB that stays in the cache, and `govstats_ucs4_to_utf8` writes
/// the UTF-8, faster than glibc's own last step from UCS-4 to UTF-8. A code point without
/// UTF-8 (which these decoders do not make: a test tries every sequence) sends the block
/// through iconv's UTF-8 instead, so the text and the errors are iconv's either way.
/// `check` stops at UCS-4: the verdict of `convert` without the text, for a first pass.
/// Other conversions (into GB18030, for `generate`) are iconv's alone.
///
/// The text goes to a buffer the transcoder keeps, grown when a block needs more (at most
/// 4 bytes out per byte in), rather than one made and zeroed per block.
///
/// One thread uses a transcoder at a time; `TranscoderPool` hands them between threads.
public final class Transcoder: @unchecked Sendable {
    public let encoding: TextEncoding
    private let handle: iconv_t
    /// Whether `handle` decodes to UCS-4, for UTF-8 to be written here.
    private let viaUnits: Bool
    /// Whether the text it makes is UTF-8.
    let intoUTF8: Bool
    /// The two-byte characters decoded without iconv (nil: every byte goes through iconv).
    private let table: TwoByteTable?
    private var carry: [UInt8] = []
    private var consumedBefore = 0
    private var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 4)
    private var encoded = UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 1)

    /// `twoByteTable` false: iconv decodes every character (the reference the tests compare
    /// the table with).
    public init(from encoding: TextEncoding, to target: TextEncoding = .utf8, twoByteTable: Bool = true) throws(TranscodeError) {
        self.encoding = encoding
        viaUnits = target == .utf8 && encoding != .utf8
        intoUTF8 = target == .utf8
        table = viaUnits && twoByteTable ? TwoByteTable.of(encoding) : nil
        let handle = iconv_open(viaUnits ? "WCHAR_T" : target.iconvName, encoding.iconvName)
        if handle == iconv_t(bitPattern: -1) {
            throw TranscodeError.unsupported(encoding)
        }
        self.handle = handle!
    }

    deinit {
        iconv_close(handle)
        buffer.deallocate()
        encoded.deallocate()
    }

    /// How many two-byte characters it decodes through its table rather than iconv.
    public var tablePairs: Int { table?.pairs ?? 0 }

    /// Converts `input` (the next block) and appends the UTF-8 to `output`.
    /// `final` says no more input follows, so a trailing partial character is an error.
    public func convert(_ input: UnsafeRawBufferPointer, final: Bool, into output: inout [UInt8]) throws(TranscodeError) {
        output.append(contentsOf: try convert(input, final: final))
    }

    /// Converts `input` (the next block); the text is in the transcoder's own buffer, valid
    /// until its next call. Text made before a failure is lost with it.
    public func convert(_ input: UnsafeRawBufferPointer, final: Bool) throws(TranscodeError) -> UnsafeRawBufferPointer {
        try withCarry(input) { bytes throws(TranscodeError) in try convertWhole(bytes, final: final, keep: true) }
    }

    /// What `convert` would throw for `input`, without making the text.
    public func check(_ input: UnsafeRawBufferPointer, final: Bool) throws(TranscodeError) {
        _ = try withCarry(input) { bytes throws(TranscodeError) in try convertWhole(bytes, final: final, keep: false) }
    }

    /// Ready for another input from its start, as if new.
    public func reset() {
        carry.removeAll(keepingCapacity: true)
        consumedBefore = 0
        iconv(handle, nil, nil, nil, nil)
    }

    /// `body` over `input`, with the bytes carried from the block before in front of it.
    private func withCarry(_ input: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(TranscodeError) -> UnsafeRawBufferPointer) throws(TranscodeError) -> UnsafeRawBufferPointer {
        guard !carry.isEmpty else { return try body(input) }
        var pending = carry
        carry.removeAll(keepingCapacity: true)
        pending.append(contentsOf: input)
        var result: Result<UnsafeRawBufferPointer, TranscodeError> = .success(UnsafeRawBufferPointer(start: nil, count: 0))
        pending.withUnsafeBytes { bytes in
            do throws(TranscodeError) { result = .success(try body(bytes)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// `convert` once the carried bytes are in front of `input`; `keep` false: no text
    /// (an empty view).
    private func convertWhole(_ input: UnsafeRawBufferPointer, final: Bool, keep: Bool) throws(TranscodeError) -> UnsafeRawBufferPointer {
        guard !input.isEmpty else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        var (consumed, text, code) = viaUnits ? throughUnits(input, keep: keep) : Self.whole(input, through: handle, into: &buffer)
        if viaUnits && text == nil { (consumed, text, code) = try directly(input) }
        var failure: TranscodeError?
        if let code {
            if code == EINVAL && !final {
                carry = Array(UnsafeRawBufferPointer(rebasing: input[consumed...]))
            } else {
                failure = .invalidByte(encoding: encoding, offset: consumedBefore + consumed)
            }
        }
        consumedBefore += consumed
        if let failure { throw failure }
        return keep ? text! : UnsafeRawBufferPointer(start: nil, count: 0)
    }

    /// `input` through `handle` at once into `output` (grown to at most 4 bytes out per
    /// byte in): bytes consumed, the text, and errno when it stopped short.
    private static func whole(_ input: UnsafeRawBufferPointer, through handle: iconv_t, into output: inout UnsafeMutableRawBufferPointer) -> (Int, UnsafeRawBufferPointer?, Int32?) {
        grow(&output, to: input.count * 4 + 16)
        let (consumed, produced, code) = run(handle, input, into: output)
        return (consumed, UnsafeRawBufferPointer(start: output.baseAddress, count: produced), code)
    }

    /// Makes `buffer` at least `bytes` long; what it held is not kept.
    private static func grow(_ buffer: inout UnsafeMutableRawBufferPointer, to bytes: Int) {
        guard buffer.count < bytes else { return }
        buffer.deallocate()
        buffer = .allocate(byteCount: bytes, alignment: 4)
    }

    /// `input` decoded to UTF-8 into `encoded` (`keep`), or only checked. ASCII and the
    /// two-byte characters of `table` are decoded by `govstats_dbcs_to_utf8`; what it stops
    /// at (a four-byte character, a fault, a character cut by the end of the input) goes
    /// through iconv, `window` bytes of it, before the table is tried again. Without a
    /// table, iconv decodes it all, a piece at a time.
    ///
    /// Through iconv, the bytes are decoded to UCS-4 into a buffer small enough to stay in
    /// the cache, and written as UTF-8 or only checked for code points without UTF-8. The
    /// text is nil when such a code point came: the caller then converts `input` with
    /// iconv's UTF-8.
    private func throughUnits(_ input: UnsafeRawBufferPointer, keep: Bool) -> (Int, UnsafeRawBufferPointer?, Int32?) {
        let piece = 1 << 16, window = 64
        // At most one unit (4 bytes) per byte in, and 4 bytes of UTF-8 per unit.
        Self.grow(&buffer, to: piece * 4 + 16)
        if keep { Self.grow(&encoded, to: input.count * 4 + 16) }
        let units = buffer.baseAddress!.assumingMemoryBound(to: UInt32.self)
        let out = encoded.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let bytes = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var consumed = 0, written = 0
        while consumed < input.count {
            if let table {
                var wrote = 0
                consumed += govstats_dbcs_to_utf8(bytes + consumed, input.count - consumed, table.entries, keep ? out! + written : nil, &wrote)
                written += wrote
                if consumed == input.count { break }
            }
            let end = min(consumed + (table == nil ? piece : window), input.count)
            let (taken, produced, code) = Self.run(handle, UnsafeRawBufferPointer(rebasing: input[consumed..<end]), into: buffer)
            let count = produced / 4
            if keep {
                var stopped = 0
                written += govstats_ucs4_to_utf8(units, count, out! + written, &stopped)
                if stopped < count { return (0, nil, nil) }
            } else if govstats_ucs4_first_without_utf8(units, count) < count {
                return (0, nil, nil)
            }
            consumed += taken
            // A character cut by the end of a piece (not of the input) is read with the next.
            if let code, code != EINVAL || end == input.count || taken == 0 {
                return (consumed, UnsafeRawBufferPointer(start: encoded.baseAddress, count: written), code)
            }
        }
        return (consumed, UnsafeRawBufferPointer(start: encoded.baseAddress, count: written), nil)
    }

    /// One iconv call over `input` into `output`: bytes consumed, bytes produced, and
    /// errno when it stopped short.
    fileprivate static func run(_ handle: iconv_t, _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> (Int, Int, Int32?) {
        // iconv does not write to its input; its C signature only lacks the const.
        var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: CChar.self))
        var inLeft = input.count
        var outPointer: UnsafeMutablePointer<CChar>? = output.baseAddress!.assumingMemoryBound(to: CChar.self)
        var outLeft = output.count
        let result = iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft)
        return (input.count - inLeft, output.count - outLeft, result == -1 ? errno : nil)
    }

    /// `input` through iconv's own UTF-8 (a fresh handle: these encodings keep no state
    /// between characters), into `encoded`.
    private func directly(_ input: UnsafeRawBufferPointer) throws(TranscodeError) -> (Int, UnsafeRawBufferPointer?, Int32?) {
        guard let direct = iconv_open("UTF-8", encoding.iconvName), direct != iconv_t(bitPattern: -1) else {
            throw TranscodeError.unsupported(encoding)
        }
        defer { iconv_close(direct) }
        return Self.whole(input, through: direct, into: &encoded)
    }
}

/// The two-byte characters of GB18030 or Big5 in UTF-8, for `govstats_dbcs_to_utf8`:
/// each pair of a lead byte 0x80 to 0xFF and any trail byte that iconv decodes, on its
/// own, to one character of the Basic Multilingual Plane past ASCII. Made from iconv's own
/// decoding, so the text is iconv's; these encodings keep no state between characters, so
/// a pair decodes the same wherever it stands. Made once per encoding (32,896 iconv calls,
/// about 3 ms) the first time a transcoder needs it.
final class TwoByteTable: @unchecked Sendable {
    /// 32,768 entries, read-only once made (see `govstats_dbcs_to_utf8`).
    let entries: UnsafeMutablePointer<UInt32>
    /// How many pairs it holds.
    let pairs: Int

    private static let gb18030 = TwoByteTable(.gb18030)
    private static let big5 = TwoByteTable(.big5)

    static func of(_ encoding: TextEncoding) -> TwoByteTable? {
        switch encoding {
        case .gb18030: gb18030
        case .big5: big5
        case .utf8: nil
        }
    }

    /// nil when iconv cannot decode the encoding, or decodes an ASCII byte as something
    /// else (the table's decoder takes ASCII for itself).
    private init?(_ encoding: TextEncoding) {
        guard let handle = iconv_open("WCHAR_T", encoding.iconvName), handle != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(handle) }
        /// The one code point `bytes` decode to, all of them consumed; nil otherwise.
        func decode(_ bytes: [UInt8]) -> UInt32? {
            var units: (UInt32, UInt32) = (0, 0)
            let (consumed, produced, code) = bytes.withUnsafeBytes { input in
                withUnsafeMutableBytes(of: &units) { Transcoder.run(handle, input, into: $0) }
            }
            iconv(handle, nil, nil, nil, nil)
            guard code == nil, consumed == bytes.count, produced == 4 else { return nil }
            return units.0
        }
        for byte in 0..<0x80 where decode([UInt8(byte)]) != UInt32(byte) { return nil }
        entries = .allocate(capacity: 1 << 15)
        entries.initialize(repeating: 0, count: 1 << 15)
        var pairs = 0
        for lead in 0x80...0xFF {
            for trail in 0...0xFF {
                guard let unit = decode([UInt8(lead), UInt8(trail)]), unit >= 0x80, unit < 0x10000, !(0xD800...0xDFFF).contains(unit) else { continue }
                let utf8: UInt32 = unit < 0x800
                    ? (0xC0 | unit >> 6) | (0x80 | unit & 0x3F) << 8 | 2 << 24
                    : (0xE0 | unit >> 12) | (0x80 | unit >> 6 & 0x3F) << 8 | (0x80 | unit & 0x3F) << 16 | 3 << 24
                entries[(lead - 0x80) << 8 | trail] = utf8
                pairs += 1
            }
        }
        self.pairs = pairs
    }
}

/// Transcoders kept between reads: each chunk of a GB18030 or Big5 file is read with one,
/// and a new one opens iconv again and grows its buffers again (up to 4 bytes per input
/// byte, twice), a page fault per 4 KiB.
public enum TranscoderPool {
    private static let idle = Mutex<[Transcoder]>([])
    /// At most this many are kept (a few more than the threads that read at once).
    private static let limit = 8

    /// One from `encoding` into UTF-8, as if new.
    public static func take(from encoding: TextEncoding) throws(TranscodeError) -> Transcoder {
        let kept = idle.withLock { idle -> Transcoder? in
            guard let index = idle.firstIndex(where: { $0.encoding == encoding && $0.intoUTF8 }) else { return nil }
            return idle.remove(at: index)
        }
        if let kept { return kept }
        return try Transcoder(from: encoding)
    }

    /// Gives back one that `take` handed out, once its caller is done with it.
    public static func give(_ transcoder: Transcoder) {
        transcoder.reset()
        idle.withLock { idle in
            if idle.count < limit { idle.append(transcoder) }
        }
    }
}

public enum TranscodeError: Error, Equatable, CustomStringConvertible {
    case unsupported(TextEncoding)
    /// `offset` is 0-based, counted from the first byte of the input.
    case invalidByte(encoding: TextEncoding, offset: Int)

    public var description: String {
        switch self {
        case .unsupported(let encoding): "iconv cannot convert from \(encoding.rawValue) on this system"
        case .invalidByte(let encoding, let offset): "not valid \(encoding.rawValue): byte at offset \(offset) cannot be decoded"
        }
    }
}
