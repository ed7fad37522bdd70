/// The standing values of the records of a run state that later rows replaced, kept beside
/// the store's columns rather than written into them.
///
/// The columns of a store read from a run state are mapped from its file, and a page that
/// a write changed stays in memory until the run ends. Conflicts with records all over
/// years of history would change most pages of every column they touch: 50,000 of them,
/// each changing every value, would bring in most of the columns. Here each costs one row
/// of slots instead.
struct Replacements: Sendable {
    /// Records below this one are the run state's and replaced here (0: a store not read
    /// from a run state, where every replacement is written into the columns).
    let limit: Int
    /// Slots per replaced record: one per column of the store.
    let width: Int
    /// Each replaced record's row in `slots`.
    private var rows: [Int: Int] = [:]
    private var slots: [UInt64] = []

    init(limit: Int = 0, width: Int = 0) {
        self.limit = limit
        self.width = width
    }

    var isEmpty: Bool { rows.isEmpty }

    /// The row of `record`'s values, if a row replaced it.
    @inline(__always)
    func row(of record: Int) -> Int? {
        rows.isEmpty ? nil : rows[record]
    }

    subscript(row: Int, column: Int) -> UInt64 {
        slots[row * width + column]
    }

    /// `record` now stands as `values` (one slot per column).
    mutating func replace(_ record: Int, with values: [UInt64]) {
        precondition(record < limit && values.count == width, "a replacement out of range")
        if let row = rows[record] {
            for column in 0..<width { slots[row * width + column] = values[column] }
        } else {
            rows[record] = rows.count
            slots.append(contentsOf: values)
        }
    }

    /// `record`'s value in `column` is now `value`. A record not replaced before must then
    /// be given a value in every column of the store's (as a delta of the run state gives
    /// them, a column at a time): its others stand as `Slot.absent` until then.
    mutating func replace(_ record: Int, column: Int, with value: UInt64) {
        precondition(record < limit && column < width, "a replacement out of range")
        let row: Int
        if let known = rows[record] {
            row = known
        } else {
            row = rows.count
            rows[record] = row
            slots.append(contentsOf: repeatElement(Slot.absent, count: width))
        }
        slots[row * width + column] = value
    }

    /// The replaced records' values in `column`, by record.
    func values(in column: Int) -> [(record: Int, slot: UInt64)] {
        rows.map { (record: $0.key, slot: slots[$0.value * width + column]) }.sorted { $0.record < $1.record }
    }
}
