import Schema

/// Where each of a dataset's canonical columns stands in one file, from its header row.
public struct FileLayout: Equatable, Sendable {
    public let dataset: DatasetKind
    /// The header's field count: every data row must have as many.
    public let fieldCount: Int
    /// For each column of `dataset.columns` (same order), its field index, or nil if absent.
    public let fieldIndex: [Int?]
    /// Columns that more than one header could be, in table order: the file is refused
    /// rather than read from a guess.
    public let ambiguous: [Ambiguity]
    /// The separator that a header of one field seems to use instead of commas.
    let otherSeparator: Character?
    /// The header's names, trimmed and lowercased.
    let headerNames: [String]

    public struct Ambiguity: Equatable, Sendable {
        public let column: String
        /// The candidate headers' positions, 1-based.
        public let positions: [Int]
    }

    /// Matches header names (trimmed, case-insensitive) against each column's canonical
    /// name, its aliases and the header named for it in `govstats.toml`. The header named
    /// in `govstats.toml` wins when the file has it; otherwise the name and the aliases
    /// must match one header only (two are `ambiguous`). Unknown headers are ignored.
    public init(dataset: DatasetKind, header: [String], settings: DatasetSettings) {
        self.dataset = dataset
        self.fieldCount = header.count
        let names = header.map { ValueParser.trim($0[...]).lowercased() }
        headerNames = names
        func matches(_ accepted: [String]) -> [Int] {
            let wanted = Set(accepted.map { ValueParser.trim($0[...]).lowercased() })
            return names.indices.filter { wanted.contains(names[$0]) }
        }
        var ambiguous: [Ambiguity] = []
        fieldIndex = dataset.columns.map { spec in
            var found = settings.columns[spec.name].map { matches([$0]) } ?? []
            if found.isEmpty { found = matches([spec.name] + spec.aliases) }
            if found.count > 1 { ambiguous.append(Ambiguity(column: spec.name, positions: found.map { $0 + 1 })) }
            return found.first
        }
        self.ambiguous = ambiguous
        // A header of one field that holds another common separator: an export with
        // semicolons (European spreadsheets), tabs or bars between its fields.
        otherSeparator = header.count == 1 ? ["\t", ";", "|"].first { header[0].contains($0) } : nil
    }

    /// Whether `fields` are the header again (compared as header names are), as when
    /// exports are joined into one file each with its header.
    public func isHeader(_ fields: [String]) -> Bool {
        fields.count == headerNames.count && zip(fields, headerNames).allSatisfy { ValueParser.trim($0[...]).lowercased() == $1 }
    }

    /// Why the file is refused from its header alone (nil: it is read): required columns
    /// missing, or columns more than one header could be.
    public var refusal: String? {
        let missing = missingRequired
        if !missing.isEmpty {
            let names = missing.map { "'\($0)'" }.joined(separator: ", ")
            var text = "missing required \(missing.count == 1 ? "column" : "columns") \(names)"
            if let separator = otherSeparator {
                let named = separator == "\t" ? "tabs" : "'\(separator)'"
                text += ": the header is one field with \(named) in it, and fields must be separated by commas"
            }
            return text
        }
        guard !ambiguous.isEmpty else { return nil }
        let cases = ambiguous.map { ambiguity in
            let positions = ambiguity.positions.map(String.init)
            let listed = positions.dropLast().joined(separator: ", ") + " and " + positions.last!
            return "header columns \(listed) could each be '\(ambiguity.column)'"
        }
        return cases.joined(separator: "; ") + ": name the one to read under columns in govstats.toml, or keep one"
    }

    /// Required columns that no header names, in table order.
    public var missingRequired: [String] {
        zip(dataset.columns, fieldIndex).compactMap { spec, index in
            spec.required && index == nil ? spec.name : nil
        }
    }
}
