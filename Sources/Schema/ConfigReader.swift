import CSVReading
import TOMLKit

/// Reads `govstats.toml`: TOMLKit parses the text, then every section and key is checked.
/// All problems are collected with the place they are written (TOMLKit keeps keys sorted, not
/// in source order) and the first in the text is thrown.
struct ConfigReader {
    private let locator: TOMLKeyLocator
    private var problems: [(position: TOMLKeyLocator.Position?, message: String)] = []

    static let encodings = ["auto"] + TextEncoding.allCases.map(\.rawValue)

    /// The keys of every dataset section; assessments add `assessmentKeys`, a built-in
    /// dataset its value lists, a declared one `declaredKeys`.
    static let datasetKeys = ["columns", "datetime_formats", "encoding", "years", "keep", "drop", "latest_by"]
    static let assessmentKeys = ["period_from", "compliant_when"]
    static let declaredKeys = ["kind", "title", "metrics"]
    static let reportKeys = ["city", "max_districts"]
    static let metricKeys = ["title", "where"]
    /// The most metrics a declared dataset may have (besides `count`).
    static let mostMetrics = 8
    static let complianceRuleKeys = ["score_at_least", "values"]

    /// Said after a TOML error at a character a bare key cannot hold (a Chinese header named
    /// as a key, unquoted): TOML's bare keys are ASCII letters, digits, `_` and `-`.
    /// `line`: the text of the line the error is on, where the key is looked for.
    static func bareKeyHint(_ message: String, line: Substring) -> String {
        guard message.contains("expected key") || message.contains("bare key"),
              let saw = message.ranges(of: "saw '").last,
              let character = message[saw.upperBound...].first, !character.isASCII,
              let start = line.firstIndex(of: character) else { return "" }
        let key = line[start...].prefix { !" \t=.,{}[]\"'".contains($0) }
        return " (a key that is not ASCII letters, digits, _ and - must be quoted: \"\(key)\" = …)"
    }

