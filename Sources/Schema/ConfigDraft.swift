/// A draft `govstats.toml` for `govstats init`, from each dataset's header and a sample of
/// its rows: guessed column mappings, guessed `datetime_formats`, the most frequent values
/// of the columns that feed value lists, and of other columns with few values (for `keep`
/// and `drop`), as comments. A pure function of its input; the draft always parses.
public enum ConfigDraft {
    /// What was read of one dataset's files.
    public struct Sample: Sendable {
        /// The dataset, built-in or a draft declaration named after its folder.
        public let dataset: Dataset
        /// Files read, relative to the data folder.
        public let files: [String]
        /// The first file's header, as written.
        public let header: [String]
        /// Rows read, fields as written (rows of another width are left out).
        public let rows: [[String]]

        public init(dataset: Dataset, files: [String], header: [String], rows: [[String]]) {
            self.dataset = dataset
            self.files = files
            self.header = header
            self.rows = rows
        }
    }

    /// The date patterns tried on values the built-in forms do not read.
    static let candidatePatterns = [
        "M/d/yyyy h:mm:ss a", "M/d/yyyy h:mm a", "M/d/yyyy H:mm:ss", "M/d/yyyy H:mm", "M/d/yyyy",
        "d/M/yyyy H:mm:ss", "d/M/yyyy H:mm", "d/M/yyyy", "d.M.yyyy H:mm", "d.M.yyyy", "M/d/yy",
        "yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss.SSSSSS", "yyyy-MM-dd HH:mm:ss.SSS",
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM", "yyyy/M", "yyyyMMdd", "yyyyMMddHHmmss",
        "yyyy年M月d日 H:mm:ss", "yyyy年M月d日 H:mm", "yyyy年M月d日", "yyyy年M月",
        "d-MMM-yyyy", "d MMM yyyy", "MMM d yyyy", "d-MMM-yy",
    ].map { try! DatePattern($0) }

    /// How many frequent values a comment lists.
    static let shownValues = 12

