import Schema

// Typed views of a column of the record groups (`RecordGroups.texts(_:)`, `dates(_:)`,
// `periods(_:)`, `flags(_:)`), for the stages after ingest: one value per group. Each holds
// its column's storage (so it stays alive and unchanged); its `codes` or `days` reads it
// through a pointer, without reference counting per value, for loops over every group.

/// A text column: each record's value as its number in `names`, the column's distinct values.
public struct TextValues: Sendable {
    let slots: ColumnSlots
    /// The distinct values, by number.
    public let names: [String]

    public var count: Int { slots.count }

    /// Each record's value number, or `TextCodes.missing` / `TextCodes.absent`.
    public var codes: TextCodes { TextCodes(slots: slots.unretained) }

    /// The record's value, or nil when it has none.
    public subscript(record: Int) -> String? {
        let code = codes[record]
        return code >= 0 ? names[code] : nil
    }
}

/// A text column's value numbers read through a pointer: valid while the `TextValues` it
/// came from lives.
public struct TextCodes: @unchecked Sendable {
    @usableFromInline let slots: UnretainedSlots

    /// The code of an empty value, and of a record whose file had no such column.
    public static let missing = -1
    public static let absent = -2

    public var count: Int { slots.count }

    /// The record's value number in `names`, or `missing` / `absent`.
    @inlinable @inline(__always)
    public subscript(record: Int) -> Int {
        let slot = slots[record]
        return slot >= Slot.missing ? (slot == Slot.missing ? Self.missing : Self.absent) : Int(slot)
    }
}

/// A datetime column.
public struct DateValues: Sendable {
    let slots: ColumnSlots

    public var count: Int { slots.count }

    /// The dates read through a pointer, valid while this lives.
    public var days: DateDays { DateDays(slots: slots.unretained) }
}

/// A datetime column's dates read through a pointer: valid while the `DateValues` it came
/// from lives.
public struct DateDays: @unchecked Sendable {
    @usableFromInline let slots: UnretainedSlots

    public var count: Int { slots.count }

    /// Whether the record has a date (a datetime column may be optional).
    @inlinable @inline(__always)
    public func hasDate(_ record: Int) -> Bool { !Slot.isEmpty(slots[record]) }

    /// The record's day number (`LocalDate.dayNumber`).
    @inlinable @inline(__always)
    public func day(_ record: Int) -> Int { Slot.dayNumber(slots[record]) }

    /// Whether the record's date was given to the month only (it counts in its month).
    @inlinable @inline(__always)
    public func isMonthPrecision(_ record: Int) -> Bool { Slot.isMonthPrecision(slots[record]) }
}

/// A period column.
public struct PeriodValues: Sendable {
    let slots: ColumnSlots

    public var count: Int { slots.count }

    public subscript(record: Int) -> Period { Slot.period(slots[record]) }
}

/// A yes/no column.
public struct FlagValues: Sendable {
    let slots: ColumnSlots

    public var count: Int { slots.count }

    /// The record's value, or nil when it has none.
    public subscript(record: Int) -> Bool? {
        let slot = slots[record]
        return Slot.isEmpty(slot) ? nil : slot == 1
    }
}