    static func parse(_ text: String, file: String) throws(ConfigError) -> GovStatsConfig {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let line = error.source.begin.line
            throw ConfigError(file: file, line: line > 0 ? line : nil, message: "malformed TOML: \(error.description)"
                + Self.bareKeyHint(error.description, line: line > 0 ? text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(line - 1).first ?? "" : ""))
        } catch {
            throw ConfigError(file: file, line: nil, message: "malformed TOML: \(error)")
        }
        var reader = ConfigReader(locator: TOMLKeyLocator(text))
        let config = reader.config(root)
        // Source order; a problem with no known place comes last.
        if let first = reader.problems.enumerated().min(by: { lhs, rhs in
            (lhs.element.position?.offset ?? .max, lhs.offset) < (rhs.element.position?.offset ?? .max, rhs.offset)
        }) {
            throw ConfigError(file: file, line: first.element.position?.line, message: first.element.message)
        }
        return config
    }

    private init(locator: TOMLKeyLocator) {
        self.locator = locator
    }

    private mutating func config(_ root: TOMLTable) -> GovStatsConfig {
        var config = GovStatsConfig()
        let builtIn = Dataset.builtIn.map(\.name)
        for name in root.keys {
            guard let value = root[name] else { continue }
            if name == "report" || name == "datasets" {
                guard let table = value.table else {
                    report([name], "\(name) must be a section [\(name)], not \(Self.describe(value.type))")
                    continue
                }
                if name == "report" { reportSection(table, into: &config) } else { declaredSections(table, into: &config) }
                continue
            }
            guard let dataset = Dataset.builtIn.first(where: { $0.name == name }) else {
                let sections = (builtIn + ["report", "datasets.<name>"]).map { "[\($0)]" }.joined(separator: ", ")
                if value.type == .table {
                    report([name], "unknown section [\(name)] (known: \(sections); a dataset of your own is declared as [datasets.\(name)])")
                } else {
                    report([name], "unknown key '\(name)' outside a section (sections: \(sections))")
                }
                continue
            }
            guard let table = value.table else {
                report([name], "\(name) must be a section [\(name)], not \(Self.describe(value.type))")
                continue
            }
            config.datasets[dataset] = settings(dataset, table, path: [name], skipping: [])
        }
        return config
    }

    /// `[report]`: `city`, `max_districts`.
    private mutating func reportSection(_ table: TOMLTable, into config: inout GovStatsConfig) {
        for key in table.keys {
            guard let value = table[key] else { continue }
            let path = ["report", key]
            switch key {
            case "city":
                guard let text = value.string else {
                    report(path, "city must be a string, not \(Self.describe(value.type))")
                    continue
                }
                let trimmed = String(ValueParser.trim(Substring(text)))
                if trimmed.isEmpty {
                    report(path, "city must not be empty")
                } else if let problem = ValueParser.textProblem(trimmed, isArea: true) {
                    report(path, "city: \(problem)")
                } else {
                    config.city = trimmed
                }
            case "max_districts":
                guard let number = value.int, number >= 1 else {
                    report(path, "max_districts must be a whole number of at least 1, not \(value.int.map(String.init) ?? Self.describe(value.type))")
                    continue
                }
                config.maxDistricts = number
            default:
                report(path, "unknown key '\(key)' in [report] (known: \(Self.reportKeys.joined(separator: ", ")))")
            }
        }
    }

    /// `[datasets.<name>]` sections.
    private mutating func declaredSections(_ table: TOMLTable, into config: inout GovStatsConfig) {
        for name in table.keys {
            guard let value = table[name] else { continue }
            let path = ["datasets", name]
            guard let section = value.table else {
                report(path, "datasets.\(name) must be a section [datasets.\(name)], not \(Self.describe(value.type))")
                continue
            }
            guard Dataset.isValidName(name) else {
                report(path, "dataset name '\(name)' must be lowercase letters, digits and _, starting with a letter")
                continue
            }
            guard !Dataset.builtIn.contains(where: { $0.name == name }) else {
                report(path, "[datasets.\(name)]: \(name) is a built-in dataset: configure it in its own section [\(name)]")
                continue
            }
            let title = words(path + ["title"], section["title"], what: "title")
            guard let kindValue = section["kind"] else {
                report(path, "[datasets.\(name)] needs kind = \"events\" or kind = \"assessments\"")
                continue
            }
            guard let kindText = kindValue.string, let kind = Dataset.Kind(rawValue: kindText) else {
                report(path + ["kind"], "kind must be \"events\" or \"assessments\", not \(kindValue.string.map { "'\($0)'" } ?? Self.describe(kindValue.type))")
                continue
            }
            let shown = title ?? Words(zh: name, en: name)
            var dataset: Dataset
            switch kind {
            case .events:
                let base = Dataset.declaredEvents(name: name, title: shown, metrics: [], settings: DatasetSettings())
                let metrics = section["metrics"].map { declaredMetrics(base, path + ["metrics"], $0) } ?? []
                dataset = Dataset.declaredEvents(name: name, title: shown, metrics: metrics, settings: DatasetSettings())
            case .assessments:
                dataset = Dataset.declaredAssessments(name: name, title: shown, settings: DatasetSettings())
                if section["metrics"] != nil {
                    report(path + ["metrics"], "metrics cannot apply: a dataset of kind \"assessments\" has compliance rates, not metrics")
                }
            }
            config.declared.append(dataset)
            config.datasets[dataset] = settings(dataset, section, path: path, skipping: Set(Self.declaredKeys))
        }
    }


    /// `{ zh = "…", en = "…" }`, both required.
    private mutating func words(_ path: [String], _ value: (any TOMLValueConvertible)?, what: String) -> Words? {
        let form = "\(what) = { zh = \"…\", en = \"…\" }"
        guard let value else {
            report(Array(path.dropLast()), "[\(path.dropLast().joined(separator: "."))] needs \(form)")
            return nil
        }
        guard let table = value.table else {
            report(path, "\(what) must be a table \(form), not \(Self.describe(value.type))")
            return nil
        }
        var texts: [String: String] = [:]
        for key in table.keys {
            guard key == "zh" || key == "en" else {
                report(path + [key], "unknown key '\(key)' in \(what) (known: zh, en)")
                continue
            }
            guard let text = table[key]?.string, !ValueParser.trim(Substring(text)).isEmpty else {
                report(path + [key], "\(what).\(key) must be a non-empty string")
                continue
            }
            texts[key] = String(ValueParser.trim(Substring(text)))
        }
        guard let zh = texts["zh"], let en = texts["en"] else {
            if table.keys.allSatisfy({ $0 == "zh" || $0 == "en" }) {
                report(path, "\(what) needs both zh and en: \(form)")
            }
            return nil
        }
        return Words(zh: zh, en: en)
    }

    /// `metrics.<name> = { title = { zh, en }, where = { column = [patterns] } }`.
    private mutating func declaredMetrics(_ dataset: Dataset, _ path: [String], _ value: any TOMLValueConvertible) -> [MetricDeclaration] {
        guard let table = value.table else {
            report(path, "metrics must be a table of <name> = { title = { … }, where = { … } }, not \(Self.describe(value.type))")
            return []
        }
        var metrics: [MetricDeclaration] = []
        for name in table.keys {
            guard let entry = table[name] else { continue }
            let metricPath = path + [name]
            guard Dataset.isValidName(name), name != "count" else {
                report(metricPath, name == "count"
                    ? "metric name 'count' is taken (every record): choose another"
                    : "metric name '\(name)' must be lowercase letters, digits and _, starting with a letter")
                continue
            }
            guard let spec = entry.table else {
                report(metricPath, "metrics.\(name) must be a table { title = { … }, where = { … } }, not \(Self.describe(entry.type))")
                continue
            }
            for key in spec.keys where !Self.metricKeys.contains(key) {
                report(metricPath + [key], "unknown key '\(key)' in metrics.\(name) (known: \(Self.metricKeys.joined(separator: ", ")))")
            }
            let title = words(metricPath + ["title"], spec["title"], what: "title")
            guard let whereValue = spec["where"] else {
                report(metricPath, "metrics.\(name) needs where = { column = [\"pattern\", …] }")
                continue
            }
            let conditions = filters(metricPath + ["where"], whereValue).compactMap { filter -> Metric.ConditionDeclaration? in
                guard let spec = dataset.column(named: filter.column), spec.type == .text, !dataset.keyColumns.contains(spec.name) else {
                    let known = dataset.columns.filter { $0.type == .text && !dataset.keyColumns.contains($0.name) }.map(\.name).joined(separator: ", ")
                    report(metricPath + ["where", filter.column], "metrics.\(name): where names '\(filter.column)', which is not a text column of \(dataset.name) that a metric can read (those are: \(known))")
                    return nil
                }
                return Metric.ConditionDeclaration(column: filter.column, patterns: filter.patterns)
            }
            if let title, !conditions.isEmpty { metrics.append(.matching(name, title, conditions: conditions)) }
        }
        // Trends count every set of metrics a record counts in: 2^metrics cells per place
        // and month.
        if table.keys.count > Self.mostMetrics {
            report(path, "at most \(Self.mostMetrics) metrics in a dataset, not \(table.keys.count): trends count each set of metrics a record is in, which doubles with every metric")
        }
        return metrics.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    private mutating func settings(_ dataset: Dataset, _ table: TOMLTable, path section: [String], skipping: Set<String>) -> DatasetSettings {
        let sectionName = section.joined(separator: ".")
        var settings = DatasetSettings()
        let lists = dataset.valueLists.map(\.key)
        for key in table.keys where !skipping.contains(key) {
            guard let value = table[key] else { continue }
            let path = section + [key]
            switch key {
            case "columns":
                settings.columns = columns(dataset, section, value)
            case "datetime_formats":
                settings.datetimeFormats = strings(path, value).compactMap { element, pattern in
                    do {
                        return try DatePattern(pattern)
                    } catch {
                        report(element, "datetime_formats: \(error)")
                        return nil
                    }
                }
            case "encoding":
                if let setting = encoding(path, value) { settings.encoding = setting }
            case "years":
                if let years = years(path, value) { settings.years = years }
            case "keep":
                settings.keep = filters(path, value)
            case "drop":
                settings.drop = filters(path, value)
            case "latest_by":
                settings.latestBy = latestBy(dataset, path, value)
            case "period_from" where dataset.kind == .assessments:
                let choices = ["year": Period.Kind.year, "half": .half, "quarter": .quarter]
                guard let text = value.string, let kind = choices[text] else {
                    report(path, "period_from must be \"year\", \"half\" or \"quarter\", not \(value.string.map { "'\($0)'" } ?? Self.describe(value.type))")
                    continue
                }
                settings.periodFrom = kind
            case "compliant_when" where dataset.kind == .assessments:
                settings.compliantWhen = compliantWhen(path, value)
            case _ where lists.contains(key):
                if let patterns = patternList(path, value) { settings.valueLists[key] = patterns }
            default:
                var known = Self.datasetKeys + lists
                if dataset.kind == .assessments { known += Self.assessmentKeys }
                if !skipping.isEmpty { known = Self.declaredKeys.filter { $0 != "metrics" || dataset.kind == .events } + known }
                report(path, "unknown key '\(key)' in [\(sectionName)] (known: \(known.joined(separator: ", ")))")
            }
        }
        return settings
    }

    /// A table of column = ["pattern", …] (`keep`, `drop`, a metric's `where`).
    private mutating func filters(_ path: [String], _ value: any TOMLValueConvertible) -> [RowFilter] {
        let key = path[path.count - 1]
        guard let table = value.table else {
            report(path, "\(key) must be a table of column = [\"pattern\", …], not \(Self.describe(value.type))")
            return []
        }
        var filters: [RowFilter] = []
        for column in table.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            guard let patterns = table[column] else { continue }
            let trimmed = String(ValueParser.trim(Substring(column)))
            guard !trimmed.isEmpty else {
                report(path + [column], "\(key): a column name must not be empty")
                continue
            }
            if let list = patternList(path + [column], patterns) { filters.append(RowFilter(column: trimmed, patterns: list)) }
        }
        return filters
    }

    /// An array of patterns, not empty, none empty.
    private mutating func patternList(_ path: [String], _ value: any TOMLValueConvertible) -> PatternList? {
        let elements = strings(path, value)
        if value.array?.isEmpty == true {
            // A filter's list is named with its key: `keep = { 警情类别 = [] }`.
            let filter = path.count >= 2 && ["keep", "drop"].contains(path[path.count - 2]) ? "\(path[path.count - 2]) for " : ""
            report(path, "\(filter)\(path[path.count - 1]) is an empty list, which no value matches: list at least one pattern, or remove the key to use the default")
            return nil
        }
        var patterns: [Pattern] = []
        for (element, text) in elements {
            if ValueParser.trim(Substring(text)).isEmpty {
                report(element, "\(path[path.count - 1]): an empty pattern matches no value (values are trimmed, and an empty one is missing)")
                continue
            }
            do { patterns.append(try Pattern(text)) } catch { report(element, "\(path[path.count - 1]): \(error)") }
        }
        return patterns.count == elements.count && !patterns.isEmpty ? PatternList(patterns) : nil
    }

    private mutating func latestBy(_ dataset: Dataset, _ path: [String], _ value: any TOMLValueConvertible) -> String? {
        let datetimes = dataset.columns.filter { $0.type == .datetime }.map(\.name)
        guard let name = value.string else {
            report(path, "latest_by must be the name of a datetime column (\(datetimes.joined(separator: ", "))), not \(Self.describe(value.type))")
            return nil
        }
        guard datetimes.contains(name) else {
            report(path, "latest_by = '\(name)' cannot apply: it must name a datetime column of \(dataset.name) (\(datetimes.joined(separator: ", ")))")
            return nil
        }
        return name
    }

    /// `{ score_at_least = N }` or `{ values = ["…"] }`.
    private mutating func compliantWhen(_ path: [String], _ value: any TOMLValueConvertible) -> ComplianceRule? {
        let form = "compliant_when must be { score_at_least = N } or { values = [\"pattern\", …] }"
        guard let table = value.table, table.keys.count == 1, let key = table.keys.first, let inner = table[key] else {
            report(path, form)
            return nil
        }
        switch key {
        case "score_at_least":
            let text: String? = if let number = inner.int { String(number) } else if let number = inner.double { String(number) } else { nil }
            let score = text.flatMap { text in Array(text.utf8).withUnsafeBufferPointer { ValueParser.score(utf8: $0) } }
            guard let score else {
                report(path + [key], "score_at_least must be a number from 0 to 100")
                return nil
            }
            return .scoreAtLeast(score)
        case "values":
            return patternList(path + [key], inner).map(ComplianceRule.values)
        default:
            report(path + [key], form)
            return nil
        }
    }

    private mutating func columns(_ dataset: Dataset, _ section: [String], _ value: any TOMLValueConvertible) -> [String: String] {
        guard let table = value.table else {
            report(section + ["columns"], "columns must be a table of column = \"header\", not \(Self.describe(value.type))")
            return [:]
        }
        var columns: [String: String] = [:]
        for name in table.keys {
            guard let header = table[name] else { continue }
            let path = section + ["columns", name]
            guard dataset.column(named: name) != nil else {
                let known = dataset.columns.map(\.name).joined(separator: ", ")
                report(path, "unknown column '\(name)' in [\(section.joined(separator: "."))] columns (known: \(known))")
                continue
            }
            guard let text = header.string else {
                report(path, "columns: the header for '\(name)' must be a string, not \(Self.describe(header.type))")
                continue
            }
            let trimmed = ValueParser.trim(Substring(text))
            guard !trimmed.isEmpty else {
                report(path, "columns: the header for '\(name)' must not be empty")
                continue
            }
            columns[name] = String(trimmed)
        }
        // One header for two canonical columns: a mapping mistake that would publish wrong figures.
        for name in columns.keys.sorted() {
            let header = columns[name]!.lowercased()
            for other in dataset.columns where other.name != name {
                let names = (columns[other.name].map { [$0] } ?? [other.name] + other.aliases)
                if names.contains(where: { ValueParser.trim(Substring($0)).lowercased() == header }) {
                    report(section + ["columns", name], "columns: header '\(columns[name]!)' would be read as both '\(name)' and '\(other.name)': map each column to a header of its own")
                    break
                }
            }
        }
        return columns
    }

    /// The strings of an array, each with the path of its element.
    private mutating func strings(
        _ path: [String], _ value: any TOMLValueConvertible
    ) -> [(element: [TOMLKeyLocator.Segment], text: String)] {
        let key = path[path.count - 1]
        guard let array = value.array else {
            report(path, "\(key) must be an array of strings, not \(Self.describe(value.type))")
            return []
        }
        var strings: [(element: [TOMLKeyLocator.Segment], text: String)] = []
        for (index, element) in array.enumerated() {
            let elementPath = path.map(TOMLKeyLocator.Segment.key) + [.element(index)]
            guard let text = element.string else {
                report(elementPath, "\(key) must be an array of strings, not an array holding \(Self.describe(element.type))")
                continue
            }
            strings.append((elementPath, text))
        }
        return strings
    }

    private mutating func encoding(_ path: [String], _ value: any TOMLValueConvertible) -> EncodingSetting? {
        let choices = Self.encodings.joined(separator: ", ")
        guard let name = value.string else {
            report(path, "encoding must be a string (one of \(choices)), not \(Self.describe(value.type))")
            return nil
        }
        let lowered = name.lowercased()
        if lowered == "auto" { return .auto }
        if let encoding = TextEncoding(rawValue: lowered) { return .fixed(encoding) }
        // GB18030 holds GBK and GB2312: exports said to be in them are read as GB18030.
        let subset = ["gbk", "gb2312", "cp936", "gb-2312"].contains(lowered) ? " (gb18030 reads \(name) files: write encoding = \"gb18030\")" : ""
        report(path, "encoding must be one of \(choices), not '\(name)'\(subset)")
        return nil
    }

    /// `years = [1990, 2030]`: the first and the last year a date or period may fall in.
    private mutating func years(_ path: [String], _ value: any TOMLValueConvertible) -> ClosedRange<Int>? {
        let form = "an array of two whole numbers, the first and the last year read (as [1990, 2030])"
        guard let array = value.array else {
            report(path, "years must be \(form), not \(Self.describe(value.type))")
            return nil
        }
        guard array.count == 2 else {
            report(path, "years must be \(form), not an array of \(array.count)")
            return nil
        }
        var bounds: [Int] = []
        for (index, element) in array.enumerated() {
            let elementPath = path.map(TOMLKeyLocator.Segment.key) + [.element(index)]
            guard let year = element.int else {
                report(elementPath, "years must be \(form), not an array holding \(Self.describe(element.type))")
                return nil
            }
            guard (1...9999).contains(year) else {
                report(elementPath, "years: \(year) is not a year from 1 to 9999")
                return nil
            }
            bounds.append(year)
        }
        guard bounds[0] <= bounds[1] else {
            report(path, "years: the first year, \(bounds[0]), is after the last, \(bounds[1])")
            return nil
        }
        return bounds[0]...bounds[1]
    }

    private mutating func report(_ path: [String], _ message: String) {
        report(path.map(TOMLKeyLocator.Segment.key), message)
    }

    private mutating func report(_ path: [TOMLKeyLocator.Segment], _ message: String) {
        problems.append((locator.position(of: path), message))
    }

    private static func describe(_ type: TOMLType) -> String {
        switch type {
        case .table: "a table"
        case .array: "an array"
        case .string: "a string"
        case .int: "an integer"
        case .double: "a floating-point number"
        case .bool: "a boolean"
        case .date: "a date"
        case .time: "a time"
        case .dateTime: "a date-time"
        }
    }
}

extension GovStatsConfig {
    /// Every key `govstats.toml` accepts, by where it goes (the reference lists them all).
    public static var acceptedKeys: [(section: String, keys: [String])] {
        [
            ("every dataset", ConfigReader.datasetKeys),
            ("assessments", ConfigReader.assessmentKeys),
            ("[datasets.<name>]", ConfigReader.declaredKeys),
            ("metrics.<name>", ConfigReader.metricKeys),
            ("compliant_when", ConfigReader.complianceRuleKeys),
            ("[report]", ConfigReader.reportKeys),
        ] + Dataset.builtIn.filter { !$0.valueLists.isEmpty }.map { ("[\($0.name)]", $0.valueLists.map(\.key)) }
    }
}
