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

    /// One line of CSV, with its final LF.
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }

    /// The fields joined as CSV text without a line break (a rejected record's `record`).
    public static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",")
    }
}

/// Orders strings by the bytes of their UTF-8 text, as the contract sorts output rows
/// (Swift's `<` on String compares Unicode scalars canonically, which is not the same).
public func utf8Less(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
}

public func utf8Less(_ lhs: [String], _ rhs: [String]) -> Bool {
    for (left, right) in zip(lhs, rhs) where !left.utf8.elementsEqual(right.utf8) {
        return utf8Less(left, right)
    }
    return lhs.count < rhs.count
}
