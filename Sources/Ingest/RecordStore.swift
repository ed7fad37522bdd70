import CSVReading
import Schema

/// The standing version of every distinct record of one dataset, kept compactly: the key's
/// bytes in one arena, an open-addressing index over them, and one narrow slot per column
/// per record (text interned per column). Never the row text.
///
/// Per distinct alarm call that is about 15 bytes of key, 16 bytes of index and 36 bytes of
/// columns, whatever the size of the files it came from.
///
/// Duplicate rule (DATA_CONTRACT.md section 1): a row whose key was seen is compared with the
/// standing version on the columns both files have; equal is dropped, different replaces it
/// and counts as a conflict.
public struct RecordStore: Sendable {
    public let dataset: DatasetKind
    public let columns: [ColumnSpec]
    private var keys = KeyIndex()
    /// storage[column]; key-only text columns (call_id, case_id, community_id) are not kept.
    private var storage: [ColumnStorage]
    private var interners: [Interner]
    private var encoded: [UInt64]

    public init(dataset: DatasetKind) {
        self.dataset = dataset
        self.columns = dataset.columns
        self.storage = dataset.columns.map { spec in
            if dataset.keyColumns.contains(spec.name) && spec.type == .text { return .none }
            switch spec.type {
            case .text, .amount, .score, .period: return .narrow([])
            case .boolean: return .flag([])
            case .datetime, .count: return .wide([])
            }
        }
        self.interners = Array(repeating: Interner(), count: dataset.columns.count)
        self.encoded = Array(repeating: 0, count: dataset.columns.count)
    }

    public var count: Int { keys.count }

    public enum Insertion: Equatable, Sendable {
        case accepted, duplicate, conflict
    }

    public mutating func insert(key: String, values: [FieldValue]) -> Insertion {
        for column in values.indices { encoded[column] = encode(values[column], column: column) }
        let (record, isNew) = keys.insert(key)
        if isNew {
            for column in storage.indices { storage[column].append(encoded[column]) }
            return .accepted
        }
        var differs = false
        for column in storage.indices where !storage[column].isNone {
            let standing = storage[column][record]
            let incoming = encoded[column]
            if standing == Slot.absent || incoming == Slot.absent { continue }
            if standing != incoming { differs = true; break }
        }
        guard differs else { return .duplicate }
        for column in storage.indices { storage[column][record] = encoded[column] }
        return .conflict
    }

    private mutating func encode(_ value: FieldValue, column: Int) -> UInt64 {
        switch value {
        case .absent: Slot.absent
        case .missing: Slot.missing
        case .text(let text): storage[column].isNone ? 0 : interners[column].id(for: text)
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
    public func slots(of name: String) -> ColumnSlots {
        ColumnSlots(storage: storage[columnIndex(name)])
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

/// One column's slots as 64-bit values (see `Slot`), read from its narrow storage.
public struct ColumnSlots: RandomAccessCollection, Sendable {
    let storage: ColumnStorage

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }

    public subscript(record: Int) -> UInt64 { storage[record] }
}

/// A column's values, as narrow as its type allows. Sentinels (`Slot.absent`,
/// `Slot.missing`) map to the top two values of each width.
enum ColumnStorage: Sendable {
    case none
    case flag([UInt8])
    case narrow([UInt32])
    case wide([UInt64])

    var isNone: Bool {
        if case .none = self { true } else { false }
    }

    var count: Int {
        switch self {
        case .none: 0
        case .flag(let values): values.count
        case .narrow(let values): values.count
        case .wide(let values): values.count
        }
    }

    subscript(index: Int) -> UInt64 {
        get {
            switch self {
            case .none: return Slot.absent
            case .flag(let values): return Self.widen(UInt64(values[index]), top: UInt64(UInt8.max))
            case .narrow(let values): return Self.widen(UInt64(values[index]), top: UInt64(UInt32.max))
            case .wide(let values): return values[index]
            }
        }
        set {
            switch self {
            case .none: break
            case .flag(var values):
                self = .none
                values[index] = UInt8(Self.narrow(newValue, top: UInt64(UInt8.max)))
                self = .flag(values)
            case .narrow(var values):
                self = .none
                values[index] = UInt32(Self.narrow(newValue, top: UInt64(UInt32.max)))
                self = .narrow(values)
            case .wide(var values):
                self = .none
                values[index] = newValue
                self = .wide(values)
            }
        }
    }

    mutating func append(_ value: UInt64) {
        switch self {
        case .none: break
        case .flag(var values):
            self = .none
            values.append(UInt8(Self.narrow(value, top: UInt64(UInt8.max))))
            self = .flag(values)
        case .narrow(var values):
            self = .none
            values.append(UInt32(Self.narrow(value, top: UInt64(UInt32.max))))
            self = .narrow(values)
        case .wide(var values):
            self = .none
            values.append(value)
            self = .wide(values)
        }
    }

    private static func widen(_ value: UInt64, top: UInt64) -> UInt64 {
        value >= top - 1 ? Slot.absent - (top - value) : value
    }

    private static func narrow(_ value: UInt64, top: UInt64) -> UInt64 {
        value >= Slot.missing ? top - (Slot.absent - value) : value
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

    /// Kind, year and index in 32 bits (a period column is stored narrow).
    public static func encode(_ period: Period) -> UInt64 {
        UInt64(period.kind.rawValue) << 24 | UInt64(period.year) << 4 | UInt64(period.index)
    }

    public static func period(_ slot: UInt64) -> Period {
        let kind = Period.Kind(rawValue: Int(slot >> 24))!
        return Period(kind: kind, year: Int((slot >> 4) & 0xF_FFFF), index: Int(slot & 0xF))!
    }
}

/// Gives each distinct string of a column a small number, in order of first appearance.
/// Strings are told apart by their bytes (`ExactText`).
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
