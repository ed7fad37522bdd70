/// A row that must be rejected, written as text in the export's column order; `extra`
/// fields follow, making the field count wrong.
struct BadRow<Column: Hashable & Sendable>: Sendable {
    let file: Int
    /// Written after the records of this day.
    let afterDay: Int
    let values: [Column: String]
    var extra: [String] = []
    /// What the pipeline should say, for the README and the tests.
    let reason: String

    func write(_ file: ExportFile, spec: ExportSpec<Column>) throws(SampleDataError) {
        try file.beginRow()
        for (column, _) in spec.columns { file.field(text: values[column] ?? "") }
        for field in extra { file.field(text: field) }
        file.endRow()
    }
}
