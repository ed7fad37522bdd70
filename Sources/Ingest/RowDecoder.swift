import CSVReading
import Schema

/// A row that failed validation: where, which column (empty for a record-level fault) and why.
package struct RejectedRow: Equatable, Sendable {
    package let file: String
    package let line: Int
    package let column: String
    package let reason: String
    /// The record's fields as read, joined again as CSV text.
    package let record: String

    package init(file: String, line: Int, column: String, reason: String, record: String) {
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
        self.record = record
    }
}

/// Turns one CSV record into the slots of a dataset row (see `Slot`), or says why not.
/// Checks run in the contract's order: the record as a whole, then each column in table order.
///
/// The fast path (`decode(_:into:)`) reads the record's bytes and writes a `RowBatch`; a
/// `String` is made only for a value that needs Unicode-aware trimming, a date tried
/// against configured patterns, or a rejected row. `decode(_:)` gives the same verdicts as
/// typed values, for callers that want them one at a time.
package struct RowDecoder: Sendable {
    package var layout: FileLayout { made.layout }
    package var settings: DatasetSettings { made.settings }
    /// The layout and settings, behind one reference: they are most of a decoder's size, and
    /// a decoder held in an optional is copied out of it for each record it decodes.
    private let made: Made
    private final class Made: Sendable {
        let layout: FileLayout
        let settings: DatasetSettings

        init(layout: FileLayout, settings: DatasetSettings) {
            self.layout = layout
            self.settings = settings
        }
    }
    /// `layout.fieldCount`, read for every record.
    private let fieldCount: Int
    private let columns: [ColumnSpec]
    private let keyPositions: [Int]
    /// Per column, what decoding it needs, in one place.
    private let plans: [ColumnPlan]
    /// The slots (`Slot.encode`) of the times inside `settings.years`.
    private let timeSlots: Range<UInt64>
    /// `keep` and `drop` as the fields they read.
    private let keepFilters: [(field: Int, patterns: PatternList)]
    private let dropFilters: [(field: Int, patterns: PatternList)]
    /// Columns worked out after the others were read, in table order.
    private let derived: [(column: Int, derivation: ColumnDerivation)]
    /// The column whose score `compliant_when.score_at_least` judges (-1: none).
    private let judgedScore: Int

    private struct ColumnPlan {
        /// The field of the record that holds the column (-1: the file has no such column).
        let field: Int
        let type: ColumnType
        let isKey: Bool
        /// Its text is a place name (format characters refused).
        let isArea: Bool
        /// A `RowBatch` interns the column's values: text that is not only part of the key,
        /// amounts and scores (by their canonical text).
        let interned: Bool
    }

    /// A `Derivation` with the columns it reads as their positions.
    private enum ColumnDerivation {
        case period(from: Int, Period.Kind)
        case scoreAtLeast(column: Int, ExactDecimal)
    }

    /// Per column, whether a `RowBatch` interns its values.
    var interned: [Bool] { plans.map(\.interned) }

    package init(layout: FileLayout, settings: DatasetSettings) {
        made = Made(layout: layout, settings: settings)
        fieldCount = layout.fieldCount
        let columns = layout.dataset.columns
        self.columns = columns
        let keyPositions = layout.dataset.keyColumns.map { name in columns.firstIndex { $0.name == name }! }
        // Key parts are written as the columns are read, so they must come in table order.
        precondition(keyPositions == keyPositions.sorted(), "key columns out of table order")
        self.keyPositions = keyPositions
        self.plans = columns.indices.map { column in
            let isKey = keyPositions.contains(column)
            let interned = switch columns[column].type {
            case .text: !isKey
            case .amount, .score: true
            case .datetime, .boolean, .count, .period, .verdict: false
            }
            return ColumnPlan(field: layout.fieldIndex[column] ?? -1, type: columns[column].type, isKey: isKey,
                              isArea: columns[column].isArea, interned: interned)
        }
        keepFilters = zip(settings.keep, layout.keepFields).map { filter, field in (field!, filter.patterns) }
        dropFilters = zip(settings.drop, layout.dropFields).map { filter, field in (field!, filter.patterns) }
        // The columns a derivation reads, found by name once here rather than per row.
        func position(_ name: String) -> Int { columns.firstIndex { $0.name == name }! }
        derived = columns.indices.compactMap { column in
            columns[column].derivation.map { derivation in
                switch derivation {
                case .period(let from, let kind): (column, .period(from: position(from), kind))
                case .scoreAtLeast(let score, let threshold): (column, .scoreAtLeast(column: position(score), threshold))
                }
            }
        }
        // A derived key part is written after the others: it must be the last key column.
        precondition(derived.allSatisfy { !keyPositions.contains($0.column) || $0.column == keyPositions.last }, "a derived key column must be the last")
        judgedScore = derived.lazy.compactMap { _, derivation -> Int? in
            if case .scoreAtLeast(let column, _) = derivation { column } else { nil }
        }.first ?? -1
        let years = settings.years
        let first = LocalDateTime(date: LocalDate(year: years.lowerBound, month: 1, day: 1)!)!
        let after = LocalDate(year: years.upperBound + 1, month: 1, day: 1).map { LocalDateTime(date: $0)! }
        var end = after.map(Slot.encode) ?? .max
        if let lastDay = settings.lastDay {
            end = min(end, Slot.encode(LocalDateTime(date: LocalDate(dayNumber: lastDay.dayNumber + 1))!))
        }
        self.timeSlots = Slot.encode(first)..<end
    }

    package enum Outcome: Equatable, Sendable {
        case row(key: String, values: [FieldValue])
        case rejected(column: String, reason: String)
        /// Left out by `keep` or `drop`.
        case filtered
    }

    /// One field's verdict.
    enum Parsed {
        case invalid(String)
        /// Text still in the record's bytes (valid while the record is): no String made.
        case bytes(UnsafeRawBufferPointer)
        case value(FieldValue)
    }

    /// The record-level fault of a record, if any, but for a line like a whole record inside
    /// a field (`lineLikeARecordFault`, looked at only for records over several lines).
    private func recordFault(problem: CSVRecordProblem?, fieldCount: Int) -> String? {
        if let problem { return problem.description }
        if fieldCount != self.fieldCount { return "expected \(self.fieldCount) fields, found \(fieldCount)" }
        return nil
    }

    /// Why a record of the right width is rejected when a line inside one of its fields
    /// holds the commas of a whole record (see `RawCSVRecord.lineLikeARecord`): `offset`
    /// says how many lines into the record that line is. (Counted within the record: a
    /// chunk of a file is read with lines counted from its own start.)
    private func lineLikeARecordFault(lines: Int, offset: Int?) -> String? {
        guard let offset else { return nil }
        let commas = fieldCount - 1
        return "the record runs over \(lines) lines, and line \(offset + 1) of them, inside a field, holds the \(commas) \(commas == 1 ? "comma" : "commas") of a whole record (a quote left open makes the lines after it one field)"
    }

    /// Whether the record passes `keep` and `drop`: `matches(field, patterns)` says whether
    /// a field's value matches.
    private func passesFilters(_ matches: (Int, PatternList) -> Bool) -> Bool {
        for (index, patterns) in keepFilters where !matches(index, patterns) { return false }
        for (index, patterns) in dropFilters where matches(index, patterns) { return false }
        return true
    }

    /// Whether a field's value (UTF-8, trimmed) matches `patterns`.
    private static func field(_ field: UnsafeRawBufferPointer, matches patterns: PatternList) -> Bool {
        let bytes = field.assumingMemoryBound(to: UInt8.self)
        if let range = ValueParser.trimmedRange(utf8: bytes) { return patterns.matches(utf8: UnsafeBufferPointer(rebasing: bytes[range])) }
        return patterns.matches(String(ValueParser.trim(String(decoding: bytes, as: UTF8.self)[...])))
    }

    private var hasFilters: Bool { !keepFilters.isEmpty || !dropFilters.isEmpty }

    /// The value of a derived column, from the row's other values: the period holding a date
    /// (`period_from`), or whether a score reaches the threshold (`compliant_when`).
    private func derive(_ derivation: ColumnDerivation, row: (Int) -> UInt64, score: ExactDecimal?) -> FieldValue {
        switch derivation {
        case .period(let from, let kind):
            let slot = row(from)
            guard !Slot.isEmpty(slot) else { return .missing }
            let date = LocalDate(dayNumber: Slot.dayNumber(slot))
            let index = switch kind {
            case .year: 1
            case .half: (date.month - 1) / 6 + 1
            case .quarter: (date.month - 1) / 3 + 1
            }
            return .period(Period(kind: kind, year: date.year, index: index)!)
        case .scoreAtLeast(_, let threshold):
            guard let score else { return .missing }
            return .boolean(ExactDecimal.compare(score, threshold) >= 0)
        }
    }

    func parse(_ field: UnsafeRawBufferPointer, _ spec: ColumnSpec) -> Parsed {
        let bytes = field.assumingMemoryBound(to: UInt8.self)
        if let range = ValueParser.trimmedRange(utf8: bytes) {
            return parseTrimmed(UnsafeBufferPointer(rebasing: bytes[range]), spec, owned: nil)
        }
        let trimmed = String(ValueParser.trim(String(decoding: field, as: UTF8.self)[...]))
        var copy = trimmed
        return copy.withUTF8 { parseTrimmed($0, spec, owned: trimmed) }
    }

    /// `owned`: the same text as a String, when it was made (then `.value(.text)` carries it).
    private func parseTrimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ spec: ColumnSpec, owned: String?) -> Parsed {
        if bytes.isEmpty { return spec.required ? .invalid("required value missing") : .value(.missing) }
        let value: FieldValue?
        switch spec.type {
        case .text:
            if ValueParser.mayHaveTextProblem(utf8: bytes, isArea: spec.isArea),
               let problem = ValueParser.textProblem(owned ?? String(decoding: bytes, as: UTF8.self), isArea: spec.isArea) {
                return .invalid(problem)
            }
            return owned.map { .value(.text($0)) } ?? .bytes(UnsafeRawBufferPointer(bytes))
        case .verdict(let patterns): value = .boolean(patterns.matches(utf8: bytes))
        case .datetime: value = ValueParser.dateTime(utf8: bytes, patterns: settings.datetimeFormats).map(FieldValue.time)
        case .boolean: value = ValueParser.boolean(utf8: bytes).map(FieldValue.boolean)
        case .count: value = ValueParser.count(utf8: bytes).map(FieldValue.count)
        case .amount: value = ValueParser.amount(utf8: bytes).map(FieldValue.decimal)
        case .score: value = ValueParser.score(utf8: bytes).map(FieldValue.decimal)
        case .period: value = ValueParser.period(utf8: bytes).map(FieldValue.period)
        }
        guard let value else {
            let text = String(decoding: bytes, as: UTF8.self)
            return .invalid("'\(text)' is not \(Self.expectation(spec.type))" + Self.fullWidthDigits(in: text))
        }
        let year: Int? = switch value {
        case .time(let time): time.date.year
        case .period(let period): period.year
        default: nil
        }
        if let year, !settings.years.contains(year) {
            return .invalid("'\(String(decoding: bytes, as: UTF8.self))' is \(Self.outside(settings.years))")
        }
        if case .time(let time) = value, let lastDay = settings.lastDay, time.date > lastDay {
            return .invalid("'\(String(decoding: bytes, as: UTF8.self))' is in the future (after \(lastDay)\(Self.dayOfRun)")
        }
        return .value(value)
    }

    /// How a reason that names the day of the run ends: such a row may be accepted on a
    /// later day (the run state reads its file again then).
    static let dayOfRun = ", the day of this run)"

    /// Why a date or period outside the years read is rejected.
    static func outside(_ years: ClosedRange<Int>) -> String {
        "outside the years read, \(years.lowerBound) to \(years.upperBound) (set by years in govstats.toml)"
    }

    // MARK: The fast path

    /// Decodes one data record into `batch`: a row of slots and its key, or a rejection.
    func decode(_ record: RawCSVRecord, into batch: inout RowBatch) {
        batch.rowsRead += 1
        var fault = recordFault(problem: record.problem, fieldCount: record.count)
        if fault == nil && record.lines > 1 {
            fault = lineLikeARecordFault(lines: record.lines, offset: record.lineLikeARecord(commas: fieldCount - 1))
        }
        if let fault {
            batch.reject(line: record.line, column: "", reason: fault, record: record)
            return
        }
        if hasFilters && !passesFilters({ Self.field(record[$0], matches: $1) }) {
            batch.filtered += 1
            return
        }
        let keyStart = batch.keyBytes.count
        var score: ExactDecimal?
        // The row's slots are gathered here and appended at once.
        let decoded = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: plans.count) { row in
            plans.withUnsafeBufferPointer { plans in
                for column in plans.indices {
                    let plan = plans[column]
                    guard plan.field >= 0 else {
                        row[column] = Slot.absent
                        continue
                    }
                    let field = record[plan.field]
                    if let slot = fastSlot(field, plan, column: column, batch: &batch) {
                        row[column] = slot
                        continue
                    }
                    let parsed = parse(field, columns[column])
                    if column == judgedScore, case .value(.decimal(let decimal)) = parsed { score = decimal }
                    switch parsed {
                    case .invalid(let reason):
                        batch.keyBytes.removeLast(batch.keyBytes.count - keyStart)
                        let fault = valueFault(column: column, reason: reason, fields: record.strings())
                        batch.reject(line: record.line, column: fault.column, reason: fault.reason, record: record)
                        return false
                    case .bytes(let text):
                        row[column] = plan.interned ? batch.intern(text, column: column) : 0
                        if plan.isKey { batch.appendKeyPart(text) }
                    case .value(let value):
                        row[column] = encode(value, column: column, batch: &batch)
                    }
                }
                for (column, derivation) in derived {
                    row[column] = encode(derive(derivation, row: { row[$0] }, score: score), column: column, batch: &batch)
                }
                batch.slots.append(contentsOf: row)
                return true
            }
        }
        if decoded { batch.endKey(from: keyStart) }
    }

    /// The slot of a parsed value in a batch (text and decimals interned per batch), and
    /// its key part when the column is part of the key.
    private func encode(_ value: FieldValue, column: Int, batch: inout RowBatch) -> UInt64 {
        if plans[column].isKey {
            var key = value.keyText
            key.withUTF8 { batch.appendKeyPart(UnsafeRawBufferPointer($0)) }
        }
        switch value {
        case .absent: return Slot.absent
        case .missing: return Slot.missing
        case .text(var text):
            return plans[column].interned ? text.withUTF8 { batch.intern(UnsafeRawBufferPointer($0), column: column) } : 0
        case .decimal(let decimal):
            var canonical = decimal.canonical
            return canonical.withUTF8 { batch.intern(UnsafeRawBufferPointer($0), column: column) }
        case .time(let time): return Slot.encode(time)
        case .boolean(let flag): return flag ? 1 : 0
        case .count(let count): return UInt64(count)
        case .period(let period): return Slot.encode(period)
        }
    }

    /// The slot of the commonest values, read straight from the bytes: text, dates and
    /// counts that need no trimming and are valid. nil sends the field through `parse`,
    /// which gives the same slot or says why the value is rejected.
    @inline(__always)
    private func fastSlot(_ field: UnsafeRawBufferPointer, _ plan: ColumnPlan, column: Int, batch: inout RowBatch) -> UInt64? {
        let bytes = field.assumingMemoryBound(to: UInt8.self)
        guard let range = ValueParser.trimmedRange(utf8: bytes), !range.isEmpty else { return nil }
        switch plan.type {
        case .text:
            if ValueParser.mayHaveTextProblem(utf8: bytes, isArea: plan.isArea) { return nil }
            if plan.isKey { batch.appendKeyPart(field) }
            return plan.interned ? batch.intern(field, column: column) : 0
        case .datetime:
            guard let slot = batch.dateTimeSlot(bytes), timeSlots.contains(slot) else { return nil }
            return slot
        case .count:
            return ValueParser.count(utf8: bytes).map { UInt64($0) }
        case .boolean, .amount, .score, .period, .verdict:
            return nil
        }
    }

    // MARK: One record at a time, as typed values

    package func decode(_ record: CSVRecord) -> Outcome {
        var fault = recordFault(problem: record.problem, fieldCount: record.fields.count)
        if fault == nil, case let lines = record.lines, lines > 1 {
            let offset = RawCSVRecord.lineLikeARecord(fields: fieldCount, commas: fieldCount - 1) { record.fields[$0].utf8 }
            fault = lineLikeARecordFault(lines: lines, offset: offset)
        }
        if let fault {
            return .rejected(column: "", reason: fault)
        }
        if hasFilters && !passesFilters({ index, patterns in
            var field = record.fields[index]
            return field.withUTF8 { Self.field(UnsafeRawBufferPointer($0), matches: patterns) }
        }) {
            return .filtered
        }
        var values: [FieldValue] = []
        values.reserveCapacity(columns.count)
        for (spec, index) in zip(columns, layout.fieldIndex) {
            guard let index else {
                values.append(.absent)
                continue
            }
            var field = record.fields[index]
            let parsed: Result<FieldValue, InvalidValue> = field.withUTF8 { bytes in
                switch parse(UnsafeRawBufferPointer(bytes), spec) {
                case .invalid(let reason): .failure(InvalidValue(reason: reason))
                case .bytes(let text): .success(.text(String(decoding: text, as: UTF8.self)))
                case .value(let value): .success(value)
                }
            }
            switch parsed {
            case .success(let value): values.append(value)
            case .failure(let invalid):
                // One value per column so far: `values.count` is this column's index.
                let fault = valueFault(column: values.count, reason: invalid.reason, fields: record.fields)
                return .rejected(column: fault.column, reason: fault.reason)
            }
        }
        if !derived.isEmpty {
            let score: ExactDecimal? = if judgedScore >= 0, case .decimal(let decimal) = values[judgedScore] { decimal } else { nil }
            for (column, derivation) in derived {
                values[column] = derive(derivation, row: { column in
                    switch values[column] {
                    case .time(let time): Slot.encode(time)
                    case .missing: Slot.missing
                    default: Slot.absent
                    }
                }, score: score)
            }
        }
        let key = keyPositions.map { values[$0].keyText }.joined(separator: "\u{1F}")
        return .row(key: key, values: values)
    }

    private struct InvalidValue: Error {
        let reason: String
    }

    /// The column and reason given for a row whose `column` holds an invalid value, unless
    /// the row is the header again: that fails on a value like any row (a header's date
    /// column is no date), but is said to be what it is, for the whole row. Asked only of a
    /// row already rejected, so `fields` are made only then.
    func valueFault(column: Int, reason: String, fields: @autoclosure () -> [String]) -> (column: String, reason: String) {
        layout.isHeader(fields()) ? ("", Self.repeatedHeader) : (columns[column].name, reason)
    }

    static let repeatedHeader = "this row is the header again (exports joined into one file?)"

    /// Said after the reason of a value that holds full-width digits (`２０１７`), which no
    /// form or pattern reads; empty for any other value.
    static func fullWidthDigits(in text: String) -> String {
        guard let digit = text.unicodeScalars.first(where: ValueParser.isFullWidthDigit) else { return "" }
        return " (it holds full-width digits, such as '\(digit)': the export must write digits as 0-9)"
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
        case .verdict: "a value"
        }
    }
}

/// A parsed value of one column of one row.
package enum FieldValue: Hashable, Sendable {
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
