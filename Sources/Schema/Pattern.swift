/// A value pattern of `govstats.toml`: matches a whole trimmed value, case-sensitively.
/// `*` is any run of characters (none included), `?` exactly one character (a Unicode
/// scalar), and `\*`, `\?`, `\\` stand for the characters themselves. A pattern without
/// wildcards is plain equality.
public struct Pattern: Hashable, Sendable, CustomStringConvertible {
    /// As written in the configuration.
    public let text: String
    private let tokens: [Token]
    /// The value a pattern without wildcards equals, as UTF-8; nil when it has wildcards.
    public let literal: [UInt8]?

    private enum Token: Hashable, Sendable {
        case scalar(Unicode.Scalar)
        case anyRun
        case one
    }

    public init(_ text: String) throws(PatternError) {
        var tokens: [Token] = []
        var escaped = false
        for scalar in text.unicodeScalars {
            if escaped {
                guard scalar == "*" || scalar == "?" || scalar == "\\" else {
                    throw PatternError(pattern: text, message: "'\\\(scalar)' is not an escape (only \\*, \\? and \\\\ are)")
                }
                tokens.append(.scalar(scalar))
                escaped = false
                continue
            }
            switch scalar {
            case "\\": escaped = true
            case "*": if tokens.last != .anyRun { tokens.append(.anyRun) }
            case "?": tokens.append(.one)
            default: tokens.append(.scalar(scalar))
            }
        }
        if escaped { throw PatternError(pattern: text, message: "it ends with a lone '\\' (write \\\\ for a backslash)") }
        self.text = text
        self.tokens = tokens
        let plain = tokens.allSatisfy { if case .scalar = $0 { true } else { false } }
        if plain {
            var literal = String.UnicodeScalarView()
            for case .scalar(let scalar) in tokens { literal.append(scalar) }
            self.literal = Array(String(literal).utf8)
        } else {
            self.literal = nil
        }
    }

    public var description: String { text }

    public var hasWildcards: Bool { literal == nil }

    /// Whether the pattern matches the whole of `value` (already trimmed).
    public func matches(_ value: String) -> Bool {
        if let literal { return literal.elementsEqual(value.utf8) }
        return matches(scalars: Array(value.unicodeScalars)[...])
    }

    /// As `matches(_:)`, on the value's scalars.
    func matches(scalars: ArraySlice<Unicode.Scalar>) -> Bool {
        Self.match(tokens[...], scalars)
    }

    /// Wildcard matching with one point of return: on a mismatch, the last `*` takes one
    /// more character. Linear in practice, at worst tokens × characters.
    private static func match(_ tokens: ArraySlice<Token>, _ value: ArraySlice<Unicode.Scalar>) -> Bool {
        var token = tokens.startIndex
        var index = value.startIndex
        var star: (token: Int, index: Int)?
        while index < value.endIndex {
            if token < tokens.endIndex {
                switch tokens[token] {
                case .anyRun:
                    star = (token, index)
                    token += 1
                    continue
                case .one:
                    token += 1
                    index += 1
                    continue
                case .scalar(let scalar) where scalar == value[index]:
                    token += 1
                    index += 1
                    continue
                case .scalar:
                    break
                }
            }
            guard let last = star else { return false }
            star = (last.token, last.index + 1)
            token = last.token + 1
            index = last.index + 1
        }
        while token < tokens.endIndex, tokens[token] == .anyRun { token += 1 }
        return token == tokens.endIndex
    }
}

/// A list of patterns: a value matches the list when it matches one of them.
public struct PatternList: Hashable, Sendable, CustomStringConvertible {
    public let patterns: [Pattern]
    /// The plain patterns' values, by their length in bytes: a value is looked up without
    /// being copied.
    private let literals: [Int: [[UInt8]]]
    private let wildcards: [Pattern]

    public init(_ patterns: [Pattern]) {
        self.patterns = patterns
        literals = Dictionary(grouping: Set(patterns.compactMap(\.literal)).sorted { $0.lexicographicallyPrecedes($1) }, by: \.count)
        wildcards = patterns.filter(\.hasWildcards)
    }

    /// Plain patterns from text known to hold no wildcard or escape (the built-in defaults).
    public init(plain values: [String]) {
        self.init(values.map { try! Pattern($0) })
    }

    public var isEmpty: Bool { patterns.isEmpty }

    public func matches(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { matches(utf8: $0) }
    }

    /// As `matches(_:)`, on UTF-8 bytes: the value is decoded once, and only for wildcards.
    public func matches(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if let candidates = literals[bytes.count], candidates.contains(where: { $0.elementsEqual(bytes) }) { return true }
        if wildcards.isEmpty { return false }
        let scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)[...]
        return wildcards.contains { $0.matches(scalars: scalars) }
    }

    /// `"THEFT*", "盗窃"`, as written.
    public var description: String {
        patterns.map { "\"\($0.text)\"" }.joined(separator: ", ")
    }
}

/// A pattern that cannot be read.
public struct PatternError: Error, Equatable, CustomStringConvertible {
    public let pattern: String
    public let message: String

    public init(pattern: String, message: String) {
        self.pattern = pattern
        self.message = message
    }

    public var description: String { "pattern '\(pattern)': \(message)" }
}
