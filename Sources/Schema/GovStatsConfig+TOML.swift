import CSVReading
import TOMLKit

/// Reads `govstats.toml`: TOMLKit parses the text, then every section and key is checked.
/// All problems are collected with the place they are written (TOMLKit keeps keys sorted, not
/// in source order) and the first in the text is thrown.
struct ConfigReader {
    private let locator: TOMLKeyLocator
    private var problems: [(position: TOMLKeyLocator.Position?, message: String)] = []

    static let encodings = ["auto"] + TextEncoding.allCases.map(\.rawValue)

    static func parse(_ text: String, file: String) throws(ConfigError) -> GovStatsConfig {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let line = error.source.begin.line
            throw ConfigError(file: file, line: line > 0 ? line : nil, message: "malformed TOML: \(error.description)")
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
        for name in root.keys {
            guard let value = root[name] else { continue }
            guard let kind = DatasetKind(rawValue: name) else {
                if value.type == .table {
                    let known = DatasetKind.allCases.map(\.rawValue).joined(separator: ", ")
                    report([name], "unknown dataset [\(name)] (known: \(known))")
                } else {
                    let sections = DatasetKind.allCases.map { "[\($0.rawValue)]" }.joined(separator: ", ")
                    report([name], "unknown key '\(name)' outside a dataset section (sections: \(sections))")
                }
                continue
            }
            guard let table = value.table else {
                report([name], "\(name) must be a section [\(name)], not \(Self.describe(value.type))")
                continue
            }
            config.datasets[kind] = settings(kind, table)
        }
        return config
    }

    private mutating func settings(_ kind: DatasetKind, _ table: TOMLTable) -> DatasetSettings {
        let section = kind.rawValue
        var settings = DatasetSettings()
        for key in table.keys {
            guard let value = table[key] else { continue }
            let path = [section, key]
            switch key {
            case "columns":
                settings.columns = columns(kind, value)
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
            case "theft_categories" where kind == .alarmCalls:
                settings.theftCategories = strings(path, value).map(\.text)
            case "alarm_call_types" where kind == .alarmCalls:
                settings.alarmCallTypes = strings(path, value).map(\.text)
            case "cleared_statuses" where kind == .burglaryReports:
                settings.clearedStatuses = strings(path, value).map(\.text)
            default:
                report(path, "unknown key '\(key)' in [\(section)]")
            }
        }
        return settings
    }

    private mutating func columns(_ kind: DatasetKind, _ value: any TOMLValueConvertible) -> [String: String] {
        let section = kind.rawValue
        guard let table = value.table else {
            report([section, "columns"], "columns must be a table of column = \"header\", not \(Self.describe(value.type))")
            return [:]
        }
        var columns: [String: String] = [:]
        for name in table.keys {
            guard let header = table[name] else { continue }
            let path = [section, "columns", name]
            guard kind.column(named: name) != nil else {
                let known = kind.columns.map(\.name).joined(separator: ", ")
                report(path, "unknown column '\(name)' in [\(section)] columns (known: \(known))")
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
        report(path, "encoding must be one of \(choices), not '\(name)'")
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
