import CSVReading
import Schema

/// A row that failed validation: where, which column (empty for a record-level fault) and why.
public struct RejectedRow: Equatable, Sendable {
    public let file: String
    public let line: Int
    public let column: String
    public let reason: String
    /// The record's fields as read, joined again as CSV text.
    public let record: String

    public init(file: String, line: Int, column: String, reason: String, record: String) {
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
        self.record = record
    }
}

/// Turns one CSV record into the slots of a dataset row (see `Slot`), or says why not.
/// Checks run in the contract's order: the record as a whole, then each column in table order.
public struct RowDecoder: Sendable {
    public let layout: FileLayout
    public let settings: DatasetSettings
    private let columns: [ColumnSpec]
    private let keyPositions: [Int]

    public init(layout: FileLayout, settings: DatasetSettings) {
        self.layout = layout
        self.settings = settings
        self.columns = layout.dataset.columns
        self.keyPositions = layout.dataset.keyColumns.map { name in
            layout.dataset.columns.firstIndex { $0.name == name }!
        }
    }

    public enum Outcome: Equatable, Sendable {
        case row(key: String, values: [FieldValue])
        case rejected(column: String, reason: String)
    }

    public func decode(_ record: CSVRecord) -> Outcome {
        if let problem = record.problem {
            return .rejected(column: "", reason: problem.description)
        }
        if record.fields.count != layout.fieldCount {
            return .rejected(column: "", reason: "expected \(layout.fieldCount) fields, found \(record.fields.count)")
        }
        var values: [FieldValue] = []
        values.reserveCapacity(columns.count)
        for (spec, index) in zip(columns, layout.fieldIndex) {
            guard let index else {
                values.append(.absent)
                continue
            }
            let text = ValueParser.trim(record.fields[index][...])
            if text.isEmpty {
                if spec.required {
                    return .rejected(column: spec.name, reason: "required value missing")
                }
                values.append(.missing)
                continue
            }
            guard let value = parse(text, as: spec.type) else {
                return .rejected(column: spec.name, reason: "'\(text)' is not \(Self.expectation(spec.type))")
            }
            values.append(value)
        }
        let key = keyPositions.map { values[$0].keyText }.joined(separator: "\u{1F}")
        return .row(key: key, values: values)
    }

    private func parse(_ text: Substring, as type: ColumnType) -> FieldValue? {
        switch type {
        case .text: .text(String(text))
        case .datetime: ValueParser.dateTime(text, patterns: settings.datetimeFormats).map(FieldValue.time)
        case .boolean: ValueParser.boolean(text).map(FieldValue.boolean)
        case .count: ValueParser.count(text).map(FieldValue.count)
        case .amount: ValueParser.amount(text).map(FieldValue.decimal)
        case .score: ValueParser.score(text).map(FieldValue.decimal)
        case .period: ValueParser.period(text).map(FieldValue.period)
        }
    }

    /// The reject reason's wording for each type.
    static func expectation(_ type: ColumnType) -> String {
        switch type {
        case .text: "text"
        case .datetime: "a valid date and time"
        case .boolean: "a yes/no value (是/否, 达标/未达标, 合格/不合格, true/false, yes/no, y/n, 1/0)"
        case .count: "a whole number >= 0 (digits only)"
        case .amount: "a decimal number >= 0 (digits and an optional . fraction)"
        case .score: "a score from 0 to 100"
        case .period: "a period (YYYY, YYYYH1..H2 or YYYYQ1..Q4)"
        }
    }
}

/// A parsed value of one column of one row.
public enum FieldValue: Hashable, Sendable {
    /// The file has no such column.
    case absent
    /// The column is there, the value is empty.
    case missing
    case text(String)
    case time(LocalDateTime)
    case boolean(Bool)
    case count(Int64)
    case decimal(ExactDecimal)
    case period(Period)

    var keyText: String {
        switch self {
        case .text(let text): text
        case .period(let period): period.description
        default: ""
        }
    }
}
