/// A Unicode date pattern from `datetime_formats` (`MM/dd/yyyy hh:mm:ss a`, `yyyy-MM`),
/// compiled once and matched against whole values. A pattern without a day gives a
/// month-precision value.
///
/// The supported subset of the LDML pattern letters:
///
/// | letters | meaning |
/// |---|---|
/// | `yyyy`, `yy`, `y` | year: four digits; two digits (2000 + yy); one to four digits |
/// | `MM`, `M`, `MMM`, `MMMM` | month: two digits; one or two; `Jan`..`Dec`; `January`..`December` (case-insensitive) |
/// | `dd`, `d` | day of the month |
/// | `HH`, `H` | hour 0-23 |
/// | `hh`, `h` | hour 1-12, with `a` |
/// | `mm`, `m`, `ss`, `s` | minute, second |
/// | `S`... | fraction of a second, exactly as many digits as letters, ignored |
/// | `a` | `AM`/`PM` (case-insensitive) or `上午`/`下午` |
///
/// Two-letter numeric fields take exactly two digits, one-letter fields one or two. Text in
/// single quotes is literal (`'T'`), `''` is a quote, and any character that is not an
/// ASCII letter is literal (`/`, `-`, `年`). Any other letter is an error, as is a pattern
/// without a year or a month, with a field twice, with `h` but no `a` (or `a` but no `h`),
/// or with a time but no day.
public struct DatePattern: Sendable, Equatable {
    public let pattern: String
    private let tokens: [Token]
    private let hasDay: Bool

    public init(_ pattern: String) throws(DatePatternError) {
        self.pattern = pattern
        self.tokens = try Self.compile(pattern)
        self.hasDay = tokens.contains { token in
            if case .number(.day, _, _) = token { true } else { false }
        }
    }

    public func parse(_ text: Substring) -> LocalDateTime? {
        withUTF8(text) { bytes in match(bytes) }
    }

    // MARK: - Compiled form

    private enum Field: Sendable, Equatable {
        case year, twoDigitYear, month, day, hour24, hour12, minute, second
    }

    private enum Token: Sendable, Equatable {
        case number(Field, minimum: Int, maximum: Int)
        case monthName(abbreviated: Bool)
        /// Fraction-of-second digits, read and ignored.
        case fraction(digits: Int)
        case amPm
        case literal([UInt8])
    }

