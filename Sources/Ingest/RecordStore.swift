import CSVReading
import Schema

/// The standing version of every distinct record of one dataset, kept compactly: one
/// 64-bit slot per column per record (text interned per column), never the row text.
///
/// Duplicate rule (DATA_CONTRACT.md section 1): a row whose key was seen is compared with the
/// standing version on the columns both files have; equal is dropped, different replaces it
/// and counts as a conflict.
public struct RecordStore: Sendable {
    public let dataset: DatasetKind
    public let columns: [ColumnSpec]
    private var keyIndex: [ExactText: Int] = [:]
    /// slots[column][record]
    private var slots: [[UInt64]]
    private var interners: [Interner]

    public init(dataset: DatasetKind) {
        self.dataset = dataset
        self.columns = dataset.columns
        self.slots = Array(repeating: [], count: dataset.columns.count)
        self.interners = Array(repeating: Interner(), count: dataset.columns.count)
    }

    public var count: Int { keyIndex.count }

    public enum Insertion: Equatable, Sendable {
        case accepted, duplicate, conflict
    }

    public mutating func insert(key: String, values: [FieldValue]) -> Insertion {
        let encoded = values.enumerated().map { column, value in encode(value, column: column) }
        let key = ExactText(key)
        guard let record = keyIndex[key] else {
            keyIndex[key] = slots[0].count
            for column in encoded.indices { slots[column].append(encoded[column]) }
            return .accepted
        }
        var differs = false
        for column in encoded.indices {
            let standing = slots[column][record]
            let incoming = encoded[column]
            if standing == Slot.absent || incoming == Slot.absent { continue }
            if standing != incoming { differs = true; break }
        }
        guard differs else { return .duplicate }
        for column in encoded.indices { slots[column][record] = encoded[column] }
        return .conflict
    }

    private mutating func encode(_ value: FieldValue, column: Int) -> UInt64 {
        switch value {
        case .absent: Slot.absent
        case .missing: Slot.missing
        case .text(let text): interners[column].id(for: text)
        case .decimal(let decimal): interners[column].id(for: decimal.canonical)
        case .time(let time): Slot.encode(time)
        case .boolean(let flag): flag ? 1 : 0
        case .count(let count): UInt64(count)
        case .period(let period): Slot.encode(period)
        }
    }

    // MARK: Reading the standing records

    public func columnIndex(_ name: String) -> Int {
        columns.firstIndex { $0.name == name }!
    }

    /// The slots of one column, one per record, in order of first appearance.
    public func slots(of name: String) -> [UInt64] {
        slots[columnIndex(name)]
    }

    /// The text behind an interned slot of a text, amount or score column.
    public func text(of name: String, slot: UInt64) -> String? {
        guard !Slot.isEmpty(slot) else { return nil }
        return interners[columnIndex(name)].values[Int(slot)]
    }

    /// Every distinct text of a column, indexed by slot.
    public func texts(of name: String) -> [String] {
        interners[columnIndex(name)].values
    }
}

/// The encoding of values in a `RecordStore`'s slots.
public enum Slot {
    /// The record's file had no such column.
    public static let absent = UInt64.max
    /// The column was there and the value empty.
    public static let missing = UInt64.max - 1

    public static func isEmpty(_ slot: UInt64) -> Bool { slot >= missing }

    /// Seconds since 0001-01-01, doubled, plus one for month precision.
    public static func encode(_ time: LocalDateTime) -> UInt64 {
        UInt64(time.ordinalSeconds) << 1 | (time.monthPrecision ? 1 : 0)
    }

    public static func dayNumber(_ slot: UInt64) -> Int {
        Int(slot >> 1) / 86_400
    }

    public static func isMonthPrecision(_ slot: UInt64) -> Bool {
        slot & 1 == 1
    }

    public static func encode(_ period: Period) -> UInt64 {
        UInt64(period.kind.rawValue) << 32 | UInt64(period.year) << 8 | UInt64(period.index)
    }

    public static func period(_ slot: UInt64) -> Period {
        let kind = Period.Kind(rawValue: Int(slot >> 32))!
        return Period(kind: kind, year: Int((slot >> 8) & 0xFF_FFFF), index: Int(slot & 0xFF))!
    }
}

/// Gives each distinct string of a column a small number, in order of first appearance.
struct Interner: Sendable {
    private var ids: [ExactText: UInt64] = [:]
    private(set) var values: [String] = []

    mutating func id(for text: String) -> UInt64 {
        let exact = ExactText(text)
        if let id = ids[exact] { return id }
        let id = UInt64(values.count)
        ids[exact] = id
        values.append(text)
        return id
    }
}