    /// The draft's text. `folder` names the data folder in its opening comment.
    public static func text(_ samples: [Sample], folder: String) -> String {
        let files = samples.reduce(0) { $0 + $1.files.count }
        let rows = samples.reduce(0) { $0 + $1.rows.count }
        var lines = [
            "# govstats.toml drafted by `govstats init` from the exports in \(folder)",
            "# (\(files) \(files == 1 ? "file" : "files"), \(rows) rows sampled). Every guess is marked: check it, then run",
            "# `govstats validate` to see what becomes of the rows. Every key: docs/reference.md.",
            "",
            "[report]",
            "# city = \"全市\"                # the name of the city level of areas in every output",
        ]
        for sample in samples {
            lines.append("")
            lines += section(sample)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func section(_ sample: Sample) -> [String] {
        var dataset = sample.dataset
        var lines: [String] = []
        // Assessments dated by inspection, scored: the period and compliance worked out.
        var rules: [String] = []
        if dataset.kind == .assessments {
            let plain = Match(dataset: dataset, header: sample.header)
            var settings = DatasetSettings()
            if plain.fields[AssessmentColumns.period] == nil && plain.fields[AssessmentColumns.assessedAt] != nil {
                settings.periodFrom = .year
                settings.latestBy = AssessmentColumns.assessedAt
                rules.append("period_from = \"year\"   # guessed: no period column, so the period is the year of assessed_at (or half, quarter)")
                rules.append("latest_by = \"assessed_at\"   # of several assessments of a unit in a period, the latest stands")
            }
            if plain.fields[AssessmentColumns.compliant] == nil && plain.fields[AssessmentColumns.score] != nil {
                settings.compliantWhen = .scoreAtLeast(ExactDecimal(canonical: "70"))
                rules.append("compliant_when = { score_at_least = 70 }   # guessed threshold: set the pass mark")
            }
            dataset = dataset.configured(with: settings)
        }
        if dataset.isBuiltIn {
            lines.append("[\(dataset.name)]")
        } else {
            lines.append("[datasets.\(dataset.name)]")
            lines.append("kind = \"\(dataset.kind.rawValue)\"          # guessed: \"events\" are counted per period, \"assessments\" give compliance rates")
            lines.append("title = { zh = \(quoted(dataset.name)), en = \(quoted(dataset.name)) }   # name it in both languages")
        }
        lines.append("# files: " + shortList(sample.files.map { quoted($0) }, total: sample.files.count))
        lines.append("# header: " + sample.header.map(quoted).joined(separator: ", "))

        let match = Match(dataset: dataset, header: sample.header)
        let mapped = match.guessed.map { "\($0.column) = \(quoted($0.header))" }
        if !mapped.isEmpty {
            lines.append("columns = { \(mapped.joined(separator: ", ")) }   # guessed: check each")
        }
        for spec in dataset.columns where spec.derivation == nil {
            if let index = match.fields[spec.name], !match.guessed.contains(where: { $0.column == spec.name }) {
                lines.append("# \(spec.name): read from \(quoted(sample.header[index])) (its name or an alias)")
            } else if match.fields[spec.name] == nil {
                lines.append(spec.required
                    ? "# TODO \(spec.name) (required): no header found; add \(spec.name) = \"<header>\" to columns"
                    : "# \(spec.name) (optional): no header found")
            }
        }

        if let dateColumn = dataset.columns.first(where: { $0.type == .datetime && match.fields[$0.name] != nil }) {
            let index = match.fields[dateColumn.name]!
            let values = sample.rows.map { $0[index] }.map { String(ValueParser.trim($0[...])) }.filter { !$0.isEmpty }
            lines += dateFormats(values, header: sample.header[index])
        }

        var described: Set<Int> = []
        for setting in dataset.valueLists {
            if let index = match.fields[setting.column] {
                described.insert(index)
                lines.append("# most frequent values of \(setting.column) (\(quoted(sample.header[index]))): " + frequent(sample.rows, index))
            }
            lines.append("# \(setting.key) = \(list(setting.defaults))   # the default; patterns such as \"THEFT*\" match many values")
        }
        if !dataset.isBuiltIn, let column = dataset.breakdownColumn, let index = match.fields[column] {
            described.insert(index)
            lines.append("# most frequent values of category (\(quoted(sample.header[index]))): " + frequent(sample.rows, index))
            lines.append("# metrics.<name> = { title = { zh = \"…\", en = \"…\" }, where = { category = [\"<pattern>\", …] } }")
        }
        if dataset.kind == .assessments {
            lines += assessmentValues(sample, match)
            lines += rules
            if rules.isEmpty {
                lines.append("# period_from = \"year\"   # to derive the period from assessed_at: year, half or quarter")
                lines.append("# compliant_when = { score_at_least = 70 }   # or { values = [\"Pass\", \"Pass*\"] }")
            }
        }
        // Other columns of few values: what keep and drop could filter on.
        let used = Set(match.fields.values)
        for index in sample.header.indices where !used.contains(index) && !described.contains(index) {
            let distinct = Set(sample.rows.map { String(ValueParser.trim($0[index][...])) }.filter { !$0.isEmpty })
            // Few values, each repeated: not an identifier or free text.
            guard !distinct.isEmpty, distinct.count <= 30, distinct.count * 2 <= sample.rows.count else { continue }
            lines.append("# values of \(quoted(sample.header[index])), for keep or drop: " + frequent(sample.rows, index))
        }
        lines.append("# keep = { \"<column>\" = [\"<pattern>\"] }   # only rows matching; drop = { … } leaves rows out")
        return lines
    }

    /// The canonical columns found in a header: by name and alias as a file is read, then
    /// by `HeaderGuess` among the headers left.
    struct Match {
        /// canonical column -> field index
        var fields: [String: Int] = [:]
        var guessed: [(column: String, header: String)] = []

        init(dataset: Dataset, header: [String]) {
            let names = header.map { ValueParser.trim($0[...]).lowercased() }
            var taken: Set<Int> = []
            for spec in dataset.columns where spec.derivation == nil {
                let wanted = Set(([spec.name] + spec.aliases).map { $0.lowercased() })
                if let index = names.indices.first(where: { wanted.contains(names[$0]) && !taken.contains($0) }) {
                    fields[spec.name] = index
                    taken.insert(index)
                }
            }
            // The best fit of all first, required columns before optional ones; ties in
            // table order, then header order.
            var open = dataset.columns.filter { $0.derivation == nil && fields[$0.name] == nil }
            while true {
                var best: (spec: Int, index: Int, score: Int)?
                for (position, spec) in open.enumerated() {
                    for index in header.indices where !taken.contains(index) {
                        let fit = HeaderGuess.score(header[index], spec)
                        guard fit > 0 else { continue }
                        let score = fit + (spec.required ? 10_000 : 0)
                        if score > (best?.score ?? 0) { best = (position, index, score) }
                    }
                }
                guard let best else { break }
                let spec = open.remove(at: best.spec)
                fields[spec.name] = best.index
                taken.insert(best.index)
                guessed.append((spec.name, String(ValueParser.trim(header[best.index][...]))))
            }
            let order = dataset.columns.map(\.name)
            guessed.sort { order.firstIndex(of: $0.column)! < order.firstIndex(of: $1.column)! }
        }
    }

    /// TODOs for an assessments export whose periods or compliance values the built-in forms
    /// do not read (`2017年上半年`, `√`): a period cannot be read from another form, and which
    /// values mean compliant only the user can say.
    static func assessmentValues(_ sample: Sample, _ match: Match) -> [String] {
        var lines: [String] = []
        func values(_ index: Int) -> [String] {
            sample.rows.map { String(ValueParser.trim($0[index][...])) }.filter { !$0.isEmpty }
        }
        if let index = match.fields[AssessmentColumns.period] {
            let all = values(index)
            let unread = all.filter { ValueParser.period($0[...]) == nil }
            if let example = unread.first {
                lines.append("# TODO: \(unread.count) of \(all.count) values of \(quoted(sample.header[index])) are not periods (YYYY, YYYYH1..H2 or YYYYQ1..Q4), such as \(quoted(example)), which no setting reads: the export must write them so, or give each assessment's date (assessed_at) and set period_from")
            }
        }
        if let index = match.fields[AssessmentColumns.compliant] {
            let unread = sample.rows.filter { row in
                let value = ValueParser.trim(row[index][...])
                return !value.isEmpty && ValueParser.boolean(value) == nil
            }
            if !unread.isEmpty {
                lines.append("# TODO: values of \(quoted(sample.header[index])) that are not yes/no: \(frequent(unread, index)); name the compliant ones: compliant_when = { values = [\"<compliant value>\"] }")
            }
        }
        return lines
    }

    /// `datetime_formats` that read the values the built-in forms do not, chosen greedily.
    static func dateFormats(_ values: [String], header: String) -> [String] {
        var unread = values.filter { ValueParser.dateTime($0[...]) == nil }
        guard !unread.isEmpty else {
            return values.isEmpty ? [] : ["# \(quoted(header)): dates in a built-in form, no datetime_formats needed"]
        }
        let total = unread.count
        var chosen: [DatePattern] = []
        while !unread.isEmpty && chosen.count < 3 {
            let scored = candidatePatterns.map { pattern in (pattern, unread.filter { pattern.parse($0[...]) != nil }.count) }
            guard let best = scored.max(by: { $0.1 < $1.1 }), best.1 > 0 else { break }
            chosen.append(best.0)
            unread.removeAll { best.0.parse($0[...]) != nil }
        }
        var lines: [String] = []
        if !chosen.isEmpty {
            lines.append("datetime_formats = \(list(chosen.map(\.pattern)))   # guessed from \(total - unread.count) of \(total) values of \(quoted(header))")
        }
        // Day and month both 12 or less in every value read: month first and day first both
        // fit, and give other dates. The draft keeps the first; the user must say which.
        for pattern in chosen {
            let read = values.filter { pattern.parse($0[...]) != nil }
            for other in candidatePatterns where other != pattern && read.allSatisfy({ other.parse($0[...]) != nil }) {
                guard let example = read.first(where: { other.parse($0[...]) != pattern.parse($0[...]) }) else { continue }
                lines.append("# TODO: every value of \(quoted(header)) read by \(quoted(pattern.pattern)) also fits \(quoted(other.pattern)), which reads them as other dates (\(quoted(example)): \(pattern.parse(example[...])!.date) or \(other.parse(example[...])!.date)); keep the one your export uses")
                break
            }
        }
        // Full-width digits: no pattern reads them, so none is asked for.
        let fullWidth = unread.filter(ValueParser.holdsFullWidthDigits)
        unread.removeAll(where: ValueParser.holdsFullWidthDigits)
        if let example = unread.first {
            let values = unread.count == 1 ? "1 value of \(quoted(header)) fits" : "\(unread.count) values of \(quoted(header)) fit"
            lines.append("# TODO: \(values) no known form, such as \(quoted(example)): add a pattern")
        }
        if let example = fullWidth.first {
            let values = fullWidth.count == 1 ? "1 value of \(quoted(header)) holds" : "\(fullWidth.count) values of \(quoted(header)) hold"
            lines.append("# TODO: \(values) full-width digits, such as \(quoted(example)), which no pattern reads: the export must write digits as 0-9")
        }
        return lines
    }

    /// `"a" (12), "b" (3)`: the most frequent trimmed values, commonest first.
    static func frequent(_ rows: [[String]], _ index: Int) -> String {
        var counts: [String: Int] = [:]
        for row in rows {
            let value = String(ValueParser.trim(row[index][...]))
            if !value.isEmpty { counts[value, default: 0] += 1 }
        }
        let sorted = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        let shown = sorted.prefix(shownValues).map { "\(quoted($0.key)) (\($0.value))" }
        return shortList(shown, total: sorted.count)
    }

    static func shortList(_ items: [String], total: Int) -> String {
        let shown = items.prefix(shownValues).joined(separator: ", ")
        return total > shownValues ? shown + " and \(total - shownValues) more" : shown
    }

    static func list(_ values: [String]) -> String {
        "[" + values.map(quoted).joined(separator: ", ") + "]"
    }

    /// A TOML basic string.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
