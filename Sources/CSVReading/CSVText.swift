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
        var line = ""
        line.reserveCapacity(fields.reduce(fields.count) { $0 + $1.utf8.count })
        for (index, text) in fields.enumerated() {
            if index > 0 { line += "," }
            line += field(cell(text))
        }
        line += "\n"
        return line
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
        var bytes = Substring(text).utf8[...]
        if let sign = bytes.first, sign == 0x2B || sign == 0x2D { bytes = bytes.dropFirst() }
        let parts = bytes.split(separator: 0x2E, maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { (0x30...0x39).contains($0) } }
    }

    /// The fields joined as CSV text without a line break (a rejected record's `record`).
    public static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",")
    }
}
