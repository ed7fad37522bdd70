/// Parses the contract's value forms (docs/reference.md) from the text of
/// one field. Every function takes text already trimmed by `trim` and returns nil for an
/// invalid value; the ingest stage words the reject reason.
///
/// The parsers read the UTF-8 bytes directly (no Foundation, no regular expressions): they
/// run once per value of every row.
///
/// Decisions on forms the contract leaves open:
/// - numbers: `.5` and `12.` are invalid (a digit is required on both sides of the `.`);
///   leading zeros are accepted (`007` is 7, `012.50` is 12.5).
/// - `YYYY-MM-DDTHH:MM` (a `T` without seconds) is invalid; with a space it is valid.
public enum ValueParser {
    /// Trims Unicode white space from both ends, the ideographic space U+3000 included, and
    /// the byte-order mark U+FEFF (which Excel leaves on the first field of a file).
    public static func trim(_ text: Substring) -> Substring {
        let utf8 = text.utf8
        // Fast path: no white space can start at either end. Every white space character
        // (and U+FEFF) begins with a byte <= 0x20 or one of C2 E1 E2 E3 EF; the last
        // character begins at the last byte that is not a continuation byte.
        if let first = utf8.first, mayStartWhitespace(first) == false {
            var index = utf8.index(before: utf8.endIndex)
            while utf8[index] & 0xC0 == 0x80 && index > utf8.startIndex { index = utf8.index(before: index) }
            if !mayStartWhitespace(utf8[index]) { return text }
        }
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, isTrimmed(scalars[start]) {
            start = scalars.index(after: start)
        }
        while start < end {
            let before = scalars.index(before: end)
            guard isTrimmed(scalars[before]) else { break }
            end = before
        }
        return Substring(scalars[start..<end])
    }

    /// The range of `bytes` left once trimmed as `trim` does, when that is plain from the
    /// bytes at both ends (the common case); nil when `trim` must look at the characters.
    /// Inlinable: the row decoder asks this of every field.
    @inlinable @inline(__always)
    public static func trimmedRange(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let first = bytes.first else { return 0..<0 }
        if mayStartWhitespace(first) { return nil }
        var last = bytes.count - 1
        while bytes[last] & 0xC0 == 0x80 && last > 0 { last -= 1 }
        return mayStartWhitespace(bytes[last]) ? nil : 0..<bytes.count
    }

    @inlinable @inline(__always)
    static func mayStartWhitespace(_ byte: UInt8) -> Bool {
        byte <= 0x20 || byte == 0x7F || byte == 0xC2 || byte == 0xE1 || byte == 0xE2 || byte == 0xE3 || byte == 0xEF
    }

    private static func isTrimmed(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar == "\u{FEFF}"
    }

    /// `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS`, `YYYY-MM-DD HH:MM`, `YYYY/M/D H:MM[:SS]`,
    /// `YYYY-MM-DD`, `YYYY/M/D`; then each of `patterns` in order.
    public static func dateTime(_ text: Substring, patterns: [DatePattern] = []) -> LocalDateTime? {
        if let value = withUTF8(text, builtInDateTime) {
            return value
        }
        return dateTime(patterns: patterns, text)
    }

    /// As `dateTime(_:patterns:)` on UTF-8 bytes: a String is made only when no built-in
    /// form matches and `patterns` are tried.
    public static func dateTime(utf8 bytes: UnsafeBufferPointer<UInt8>, patterns: [DatePattern] = []) -> LocalDateTime? {
        if let value = builtInDateTime(bytes) {
            return value
        }
        if patterns.isEmpty { return nil }
        return dateTime(patterns: patterns, String(decoding: bytes, as: UTF8.self)[...])
    }

    private static func dateTime(patterns: [DatePattern], _ text: Substring) -> LocalDateTime? {
        for pattern in patterns {
            if let value = pattern.parse(text) {
                return value
            }
        }
        return nil
    }

