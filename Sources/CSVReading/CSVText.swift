/// Writes CSV text the contract's way: RFC 4180 minimal quoting (a field holding a comma, a
/// quote, CR or LF is quoted, quotes doubled), LF line endings, UTF-8 without BOM.
public enum CSVText {
    public static func field(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }) else {
            return text
        }
        var quoted = "\""
        for character in text.unicodeScalars {
            if character == "\"" { quoted += "\"\"" } else { quoted.unicodeScalars.append(character) }
        }
        return quoted + "\""
    }

    /// One line of an output CSV, with its final LF; every cell neutralised (`cell`).
    public static func line(_ fields: [String]) -> String {
        var line = CSVLines()
        for text in fields { line.cell(text) }
        line.endLine()
        return line.take()
    }

    /// Guards a cell against spreadsheet formula injection: text that begins with `=`, `+`,
    /// `-`, `@`, a tab or a CR gets a leading `'` (OWASP's advice), so that Excel or
    /// LibreOffice shows it as text instead of running it. Numbers (`-30.2`) stay numbers.
    public static func cell(_ text: String) -> String {
        switch text.utf8.first {
        case 0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D: return isNumber(text) ? text : "'" + text
        default: return text
        }
    }

    /// An optional sign, digits, and an optional `.` fraction.
    static func isNumber(_ text: String) -> Bool {
        var text = text
        return text.withUTF8(isNumber)
    }

    static func isNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        if let sign = bytes.first, sign == 0x2B || sign == 0x2D { index = 1 }
        func digits() -> Bool {
            let start = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            return index > start
        }
        guard digits() else { return false }
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            guard digits() else { return false }
        }
        return index == bytes.count
    }

    /// The fields joined as CSV text without a line break (a rejected record's `record`).
    public static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",")
    }
}

/// Output CSV text made as bytes, cell by cell: the text `CSVText.line` makes, without an
/// array of fields or a String per cell. For files of many rows (`data/trends.csv`), taken
/// in pieces with `take()`.
public struct CSVLines {
    public private(set) var bytes: [UInt8] = []
    private var atLineStart = true

    public init() {}

    /// A cell neutralised (`CSVText.cell`) and quoted when it must be (`CSVText.field`),
    /// after a comma unless it starts the line.
    public mutating func cell(_ text: String) {
        if !atLineStart { bytes.append(0x2C) }
        atLineStart = false
        var text = text
        text.withUTF8 { utf8 in
            let guarded: Bool
            switch utf8.first {
            case 0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D: guarded = !CSVText.isNumber(utf8)
            default: guarded = false
            }
            let quoted = utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }
            if quoted { bytes.append(0x22) }
            if guarded { bytes.append(0x27) }
            if quoted {
                // A quote byte is never part of a longer UTF-8 sequence: doubling bytes is
                // doubling characters.
                for byte in utf8 {
                    bytes.append(byte)
                    if byte == 0x22 { bytes.append(0x22) }
                }
                bytes.append(0x22)
            } else {
                bytes.append(contentsOf: utf8)
            }
        }
    }

    /// A whole number as a cell.
    public mutating func cell(_ value: Int) {
        if !atLineStart { bytes.append(0x2C) }
        atLineStart = false
        if value < 0 { bytes.append(0x2D) }
        var magnitude = value.magnitude
        let start = bytes.count
        repeat {
            bytes.append(0x30 + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
    }

    /// Cells made before (another `CSVLines`' bytes, without a line break), as if each had
    /// been added here.
    public mutating func cells(_ made: [UInt8]) {
        guard !made.isEmpty else { return }
        if !atLineStart { bytes.append(0x2C) }
        atLineStart = false
        bytes.append(contentsOf: made)
    }

    public mutating func endLine() {
        bytes.append(0x0A)
        atLineStart = true
    }

    /// The text made so far, which is then let go.
    public mutating func take() -> String {
        defer { bytes.removeAll(keepingCapacity: true) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
