/// Where each key and array element of a TOML document is written, so that config errors
/// can name a line: TOMLKit gives positions for syntax errors only.
///
/// It reads a document TOMLKit has already accepted, so it does not check the syntax: it
/// follows table headers, (dotted, quoted) keys, inline tables, arrays and strings
/// (multi-line ones included) just well enough to know which key each position belongs to.
struct TOMLKeyLocator {
    enum Segment: Hashable {
        case key(String)
        case element(Int)
    }

    /// A place in the text: the byte offset (for source order) and its 1-based line.
    struct Position {
        let offset: Int
        let line: Int
    }

    private let entries: [(path: [Segment], offset: Int)]
    private let lineStarts: [Int]

    init(_ text: String) {
        let bytes = Array(text.utf8)
        var scanner = Scanner(bytes: bytes)
        scanner.document()
        entries = scanner.entries
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        lineStarts = starts
    }

    /// The first place in the text that defines `path` or something inside it: a header
    /// `[a.b]`, a key `b = ...` in `[a]`, a key `b = ...` in an inline table `a = { ... }`, or
    /// an element of an array.
    func position(of path: [Segment]) -> Position? {
        guard let entry = entries.first(where: { $0.path.starts(with: path) }) else { return nil }
        return Position(offset: entry.offset, line: line(of: entry.offset))
    }

    func position(of keys: String...) -> Position? {
        position(of: keys.map(Segment.key))
    }

    private func line(of offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count
        // The last line start <= offset.
        while high - low > 1 {
            let middle = (low + high) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle }
        }
        return low + 1
    }
}

private struct Scanner {
    let bytes: [UInt8]
    var index = 0
    var entries: [(path: [TOMLKeyLocator.Segment], offset: Int)] = []

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private func peek(_ distance: Int) -> UInt8? {
        index + distance < bytes.count ? bytes[index + distance] : nil
    }

    mutating func document() {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        var table: [TOMLKeyLocator.Segment] = []
        while true {
            skipTrivia(newlines: true)
            guard let byte = current else { return }
            let start = index
            if byte == UInt8(ascii: "[") {
                index += peek(1) == UInt8(ascii: "[") ? 2 : 1
                table = key().map(TOMLKeyLocator.Segment.key)
                entries.append((table, start))
                skipLine()
            } else {
                keyValue(in: table)
                if index == start { skipLine() }
            }
        }
    }

    private mutating func keyValue(in table: [TOMLKeyLocator.Segment]) {
        let start = index
        let path = table + key().map(TOMLKeyLocator.Segment.key)
        entries.append((path, start))
        skipTrivia(newlines: false)
        if current == UInt8(ascii: "=") { index += 1 }
        skipTrivia(newlines: false)
        value(path)
    }

    private mutating func value(_ path: [TOMLKeyLocator.Segment]) {
        guard let byte = current else { return }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            _ = string()
        case UInt8(ascii: "["):
            index += 1
            var element = 0
            while true {
                skipTrivia(newlines: true)
                guard let next = current else { return }
                if next == UInt8(ascii: "]") { index += 1; return }
                if next == UInt8(ascii: ",") { index += 1; continue }
                let start = index
                let elementPath = path + [.element(element)]
                entries.append((elementPath, start))
                value(elementPath)
                element += 1
                if index == start { index += 1 }
            }
        case UInt8(ascii: "{"):
            index += 1
            while true {
                skipTrivia(newlines: true)
                guard let next = current else { return }
                if next == UInt8(ascii: "}") { index += 1; return }
                if next == UInt8(ascii: ",") { index += 1; continue }
                let start = index
                keyValue(in: path)
                if index == start { index += 1 }
            }
        default:
            // Numbers, booleans, dates and times (which may hold a space).
            while let next = current, !Self.endsScalar(next) { index += 1 }
        }
    }

    private static func endsScalar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "#"),
             UInt8(ascii: "\n"), UInt8(ascii: "\r"):
            true
        default:
            false
        }
    }

    /// A dotted key: bare, "basic" or 'literal' parts joined by `.`.
    private mutating func key() -> [String] {
        var parts: [String] = []
        while true {
            skipTrivia(newlines: false)
            guard let byte = current else { break }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                parts.append(string())
            } else {
                let start = index
                while let next = current, Self.isBareKeyByte(next) { index += 1 }
                guard index > start else { break }
                parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
            }
            skipTrivia(newlines: false)
            guard current == UInt8(ascii: ".") else { break }
            index += 1
        }
        return parts
    }

    private static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }

    /// A string of any of the four kinds, returning its text (escapes decoded in basic
    /// strings, as keys need).
    private mutating func string() -> String {
        let quote = bytes[index]
        let basic = quote == UInt8(ascii: "\"")
        let multiLine = peek(1) == quote && peek(2) == quote
        index += multiLine ? 3 : 1
        var text: [UInt8] = []
        while let byte = current {
            if byte == quote {
                if !multiLine {
                    index += 1
                    break
                }
                if peek(1) == quote && peek(2) == quote {
                    index += 3
                    // Up to two more quotes belong to the content: `"""a""""`.
                    var extra = 0
                    while extra < 2, current == quote {
                        text.append(quote)
                        index += 1
                        extra += 1
                    }
                    break
                }
            }
            if basic && byte == UInt8(ascii: "\\"), let escaped = peek(1) {
                index += 2
                text.append(contentsOf: unescape(escaped))
                continue
            }
            if !multiLine && byte == UInt8(ascii: "\n") { break }
            text.append(byte)
            index += 1
        }
        return String(decoding: text, as: UTF8.self)
    }

    private mutating func unescape(_ escaped: UInt8) -> [UInt8] {
        switch escaped {
        case UInt8(ascii: "n"): return [0x0A]
        case UInt8(ascii: "t"): return [0x09]
        case UInt8(ascii: "r"): return [0x0D]
        case UInt8(ascii: "b"): return [0x08]
        case UInt8(ascii: "f"): return [0x0C]
        case UInt8(ascii: "e"): return [0x1B]
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let width = escaped == UInt8(ascii: "u") ? 4 : 8
            guard index + width <= bytes.count,
                  let code = UInt32(String(decoding: bytes[index..<(index + width)], as: UTF8.self), radix: 16),
                  let scalar = Unicode.Scalar(code) else { return [] }
            index += width
            return Array(String(scalar).utf8)
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: " "), UInt8(ascii: "\t"):
            // A line-ending backslash in a multi-line string: the line break and the
            // white space after it are dropped.
            while let next = current, next == 0x20 || next == 0x09 || next == 0x0A || next == 0x0D { index += 1 }
            return []
        default:
            return [escaped]
        }
    }

    private mutating func skipTrivia(newlines: Bool) {
        while let byte = current {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "\n") where newlines:
                index += 1
            case UInt8(ascii: "#"):
                while let next = current, next != UInt8(ascii: "\n") { index += 1 }
            default:
                return
            }
        }
    }

    private mutating func skipLine() {
        while let byte = current, byte != UInt8(ascii: "\n") { index += 1 }
    }
}
