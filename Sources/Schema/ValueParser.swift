/// Parses the contract's value forms (DATA_CONTRACT.md section 1, "Values") from the text of
/// one field. Every function takes text already trimmed by `trim` and returns nil for an
/// invalid value; the ingest stage words the reject reason.
public enum ValueParser {
    /// Trims Unicode white space from both ends, the ideographic space U+3000 included.
    public static func trim(_ text: Substring) -> Substring {
        fatalError("unimplemented")
    }

    /// `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS`, `YYYY-MM-DD HH:MM`, `YYYY/M/D H:MM[:SS]`,
    /// `YYYY-MM-DD`, `YYYY/M/D`; then each of `patterns` in order.
    public static func dateTime(_ text: Substring, patterns: [DatePattern] = []) -> LocalDateTime? {
        fatalError("unimplemented")
    }

    /// true: 是 达标 合格 true yes y 1; false: 否 未达标 不合格 false no n 0 (case-insensitive).
    public static func boolean(_ text: Substring) -> Bool? {
        fatalError("unimplemented")
    }

    /// Plain ASCII digits, >= 0, fits in Int64.
    public static func count(_ text: Substring) -> Int64? {
        fatalError("unimplemented")
    }

    /// ASCII digits with an optional `.` fraction, >= 0.
    public static func amount(_ text: Substring) -> ExactDecimal? {
        fatalError("unimplemented")
    }

    /// As `amount`, and at most 100.
    public static func score(_ text: Substring) -> ExactDecimal? {
        fatalError("unimplemented")
    }

    /// `YYYY`, `YYYYH1`/`YYYYH2`, `YYYYQ1`..`YYYYQ4` (the letter case-insensitive).
    public static func period(_ text: Substring) -> Period? {
        fatalError("unimplemented")
    }
}

/// A Unicode date pattern from `datetime_formats` (`MM/dd/yyyy hh:mm:ss a`, `yyyy-MM`),
/// compiled once and matched against whole values. A pattern without a day gives a
/// month-precision value.
public struct DatePattern: Sendable, Equatable {
    public let pattern: String

    public init(_ pattern: String) throws(DatePatternError) {
        fatalError("unimplemented")
    }

    public func parse(_ text: Substring) -> LocalDateTime? {
        fatalError("unimplemented")
    }
}

public struct DatePatternError: Error, Equatable, CustomStringConvertible {
    public let pattern: String
    public let message: String

    public init(pattern: String, message: String) {
        self.pattern = pattern
        self.message = message
    }

    public var description: String { "date pattern '\(pattern)': \(message)" }
}
