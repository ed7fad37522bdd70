#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBytes

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
/// iconv writes into a buffer the transcoder keeps, grown when a block needs more (at most
/// 4 bytes out per byte in): a buffer made and zeroed per 1 MiB block cost a page fault
/// per 4 KiB (`exc_page_fault` was 9% of the samples reading a 379 MB GB18030 file, and
/// system time fell from 1.6–1.8 s to 0.35–0.44 s with the buffer kept).
public final class Transcoder {
    public let encoding: TextEncoding
    private let handle: iconv_t
    private var carry: [UInt8] = []
    private var consumedBefore = 0
    private var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 1)

    public init(from encoding: TextEncoding, to target: TextEncoding = .utf8) throws(TranscodeError) {
        self.encoding = encoding
        let handle = iconv_open(target.iconvName, encoding.iconvName)
        if handle == iconv_t(bitPattern: -1) {
            throw TranscodeError.unsupported(encoding)
        }
        self.handle = handle!
    }

    deinit {
        iconv_close(handle)
        buffer.deallocate()
    }

    /// Converts `input` (the next block) and appends the UTF-8 to `output`.
    /// `final` says no more input follows, so a trailing partial character is an error.
    public func convert(_ input: UnsafeRawBufferPointer, final: Bool, into output: inout [UInt8]) throws(TranscodeError) {
        guard !carry.isEmpty else { return try convertWhole(input, final: final, into: &output) }
        var pending = carry
        carry.removeAll(keepingCapacity: true)
        pending.append(contentsOf: input)
        var failure: TranscodeError?
        pending.withUnsafeBytes { bytes in
            do throws(TranscodeError) { try convertWhole(bytes, final: final, into: &output) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// `convert` once the carried bytes are in front of `input`.
    private func convertWhole(_ input: UnsafeRawBufferPointer, final: Bool, into output: inout [UInt8]) throws(TranscodeError) {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        let room = input.count * 4 + 16
        if buffer.count < room {
            buffer.deallocate()
            buffer = .allocate(byteCount: room, alignment: 1)
        }
        // iconv does not write to its input; its C signature only lacks the const.
        var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: CChar.self))
        var inLeft = input.count
        var outPointer: UnsafeMutablePointer<CChar>? = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
        var outLeft = room
        let result = iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft)
        let consumed = input.count - inLeft
        output.append(contentsOf: UnsafeRawBufferPointer(start: buffer.baseAddress, count: room - outLeft))
        var failure: TranscodeError?
        if result == -1 {
            let code = errno
            if code == EINVAL && !final {
                carry = Array(UnsafeRawBufferPointer(rebasing: input[consumed...]))
            } else {
                failure = .invalidByte(encoding: encoding, offset: consumedBefore + consumed)
            }
        }
        consumedBefore += consumed
        if let failure { throw failure }
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