    private static func compile(_ pattern: String) throws(DatePatternError) -> [Token] {
        func failure(_ message: String) -> DatePatternError {
            DatePatternError(pattern: pattern, message: message)
        }
        var tokens: [Token] = []
        var literal: [UInt8] = []
        func flushLiteral() {
            if !literal.isEmpty {
                tokens.append(.literal(literal))
                literal.removeAll()
            }
        }

        let scalars = Array(pattern.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "'" {
                if index + 1 < scalars.count, scalars[index + 1] == "'" {
                    literal.append(UInt8(ascii: "'"))
                    index += 2
                    continue
                }
                index += 1
                var closed = false
                while index < scalars.count {
                    if scalars[index] == "'" {
                        if index + 1 < scalars.count, scalars[index + 1] == "'" {
                            literal.append(UInt8(ascii: "'"))
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    literal.append(contentsOf: String(scalars[index]).utf8)
                    index += 1
                }
                guard closed else { throw failure("a quote (') is not closed") }
                continue
            }
            guard scalar.isASCII, scalar.properties.isAlphabetic else {
                literal.append(contentsOf: String(scalar).utf8)
                index += 1
                continue
            }
            var run = 1
            while index + run < scalars.count, scalars[index + run] == scalar { run += 1 }
            index += run
            flushLiteral()
            tokens.append(try token(letter: Character(scalar), count: run, failure: failure))
        }
        flushLiteral()
        try validate(tokens, failure: failure)
        return tokens
    }

    private static func token(
        letter: Character, count: Int, failure: (String) -> DatePatternError
    ) throws(DatePatternError) -> Token {
        let letters = String(repeating: letter, count: count)
        func numeric(_ field: Field, _ name: String) throws(DatePatternError) -> Token {
            switch count {
            case 1: return .number(field, minimum: 1, maximum: 2)
            case 2: return .number(field, minimum: 2, maximum: 2)
            default: throw failure("'\(letters)' is not supported for the \(name) (use \(letter) or \(letter)\(letter))")
            }
        }
        switch letter {
        case "y":
            switch count {
            case 1: return .number(.year, minimum: 1, maximum: 4)
            case 2: return .number(.twoDigitYear, minimum: 2, maximum: 2)
            case 4: return .number(.year, minimum: 4, maximum: 4)
            default: throw failure("'\(letters)' is not supported for the year (use y, yy or yyyy)")
            }
        case "M":
            switch count {
            case 1, 2: return try numeric(.month, "month")
            case 3: return .monthName(abbreviated: true)
            case 4: return .monthName(abbreviated: false)
            default: throw failure("'\(letters)' is not supported for the month (use M, MM, MMM or MMMM)")
            }
        case "d": return try numeric(.day, "day")
        case "H": return try numeric(.hour24, "hour")
        case "h": return try numeric(.hour12, "hour")
        case "m": return try numeric(.minute, "minute")
        case "s": return try numeric(.second, "second")
        case "S": return .fraction(digits: count)
        case "a":
            guard count == 1 else { throw failure("'\(letters)' is not supported (use a single a for AM/PM)") }
            return .amPm
        default:
            throw failure(
                "unknown pattern letter '\(letter)' (supported: y M d H h m s S a; put literal letters in quotes, as in 'T')"
            )
        }
    }

    private static func validate(_ tokens: [Token], failure: (String) -> DatePatternError) throws(DatePatternError) {
        var year = 0, month = 0, day = 0, hour24 = 0, hour12 = 0, minute = 0, second = 0, fraction = 0, amPm = 0
        for token in tokens {
            switch token {
            case .number(.year, _, _), .number(.twoDigitYear, _, _): year += 1
            case .number(.month, _, _), .monthName: month += 1
            case .number(.day, _, _): day += 1
            case .number(.hour24, _, _): hour24 += 1
            case .number(.hour12, _, _): hour12 += 1
            case .number(.minute, _, _): minute += 1
            case .number(.second, _, _): second += 1
            case .fraction: fraction += 1
            case .amPm: amPm += 1
            case .literal: break
            }
        }
        let counts = [
            ("year", year), ("month", month), ("day", day), ("hour", hour24 + hour12), ("minute", minute),
            ("second", second), ("fraction of a second", fraction), ("AM/PM marker", amPm),
        ]
        if let (name, _) = counts.first(where: { $0.1 > 1 }) {
            throw failure("the \(name) appears more than once")
        }
        guard year == 1 else { throw failure("no year (y, yy or yyyy)") }
        guard month == 1 else { throw failure("no month (M, MM, MMM or MMMM)") }
        if hour12 == 1, amPm == 0 { throw failure("the 12-hour 'h' needs 'a' (AM/PM); use 'H' for 0-23") }
        if amPm == 1, hour12 == 0 { throw failure("'a' (AM/PM) needs the 12-hour 'h' or 'hh'") }
        if day == 0, hour24 + hour12 + minute + second + fraction > 0 {
            throw failure("a pattern without a day (d or dd) cannot have a time")
        }
    }

    // MARK: - Matching

    private static let monthNames: [[UInt8]] = [
        "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    ].map { Array($0.utf8) }
    private static let am: [[UInt8]] = [Array("am".utf8), Array("上午".utf8)]
    private static let pm: [[UInt8]] = [Array("pm".utf8), Array("下午".utf8)]

    private func match(_ bytes: UnsafeBufferPointer<UInt8>) -> LocalDateTime? {
        var index = 0
        var year = 0, month = 0, day = 1, hour = 0, minute = 0, second = 0
        var hour12: Int?
        var isPM = false
        for token in tokens {
            switch token {
            case let .number(field, minimum, maximum):
                guard let value = ASCIIBytes.variable(bytes, at: &index, minimum: minimum, maximum: maximum) else {
                    return nil
                }
                switch field {
                case .year: year = value
                case .twoDigitYear: year = 2000 + value
                case .month: month = value
                case .day: day = value
                case .hour24: hour = value
                case .hour12: hour12 = value
                case .minute: minute = value
                case .second: second = value
                }
            case let .monthName(abbreviated):
                guard let found = Self.monthNames.indices.first(where: { number in
                    let name = Self.monthNames[number]
                    return Self.hasPrefixIgnoringASCIICase(bytes, at: index, abbreviated ? Array(name.prefix(3)) : name)
                }) else { return nil }
                month = found + 1
                index += abbreviated ? 3 : Self.monthNames[found].count
            case let .fraction(digits):
                guard ASCIIBytes.variable(bytes, at: &index, minimum: digits, maximum: digits) != nil else { return nil }
            case .amPm:
                if let marker = Self.am.first(where: { Self.hasPrefixIgnoringASCIICase(bytes, at: index, $0) }) {
                    isPM = false
                    index += marker.count
                } else if let marker = Self.pm.first(where: { Self.hasPrefixIgnoringASCIICase(bytes, at: index, $0) }) {
                    isPM = true
                    index += marker.count
                } else {
                    return nil
                }
            case let .literal(text):
                guard bytes.count - index >= text.count else { return nil }
                for offset in 0..<text.count where bytes[index + offset] != text[offset] {
                    return nil
                }
                index += text.count
            }
        }
        guard index == bytes.count else { return nil }
        if let hour12 {
            guard (1...12).contains(hour12) else { return nil }
            hour = hour12 % 12 + (isPM ? 12 : 0)
        }
        guard let date = LocalDate(year: year, month: month, day: day) else { return nil }
        return LocalDateTime(date: date, hour: hour, minute: minute, second: second, monthPrecision: !hasDay)
    }

    /// `candidate` is lower case; bytes outside ASCII compare exactly.
    private static func hasPrefixIgnoringASCIICase(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, _ candidate: [UInt8]) -> Bool {
        guard bytes.count - start >= candidate.count else { return false }
        for offset in 0..<candidate.count where ASCIIBytes.lowercased(bytes[start + offset]) != candidate[offset] {
            return false
        }
        return true
    }
}

/// A `datetime_formats` entry that cannot be compiled; the message says what to change.
public struct DatePatternError: Error, Equatable, CustomStringConvertible {
    public let pattern: String
    public let message: String

    public init(pattern: String, message: String) {
        self.pattern = pattern
        self.message = message
    }

    public var description: String { "date pattern '\(pattern)': \(message)" }
}