    /// The built-in forms. The dash forms are strict (two-digit month, day and hour); the
    /// slash forms are Excel's (one or two digits for month, day and hour). Minutes and
    /// seconds always have two digits.
    static func builtInDateTime(_ bytes: UnsafeBufferPointer<UInt8>) -> LocalDateTime? {
        let count = bytes.count
        guard count >= 8, let year = ASCIIBytes.fixed(bytes, at: 0, width: 4) else { return nil }
        let month: Int
        let day: Int
        var hour = 0
        var minute = 0
        var second = 0
        var index: Int
        switch bytes[4] {
        case UInt8(ascii: "-"):
            guard let m = ASCIIBytes.fixed(bytes, at: 5, width: 2), byte(bytes, 7) == UInt8(ascii: "-"),
                  let d = ASCIIBytes.fixed(bytes, at: 8, width: 2) else { return nil }
            month = m
            day = d
            index = 10
            if index < count {
                let separator = bytes[index]
                guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "T"),
                      let h = ASCIIBytes.fixed(bytes, at: index + 1, width: 2),
                      byte(bytes, index + 3) == UInt8(ascii: ":"),
                      let mi = ASCIIBytes.fixed(bytes, at: index + 4, width: 2) else { return nil }
                hour = h
                minute = mi
                index += 6
                if index < count {
                    guard byte(bytes, index) == UInt8(ascii: ":"),
                          let s = ASCIIBytes.fixed(bytes, at: index + 1, width: 2) else { return nil }
                    second = s
                    index += 3
                } else if separator == UInt8(ascii: "T") {
                    return nil
                }
            }
        case UInt8(ascii: "/"):
            index = 5
            guard let m = ASCIIBytes.upToTwo(bytes, at: &index), byte(bytes, index) == UInt8(ascii: "/") else {
                return nil
            }
            index += 1
            guard let d = ASCIIBytes.upToTwo(bytes, at: &index) else { return nil }
            month = m
            day = d
            if index < count {
                guard bytes[index] == UInt8(ascii: " ") else { return nil }
                index += 1
                guard let h = ASCIIBytes.upToTwo(bytes, at: &index), byte(bytes, index) == UInt8(ascii: ":"),
                      let mi = ASCIIBytes.fixed(bytes, at: index + 1, width: 2) else { return nil }
                hour = h
                minute = mi
                index += 3
                if index < count {
                    guard bytes[index] == UInt8(ascii: ":"),
                          let s = ASCIIBytes.fixed(bytes, at: index + 1, width: 2) else { return nil }
                    second = s
                    index += 3
                }
            }
        default:
            return nil
        }
        guard index == count, let date = LocalDate(year: year, month: month, day: day) else { return nil }
        return LocalDateTime(date: date, hour: hour, minute: minute, second: second)
    }

    private static let trueWords: [[UInt8]] = ["是", "达标", "合格", "true", "yes", "y", "1"].map { Array($0.utf8) }
    private static let falseWords: [[UInt8]] = ["否", "未达标", "不合格", "false", "no", "n", "0"].map { Array($0.utf8) }

    /// true: 是 达标 合格 true yes y 1; false: 否 未达标 不合格 false no n 0 (case-insensitive).
    public static func boolean(_ text: Substring) -> Bool? {
        withUTF8(text, boolean(utf8:))
    }

    public static func boolean(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        if trueWords.contains(where: { equalsIgnoringASCIICase(bytes, $0) }) { return true }
        if falseWords.contains(where: { equalsIgnoringASCIICase(bytes, $0) }) { return false }
        return nil
    }

    /// Plain ASCII digits, >= 0, fits in Int64. No sign, no separators, no spaces.
    public static func count(_ text: Substring) -> Int64? {
        withUTF8(text, count(utf8:))
    }

    public static func count(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard !bytes.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    /// ASCII digits with an optional `.` fraction, >= 0: `12`, `12.5`, `0.75`. A digit is
    /// required on both sides of the `.` (`.5` and `12.` are invalid).
    public static func amount(_ text: Substring) -> ExactDecimal? {
        withUTF8(text, amount(utf8:))
    }

    public static func amount(utf8 bytes: UnsafeBufferPointer<UInt8>) -> ExactDecimal? {
        canonicalDecimal(bytes).map(ExactDecimal.init(canonical:))
    }

    /// As `amount`, and at most 100.
    public static func score(_ text: Substring) -> ExactDecimal? {
        withUTF8(text, score(utf8:))
    }

    public static func score(utf8 bytes: UnsafeBufferPointer<UInt8>) -> ExactDecimal? {
        guard let canonical = canonicalDecimal(bytes) else { return nil }
        let whole = canonical.utf8.prefix { $0 != UInt8(ascii: ".") }
        // Canonical text has no leading zeros: fewer than three whole digits is below 100,
        // and 100 itself has no fraction once trailing zeros are gone.
        guard whole.count < 3 || canonical == "100" else { return nil }
        return ExactDecimal(canonical: canonical)
    }

    /// The canonical text of a decimal (`012.50` -> `12.5`, `0.0` -> `0`), or nil.
    private static func canonicalDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let count = bytes.count
        var index = 0
        while index < count, ASCIIBytes.isDigit(bytes[index]) { index += 1 }
        let wholeEnd = index
        guard wholeEnd > 0 else { return nil }
        var fractionEnd = wholeEnd
        if index < count {
            guard bytes[index] == UInt8(ascii: ".") else { return nil }
            index += 1
            let fractionStart = index
            while index < count, ASCIIBytes.isDigit(bytes[index]) { index += 1 }
            guard index > fractionStart, index == count else { return nil }
            fractionEnd = index
            while fractionEnd > fractionStart, bytes[fractionEnd - 1] == UInt8(ascii: "0") { fractionEnd -= 1 }
            if fractionEnd == fractionStart { fractionEnd = wholeEnd }
        }
        var wholeStart = 0
        while wholeStart < wholeEnd - 1, bytes[wholeStart] == UInt8(ascii: "0") { wholeStart += 1 }
        // When a fraction is kept, fractionEnd is past the `.` and its digits.
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[wholeStart..<fractionEnd]), as: UTF8.self)
    }

    /// `YYYY`, `YYYYH1`/`YYYYH2`, `YYYYQ1`..`YYYYQ4` (the letter case-insensitive).
    public static func period(_ text: Substring) -> Period? {
        withUTF8(text, period(utf8:))
    }

    public static func period(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Period? {
        guard let year = ASCIIBytes.fixed(bytes, at: 0, width: 4) else { return nil }
        switch bytes.count {
        case 4:
            return Period(kind: .year, year: year, index: 1)
        case 6:
            guard let index = ASCIIBytes.fixed(bytes, at: 5, width: 1) else { return nil }
            switch bytes[4] | 0x20 {
            case UInt8(ascii: "h"): return Period(kind: .half, year: year, index: index)
            case UInt8(ascii: "q"): return Period(kind: .quarter, year: year, index: index)
            default: return nil
            }
        default:
            return nil
        }
    }

    private static func byte(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    /// `candidate` is lower case; bytes outside ASCII compare exactly.
    static func equalsIgnoringASCIICase(_ bytes: UnsafeBufferPointer<UInt8>, _ candidate: [UInt8]) -> Bool {
        guard bytes.count == candidate.count else { return false }
        for index in 0..<bytes.count where ASCIIBytes.lowercased(bytes[index]) != candidate[index] {
            return false
        }
        return true
    }
}

/// Runs `body` on the UTF-8 bytes of `text`, without a copy when the text is native.
@inline(__always)
func withUTF8<Result>(_ text: Substring, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
    if let result = text.utf8.withContiguousStorageIfAvailable(body) {
        return result
    }
    var copy = String(text)
    return copy.withUTF8(body)
}

/// Reading ASCII digits and letters out of UTF-8 bytes.
enum ASCIIBytes {
    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// Exactly `width` digits at `start`, or nil.
    static func fixed(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, width: Int) -> Int? {
        guard start >= 0, start + width <= bytes.count else { return nil }
        var value = 0
        for index in start..<(start + width) {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    /// Between `minimum` and `maximum` digits at `index` (as many as there are, up to
    /// `maximum`), advancing `index` past them; nil if fewer than `minimum`.
    static func variable(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int, minimum: Int, maximum: Int) -> Int? {
        var value = 0
        var taken = 0
        while taken < maximum, index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            value = value * 10 + Int(digit)
            index += 1
            taken += 1
        }
        return taken >= minimum ? value : nil
    }

    /// One or two digits.
    static func upToTwo(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) -> Int? {
        variable(bytes, at: &index, minimum: 1, maximum: 2)
    }
}

extension ValueParser {
    /// The most characters (Unicode scalars) a text value may hold.
    public static let maxTextScalars = 1000

    /// Why a text value is invalid, or nil: longer than `maxTextScalars`, a control
    /// character (U+0000–U+001F but tab, and line breaks outside place names; U+007F–U+009F), and in an area name a format
    /// character (general category Cf: bidi controls, zero-width characters), which makes
    /// a name that looks like another.
    /// Whether `text` holds a full-width digit (U+FF10 to U+FF19), as Chinese input methods
    /// type them: no value form reads them.
    public static func holdsFullWidthDigits(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: isFullWidthDigit)
    }

    public static func isFullWidthDigit(_ scalar: Unicode.Scalar) -> Bool {
        (0xFF10...0xFF19).contains(scalar.value)
    }

    public static func textProblem(_ text: String, isArea: Bool) -> String? {
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            let value = scalar.value
            // A line break inside a quoted field is CSV (a note over several lines); in a
            // place name, which names pages and rows, it is refused like any control character.
            let allowed = value == 0x09 || (!isArea && (value == 0x0A || value == 0x0D))
            if (value < 0x20 && !allowed) || (0x7F...0x9F).contains(value) {
                return "holds a control character (U+\(hex(value)))"
            }
            if isArea && scalar.properties.generalCategory == .format {
                return "holds an invisible format character (U+\(hex(value))), which makes a name look like another"
            }
        }
        if count > maxTextScalars { return "is too long (\(count) characters, at most \(maxTextScalars))" }
        return nil
    }

    /// Whether `bytes` (UTF-8) may hold what `textProblem` refuses: a byte that is or may
    /// start such a character, or more bytes than the longest text allowed could have.
    /// False is certain; true sends the value to `textProblem`.
    @inlinable @inline(__always)
    public static func mayHaveTextProblem(utf8 bytes: UnsafeBufferPointer<UInt8>, isArea: Bool) -> Bool {
        if bytes.count > maxTextScalars { return true }
        guard let base = bytes.baseAddress else { return false }
        // Eight bytes at a time; the bytes after the last whole word one by one.
        var index = 0
        while index + 8 <= bytes.count {
            if wordMayHaveTextProblem(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self), isArea: isArea) { return true }
            index += 8
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 || byte == 0x7F || byte == 0xC2 { return true }
            if isArea && (byte == 0xD8 || byte == 0xDB || byte == 0xDC || byte == 0xE1 || byte == 0xE2 || byte == 0xEF || byte >= 0xF0) {
                return true
            }
            index += 1
        }
        return false
    }

    /// `mayHaveTextProblem` for eight bytes: a lane below 0x20, equal to 0x7F or 0xC2 (and in
    /// a place name to a lead byte of the blocks that hold format characters, or 0xF0 and up).
    @inlinable @inline(__always)
    static func wordMayHaveTextProblem(_ word: UInt64, isArea: Bool) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasByte(_ value: UInt64) -> UInt64 {
            let x = word ^ (ones &* value)
            return (x &- ones) & ~x & high
        }
        var found = ((word &- ones &* 0x20) & ~word & high) | hasByte(0x7F) | hasByte(0xC2)
        if isArea {
            let top = word & (ones &* 0xF0)
            let x = top ^ (ones &* 0xF0)
            found |= hasByte(0xD8) | hasByte(0xDB) | hasByte(0xDC) | hasByte(0xE1) | hasByte(0xE2) | hasByte(0xEF)
                | ((x &- ones) & ~x & high)
        }
        return found != 0
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension ExactDecimal {
    /// Compares two canonical decimals (digits, an optional `.` fraction) by value.
    public static func compare(_ lhs: ExactDecimal, _ rhs: ExactDecimal) -> Int {
        func parts(_ text: String) -> (whole: [UInt8], fraction: [UInt8]) {
            let bytes = Array(text.utf8)
            let dot = bytes.firstIndex(of: UInt8(ascii: ".")) ?? bytes.count
            var whole = Array(bytes[..<dot])
            while whole.count > 1 && whole.first == UInt8(ascii: "0") { whole.removeFirst() }
            var fraction = dot < bytes.count ? Array(bytes[(dot + 1)...]) : []
            while fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
            return (whole, fraction)
        }
        let (a, b) = (parts(lhs.canonical), parts(rhs.canonical))
        if a.whole.count != b.whole.count { return a.whole.count < b.whole.count ? -1 : 1 }
        if a.whole != b.whole { return a.whole.lexicographicallyPrecedes(b.whole) ? -1 : 1 }
        let width = max(a.fraction.count, b.fraction.count)
        let left = a.fraction + Array(repeating: UInt8(ascii: "0"), count: width - a.fraction.count)
        let right = b.fraction + Array(repeating: UInt8(ascii: "0"), count: width - b.fraction.count)
        if left == right { return 0 }
        return left.lexicographicallyPrecedes(right) ? -1 : 1
    }
}
