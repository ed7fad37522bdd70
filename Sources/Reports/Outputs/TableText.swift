import CSVReading

/// CSV text of a machine-readable table: a header row, then rows sorted by every field left
/// to right in the byte order of their UTF-8 text.
enum TableText {
    static func csv(header: [String], rows: [[String]]) -> String {
        let keys = rows
        let order = keys.indices.sorted { utf8Less(keys[$0], keys[$1]) }
        var text = CSVText.line(header)
        for index in order { text += CSVText.line(rows[index]) }
        return text
    }
}
