import Schema

/// Where each of a dataset's canonical columns stands in one file, from its header row.
package struct FileLayout: Equatable, Sendable {
    package let dataset: Dataset
    /// The header's field count: every data row must have as many.
    package let fieldCount: Int
    /// For each column of `dataset.columns` (same order), its field index, or nil if absent.
    package let fieldIndex: [Int?]
    /// Columns that more than one header could be, in table order: the file is refused
    /// rather than read from a guess.
    package let ambiguous: [Ambiguity]
    /// The fields `keep` and `drop` read, in the order of the settings; nil where the file
    /// has no such column (the file is then refused).
    package let keepFields: [Int?]
    package let dropFields: [Int?]
    let keepNames: [String]
    let dropNames: [String]
    /// The header as written, trimmed.
    let header: [String]
    /// The separator that a header of one field seems to use instead of commas.
    let otherSeparator: Character?
    /// The header's names, trimmed and lowercased.
    let headerNames: [String]

    package struct Ambiguity: Equatable, Sendable {
        package let column: String
        /// The candidate headers' positions, 1-based.
        package let positions: [Int]
    }

    /// Matches header names (trimmed, case-insensitive) against each column's canonical
    /// name, its aliases and the header named for it in `govstats.toml`. The header named
    /// in `govstats.toml` wins when the file has it; otherwise the name and the aliases
    /// must match one header only (two are `ambiguous`). Unknown headers are ignored.
    package init(dataset: Dataset, header: [String], settings: DatasetSettings) {
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
            // A column worked out from others (period_from, compliant_when) is not read.
            if spec.derivation != nil { return nil }
            var found = settings.columns[spec.name].map { matches([$0]) } ?? []
            if found.isEmpty { found = matches([spec.name] + spec.aliases) }
            if found.count > 1 { ambiguous.append(Ambiguity(column: spec.name, positions: found.map { $0 + 1 })) }
            return found.first
        }
        self.ambiguous = ambiguous
        self.header = header.map { String(ValueParser.trim($0[...])) }
        // A filter's column: the canonical column where the file has it, else a header as written.
        let fieldIndex = fieldIndex
        func field(_ filter: RowFilter) -> Int? {
            if let column = dataset.columnIndex(filter.column), let index = fieldIndex[column] { return index }
            return matches([filter.column]).first
        }
        keepFields = settings.keep.map(field)
        dropFields = settings.drop.map(field)
        keepNames = settings.keep.map(\.column)
        dropNames = settings.drop.map(\.column)
        // A header of one field that holds another common separator: an export with
        // semicolons (European spreadsheets), tabs or bars between its fields, or full-width
        // commas or semicolons (typed with a Chinese input method).
        otherSeparator = header.count == 1 ? ["\t", ";", "|", "，", "；"].first { header[0].contains($0) } : nil
    }

    /// Whether `fields` are the header again (compared as header names are), as when
    /// exports are joined into one file each with its header.
    package func isHeader(_ fields: [String]) -> Bool {
        fields.count == headerNames.count && zip(fields, headerNames).allSatisfy { ValueParser.trim($0[...]).lowercased() == $1 }
    }

    /// Why the file is refused from its header alone (nil: it is read): required columns
    /// missing, a column named by `keep` or `drop` missing, or columns more than one header
    /// could be. A missing required column is shown with the file's own header and the
    /// `columns = { … }` line that would map it.
    package var refusal: String? {
        let missing = missingRequired
        if !missing.isEmpty {
            let names = missing.map { "'\($0)'" }.joined(separator: ", ")
            var text = "missing required \(missing.count == 1 ? "column" : "columns") \(names)"
            if let separator = otherSeparator {
                let named = switch separator {
                case "\t": "tabs"
                case "，": "'，' (full-width commas)"
                case "；": "'；' (full-width semicolons)"
                default: "'\(separator)'"
                }
                text += ": the header is one field with \(named) in it, and fields must be separated by commas"
            } else {
                text += mappingAdvice(missing)
            }
            return text
        }
        let unfound = zip(keepNames, keepFields).filter { $0.1 == nil }.map { ("keep", $0.0) }
            + zip(dropNames, dropFields).filter { $0.1 == nil }.map { ("drop", $0.0) }
        if let (key, column) = unfound.first {
            return "no column '\(column)' for \(key) in govstats.toml (neither a column of \(dataset.name) nor a header of this file: \(shownHeader))"
        }
        guard !ambiguous.isEmpty else { return nil }
        let cases = ambiguous.prefix(5).map { ambiguity in
            let positions = ambiguity.positions.map(String.init)
            let listed = inWords(positions, over: 10, showing: 8)
            return "header columns \(listed) could each be '\(ambiguity.column)'"
        }
        let more = ambiguous.count > 5 ? "; and \(ambiguous.count - 5) more columns" : ""
        return cases.joined(separator: "; ") + more + ": name the one to read under columns in govstats.toml, or keep one"
    }

    /// The header as written, cut to a readable length.
    var shownHeader: String {
        let shown = header.prefix(20).joined(separator: ", ")
        return header.count > 20 ? shown + " and \(header.count - 20) more" : shown
    }

    /// `: the header is …; map it in govstats.toml: [section] columns = { column = "Header" }`,
    /// with a header guessed for each missing column where one fits (`HeaderGuess`).
    private func mappingAdvice(_ missing: [String]) -> String {
        let section = dataset.isBuiltIn ? dataset.name : "datasets.\(dataset.name)"
        let taken = Set(fieldIndex.compactMap { $0 })
        let free = header.indices.filter { !taken.contains($0) }.map { header[$0] }
        var used: Set<String> = []
        let pairs = missing.map { name -> String in
            let spec = dataset.column(named: name)!
            let guess = HeaderGuess.best(for: spec, among: free.filter { !used.contains($0) })
            if let guess { used.insert(guess) }
            return "\(name) = \"\(guess ?? "<header>")\""
        }
        let mapped = (dataset.settings.columns.sorted { $0.key < $1.key }.map { "\($0.key) = \"\($0.value)\"" }) + pairs
        return " (the header is: \(shownHeader)); if the file has it under another name, say so in govstats.toml, in its [\(section)] section: columns = { \(mapped.joined(separator: ", ")) }"
    }

    /// Required columns that no header names, in table order.
    package var missingRequired: [String] {
        zip(dataset.columns, fieldIndex).compactMap { spec, index in
            spec.required && index == nil ? spec.name : nil
        }
    }
}
