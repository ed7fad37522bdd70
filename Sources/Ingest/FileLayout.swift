import Schema

/// Where each of a dataset's canonical columns stands in one file, from its header row.
public struct FileLayout: Equatable, Sendable {
    public let dataset: DatasetKind
    /// The header's field count: every data row must have as many.
    public let fieldCount: Int
    /// For each column of `dataset.columns` (same order), its field index, or nil if absent.
    public let fieldIndex: [Int?]

    /// Matches header names (trimmed, case-insensitive) against each column's canonical
    /// name, its aliases and the header named for it in `govstats.toml`. The first header
    /// that matches a column wins; unknown headers are ignored.
    public init(dataset: DatasetKind, header: [String], settings: DatasetSettings) {
        self.dataset = dataset
        self.fieldCount = header.count
        let names = header.map { ValueParser.trim($0[...]).lowercased() }
        fieldIndex = dataset.columns.map { spec in
            var accepted = [spec.name] + spec.aliases
            if let configured = settings.columns[spec.name] { accepted.append(configured) }
            let wanted = Set(accepted.map { ValueParser.trim($0[...]).lowercased() })
            return names.firstIndex { wanted.contains($0) }
        }
    }

    /// Required columns that no header names, in table order.
    public var missingRequired: [String] {
        zip(dataset.columns, fieldIndex).compactMap { spec, index in
            spec.required && index == nil ? spec.name : nil
        }
    }
}
