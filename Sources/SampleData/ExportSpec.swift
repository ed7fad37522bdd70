import CSVReading

/// One export file of a dataset: its name, the days (or periods) it covers, and the forms
/// it writes them in. Exports of one dataset overlap, so a record near the boundary arrives
/// twice; the later export may have revised it.
struct ExportSpec<Column: Sendable>: Sendable {
    let name: String
    let span: DaySpan
    var encoding: TextEncoding = .utf8
    var byteOrderMark = false
    var lineEnding: ExportFile.LineEnding = .lf
    var finalLineBreak = true
    /// Datetime forms with their weights; one entry means every row.
    var dateTimeStyles: [(DateTimeStyle, Int)] = [(.seconds, 1)]
    /// Some values padded with white space (a leading space, a trailing U+3000), which the
    /// contract trims.
    var paddedValues = false
    let columns: [(Column, String)]

    init(name: String, span: DaySpan, columns: [(Column, String)]) {
        self.name = name
        self.span = span
        self.columns = columns
    }

    func with(_ change: (inout Self) -> Void) -> Self {
        var copy = self
        change(&copy)
        return copy
    }

    func writeHeader(_ file: ExportFile) throws(SampleDataError) {
        try file.beginRow()
        for (_, header) in columns { file.field(text: header) }
        file.endLine()
    }

    /// Draws like `SplitMix64.pick`, without building an array per row.
    func style(using rng: inout SplitMix64) -> DateTimeStyle {
        if dateTimeStyles.count == 1 { return dateTimeStyles[0].0 }
        var total = 0
        for (_, weight) in dateTimeStyles { total += weight }
        var target = rng.below(total)
        for (style, weight) in dateTimeStyles {
            if target < weight { return style }
            target -= weight
        }
        return dateTimeStyles[dateTimeStyles.count - 1].0
    }
}
