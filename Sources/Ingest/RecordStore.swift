import CSVReading
import Schema

/// The standing version of every distinct record of one dataset, kept compactly: the key's
/// bytes in one arena behind an open-addressing index (`ByteTable`), and one slot per column
/// per record, each column as narrow as its values allow (text interned per column). Never
/// the row text.
///
/// Per distinct alarm call that is about 15 bytes of key, 8 bytes of index entries, 8 to
/// 16 bytes of table and about 16 bytes of columns, whatever the size of the files.
///
/// Duplicate rule (docs/reference.md): a row whose key was seen is compared with the
/// standing version on the columns both files have; equal is dropped, different replaces it
/// and counts as a conflict.
public struct RecordStore: Sendable {
    public let dataset: Dataset
    package let columns: [ColumnSpec]
    private var keys = ByteTable(capacity: 1024)
    /// storage[column]; key-only text columns (call_id, case_id, community_id) are not kept.
    private var storage: [PackedColumn]
    /// The distinct values of each text, amount and score column.
    private var interners: [ByteTable]
    private var encoded: [UInt64]
    /// The records counted in groups (`countStanding`): the first `tallied` of them.
    private var grouped: RecordTally
    private var tallied = 0
    /// The values that replaced those of records read from the run state (`init(from:)`):
    /// not written into their columns, which are mapped from the state's file.
    private var replacements = Replacements()
    /// Scratch space of `compareAndReplace`: the standing values of a record.
    private var standing: [UInt64]
    /// A row with an empty key is a record of its own (a declared dataset without `id`).
    private let keyless: Bool
    /// The column of `latest_by` (-1: none): a repeat with an earlier value does not replace.
    private let latestBy: Int

    package init(dataset: Dataset) {
        self.dataset = dataset
        self.columns = dataset.columns
        self.keyless = dataset.keyIsOptional
        self.latestBy = dataset.settings.latestBy.flatMap(dataset.columnIndex) ?? -1
        self.storage = dataset.columns.map { spec in
            dataset.keyColumns.contains(spec.name) && spec.type == .text ? .none : .u8(FlatArray())
        }
        self.interners = Array(repeating: ByteTable(), count: dataset.columns.count)
        self.encoded = Array(repeating: 0, count: dataset.columns.count)
        self.standing = encoded
        self.grouped = RecordTally(dataset: dataset)
    }

    /// The number of distinct records.
    public private(set) var count = 0
    /// What the store held when it was restored from the run state (`markRestored`), and
    /// the records replaced since: what a delta of the state writes (`writeDelta`).
    private var restored: Restored?

    struct Restored: Sendable {
        let records: Int
        let keys: Int
        let interned: [Int]
        var replaced: [Int] = []
    }
    /// Whether a table mapped from the run state (the keys', or a column's texts) outgrew
    /// it in this run (`ByteTable.outgrewMapping`): the state is then written whole, with
    /// the table grown, so that the next run maps that rather than growing it again from
    /// the old one and a delta.
    package var outgrewItsState: Bool {
        keysOutgrewState || keys.outgrewMapping || interners.contains { $0.outgrewMapping }
    }
    private var keysOutgrewState = false
    /// Rows that repeated a record of the run state since the columns' pages were let go.
    private var restoredReads = 0
    /// The columns' pages that reads of restored records took are let go after this many.
    static let restoredReadsBetweenReleases = 1024
    /// The key index was let go (`releaseKeys`): no row can be inserted any more.
    private var keysReleased = false

    /// Lets the key index go once every file of the dataset was read: the transform stage
    /// needs only the columns, and the index is most of the store's memory.
    package mutating func releaseKeys() {
        keysOutgrewState = keysOutgrewState || keys.outgrewMapping
        keys = ByteTable(capacity: 0)
        keysReleased = true
    }

    /// The store without its groups, for a thread that writes its records while another
    /// counts them (`countStanding`): the two then share no array that either changes, so
    /// neither copies one.
    package func withoutGroups() -> RecordStore {
        var records = self
        records.grouped = RecordTally(dataset: dataset)
        records.tallied = 0
        return records
    }

    package enum Insertion: Equatable, Sendable {
        case accepted, duplicate, conflict
    }

    /// What applying a batch did.
    package struct Tally: Equatable, Sendable {
        package var accepted = 0
        package var duplicates = 0
        package var conflicts = 0
    }

    static let prefetchDistance = 16

    /// Applies a batch's decoded rows in order (its rejections are the caller's).
    mutating func apply(_ batch: inout RowBatch) -> Tally {
        precondition(batch.width == columns.count)
        precondition(!keysReleased, "rows applied after the key index was let go")
        for column in batch.locals.indices {
            guard let local = batch.locals[column] else { continue }
            while batch.globals[column].count < local.count {
                let number = local.withBytes(of: batch.globals[column].count) { interners[column].insert($0).number }
                batch.globals[column].append(UInt32(number))
            }
        }
        var tally = Tally()
        let width = batch.width
        let rows = batch.rowCount
        fates.removeAll(keepingCapacity: true)
        newRows.removeAll(keepingCapacity: true)
        // The batch must reach here as the only holder of its slots: a reference left
        // elsewhere (a worker's, a copy of the reader that held it) makes the change below
        // copy them all first (checked in debug builds, which the tests run).
        let unchanged = batch.slots.withUnsafeBufferPointer { $0.baseAddress }
        batch.slots.withUnsafeMutableBufferPointer { slots in
            assert(UnsafePointer(slots.baseAddress) == unchanged || rows == 0, "a row batch was copied before it was applied: another reference to its slots is alive")
            // The batch's text numbers become the store's.
            for column in 0..<width where batch.locals[column] != nil {
                batch.globals[column].withUnsafeBufferPointer { globals in
                    for index in stride(from: column, to: rows * width, by: width) where !Slot.isEmpty(slots[index]) {
                        slots[index] = UInt64(globals[Int(slots[index])])
                    }
                }
            }
            // Keys first: which rows are new records, which repeat one.
            batch.keyBytes.withUnsafeBytes { keyBytes in
                var keyStart = 0
                for row in 0..<rows {
                    // The table is far larger than the cache: fetch a later row's bucket now.
                    if row + Self.prefetchDistance < rows { keys.prefetch(hash: batch.keyHashes[row + Self.prefetchDistance]) }
                    let keyEnd = batch.keyEnds[row]
                    if keyless && keyEnd == keyStart {
                        fates.append(-1)
                        newRows.append(Int32(row))
                        continue
                    }
                    let (record, isNew) = keys.insert(UnsafeRawBufferPointer(rebasing: keyBytes[keyStart..<keyEnd]), hash: batch.keyHashes[row])
                    keyStart = keyEnd
                    fates.append(isNew ? -1 : record)
                    if isNew { newRows.append(Int32(row)) }
                }
            }
            // New records, a column at a time; then repeats in order, against the standing
            // version (which may be a new record of this batch).
            let slotsView = UnsafeBufferPointer(slots)
            newRows.withUnsafeBufferPointer { newRows in
                for column in storage.indices where !storage[column].isNone {
                    storage[column].append(rows: newRows, of: slotsView, column: column, width: width)
                }
            }
            tally.accepted = newRows.count
            count += newRows.count
            for row in 0..<rows where fates[row] >= 0 {
                for column in 0..<width { encoded[column] = slots[row * width + column] }
                switch compareAndReplace(fates[row]) {
                case .accepted: break
                case .duplicate: tally.duplicates += 1
                case .conflict:
                    tally.duplicates += 1
                    tally.conflicts += 1
                }
            }
        }
        return tally
    }

    /// Scratch space of `apply`: each row's record number (-1: new), and the new rows.
    private var fates: [Int] = []
    private var newRows: [Int32] = []

    /// Inserts one row given as typed values (the key's parts joined by U+001F).
    package mutating func insert(key: String, values: [FieldValue]) -> Insertion {
        for column in values.indices { encoded[column] = encode(values[column], column: column) }
        var key = key
        return key.withUTF8 { key in
            let bytes = UnsafeRawBufferPointer(key)
            return insertEncoded(key: bytes, hash: ByteHash.hash(bytes))
        }
    }

    /// Inserts the row whose slots are in `encoded`.
    @inline(__always)
    private mutating func insertEncoded(key: UnsafeRawBufferPointer, hash: UInt64) -> Insertion {
        precondition(!keysReleased, "a row inserted after the key index was let go")
        if keyless && key.isEmpty {
            count += 1
            for column in storage.indices { storage[column].append(encoded[column]) }
            countNewest()
            return .accepted
        }
        let (record, isNew) = keys.insert(key, hash: hash)
        if isNew {
            count += 1
            for column in storage.indices { storage[column].append(encoded[column]) }
            countNewest()
            return .accepted
        }
        return compareAndReplace(record)
    }

    /// Counts the record just inserted one at a time when every record before it is
    /// counted (batches are counted together, `countStanding`).
    @inline(__always)
    private mutating func countNewest() {
        guard tallied == count - 1 else { return }
        grouped.prepare(interners)
        grouped.change(by: 1) { encoded[$0] }
        tallied = count
    }

    /// A repeat of `record`, whose incoming slots are in `encoded`: compared on the columns
    /// both versions have; a different one replaces the standing version. A record read
    /// from the run state stands as its replacement, if a row replaced it already, or as
    /// its mapped columns hold it; a different row becomes its replacement, and the columns
    /// are left as they are (`Replacements`).
    private mutating func compareAndReplace(_ record: Int) -> Insertion {
        let isRestored = record < replacements.limit
        let row = isRestored ? replacements.row(of: record) : nil
        if isRestored && row == nil { readingRestored(record) }
        for column in storage.indices {
            standing[column] = storage[column].isNone ? Slot.absent : row.map { replacements[$0, column] } ?? storage[column][record]
        }
        var differs = false
        for column in storage.indices where !storage[column].isNone {
            if standing[column] == Slot.absent || encoded[column] == Slot.absent { continue }
            if standing[column] != encoded[column] { differs = true; break }
        }
        guard differs else { return .duplicate }
        if latestBy >= 0 && Self.isEarlier(encoded[latestBy], than: standing[latestBy]) { return .conflict }
        if record < tallied {
            // Counted already (restored from the run state): it moves to its new group.
            grouped.prepare(interners)
            grouped.change(by: -1) { standing[$0] }
            grouped.change(by: 1) { encoded[$0] }
        }
        if isRestored {
            replacements.replace(record, with: encoded)
        } else {
            // Only the values that differ (a conflict most often changes one value or two).
            for column in storage.indices where standing[column] != encoded[column] { storage[column][record] = encoded[column] }
        }
        // Read as a number, not bound: a binding would hold the list being appended to,
        // which would then be copied whole on every conflict.
        if record < restored?.records ?? 0 { restored!.replaced.append(record) }
        return .conflict
    }

    /// A row repeats record `record` of the run state: its values are about to be read
    /// from the mapped columns. Their pages are taken one at a time and let go every
    /// 1,024 such rows (a conflict does not write them: `Replacements`), so that rows
    /// repeating old records all over the state do not bring all of it in.
    private mutating func readingRestored(_ record: Int) {
        for column in storage.indices { storage[column].ownPage(of: record) }
        restoredReads += 1
        if restoredReads >= Self.restoredReadsBetweenReleases {
            for column in storage.indices { storage[column].releaseUnchangedPages() }
            restoredReads = 0
        }
    }

    /// `latest_by`: whether an incoming time is earlier than the standing one. A value
    /// is later than none; equal times (to the second) are a tie, which the row read later wins.
    static func isEarlier(_ incoming: UInt64, than standing: UInt64) -> Bool {
        if Slot.isEmpty(incoming) { return !Slot.isEmpty(standing) }
        if Slot.isEmpty(standing) { return false }
        return incoming >> 1 < standing >> 1
    }

    private mutating func encode(_ value: FieldValue, column: Int) -> UInt64 {
        switch value {
        case .absent: Slot.absent
        case .missing: Slot.missing
        case .text(let text): storage[column].isNone ? 0 : UInt64(interners[column].insert(text).number)
        case .decimal(let decimal): UInt64(interners[column].insert(decimal.canonical).number)
        case .time(let time): Slot.encode(time)
        case .boolean(let flag): flag ? 1 : 0
        case .count(let count): UInt64(count)
        case .period(let period): Slot.encode(period)
        }
    }

    // MARK: Reading the standing records

    /// Counts the records not counted yet in their groups (`RecordTally`): once the
    /// dataset's files are all read, before `groups` or the run state.
    package mutating func countStanding(jobs: Int = 1) {
        guard tallied < count else { return }
        grouped.prepare(interners)
        let columns = storage.map { ColumnSlots(storage: $0).unretained }
        let isText = columns.indices.map { !storage[$0].isNone && self.columns[$0].type == .text }
        withExtendedLifetime(storage) {
            grouped.count(tallied..<count, columns: columns, isText: isText, textCounts: interners.map(\.count), jobs: jobs)
        }
        tallied = count
    }

    /// The groups of the grouping that has the fewest (nil: the dataset has none), found
    /// before any grouping's groups are listed.
    func fewestGroups() -> RecordGroups? {
        grouped.tables.min { $0.count < $1.count }.flatMap { groups($0.grouping) }
    }

    /// Whether every record is counted in its groups (`countStanding`).
    package var isCounted: Bool { tallied == count }

    /// The standing records in the groups of `grouping` (nil: the dataset has no such
    /// figures).
    public func groups(_ grouping: Grouping) -> RecordGroups? {
        precondition(tallied == count, "groups read before every record was counted")
        guard let table = grouped.table(grouping) else { return nil }
        var names: [Int: [String]] = [:]
        for case .slot(let index) in table.parts where interners[index].count > 0 { names[index] = texts(at: index) }
        return RecordGroups(table: table, names: names, metricSets: grouped.metricSets)
    }

    /// The slots of the column at `index` of `columns`, one per record, in order of first
    /// appearance. With replacements of records of the run state, a copy of the column
    /// with them written in (the transform stage reads groups; the tests and the fuzz
    /// harness read these).
    func slots(at index: Int) -> ColumnSlots {
        var (column, replaced) = withRoomForReplacements(index)
        for (record, slot) in replaced where column[record] != slot { column[record] = slot }
        return ColumnSlots(storage: column)
    }

    /// The column at `index`, widened if it cannot hold the values that replaced some of
    /// its records as it is packed, and those values, by record (none for a column the
    /// store does not keep).
    private func withRoomForReplacements(_ index: Int) -> (PackedColumn, [(record: Int, slot: UInt64)]) {
        guard !replacements.isEmpty, !storage[index].isNone else { return (storage[index], []) }
        let replaced = replacements.values(in: index)
        return (storage[index].holding(replaced.lazy.map(\.slot)), replaced)
    }

    /// Every distinct text of the column at `index`, by number.
    func texts(at index: Int) -> [String] {
        let interner = interners[index]
        return (0..<interner.count).map(interner.string)
    }

    // By name, for the fuzz harness and the tests.

    package func columnIndex(_ name: String) -> Int {
        columns.firstIndex { $0.name == name }!
    }

    package func slots(of name: String) -> ColumnSlots {
        slots(at: columnIndex(name))
    }

    /// The text behind an interned slot of a text, amount or score column.
    package func text(of name: String, slot: UInt64) -> String? {
        guard !Slot.isEmpty(slot) else { return nil }
        return interners[columnIndex(name)].string(Int(slot))
    }

    package func texts(of name: String) -> [String] {
        texts(at: columnIndex(name))
    }
}

/// One column's slots as 64-bit values (see `Slot`), read from its packed storage. Holds
/// the storage (so it stays alive and unchanged) and reads it through a pointer, without
/// reference counting per value.
@usableFromInline
package struct ColumnSlots: RandomAccessCollection, @unchecked Sendable {
    let storage: PackedColumn
    /// The same slots without the storage: for a loop over every record, where each copy of
    /// a `ColumnSlots` (into a closure, an optional, an array element) would retain it.
    @usableFromInline package let unretained: UnretainedSlots

    init(storage: PackedColumn) {
        self.storage = storage
        let (pointer, width, base) = storage.layout
        unretained = UnretainedSlots(pointer: pointer, width: width, base: base, count: storage.count)
    }

    @usableFromInline package var startIndex: Int { 0 }
    @usableFromInline package var endIndex: Int { unretained.count }

    /// Inlined: the transform stage reads every record's slots through this.
    @inlinable @inline(__always)
    package subscript(record: Int) -> UInt64 { unretained[record] }

    /// A stored value back as a slot: the top two values of a width are the sentinels
    /// (`Slot.missing`, `Slot.absent`), the others are offsets from `base`. `PackedColumn`
    /// reads its values through this too.
    @inlinable @inline(__always)
    static func widen(_ value: UInt64, top: UInt64, base: UInt64) -> UInt64 {
        value >= top - 1 ? Slot.absent - (top - value) : value + base
    }
}

/// A column's slots read through a pointer alone, valid only while the `ColumnSlots` it came
/// from (or the store) lives and is not changed.
@usableFromInline
package struct UnretainedSlots: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeRawPointer?
    @usableFromInline let width: Int
    @usableFromInline let base: UInt64
    @usableFromInline package let count: Int

    init(pointer: UnsafeRawPointer?, width: Int, base: UInt64, count: Int) {
        self.pointer = pointer
        self.width = width
        self.base = base
        self.count = count
    }

    /// Always inlined: a call per value would cost more than the read.
    @inlinable @inline(__always)
    package subscript(record: Int) -> UInt64 {
        precondition(record >= 0 && record < count, "record out of range")
        switch width {
        case 0: return Slot.absent
        case 1: return ColumnSlots.widen(UInt64(pointer!.load(fromByteOffset: record, as: UInt8.self)), top: UInt64(UInt8.max), base: 0)
        case 2: return ColumnSlots.widen(UInt64(pointer!.load(fromByteOffset: record * 2, as: UInt16.self)), top: UInt64(UInt16.max), base: 0)
        case 4: return ColumnSlots.widen(UInt64(pointer!.load(fromByteOffset: record * 4, as: UInt32.self)), top: UInt64(UInt32.max), base: base)
        default: return pointer!.load(fromByteOffset: record * 8, as: UInt64.self)
        }
    }
}

/// A column's values, as narrow as they allow: every column starts at one byte per record
/// and is rewritten wider the first time a value does not fit. Values far from zero but
/// close to each other (dates: seconds since year 1) take four bytes as an offset from a
/// base. Sentinels (`Slot.absent`, `Slot.missing`) map to the top two values of each width.
enum PackedColumn: Sendable {
    case none
    case u8(FlatArray<UInt8>)
    case u16(FlatArray<UInt16>)
    case u32(FlatArray<UInt32>)
    /// value - base, in 32 bits.
    case offset32(FlatArray<UInt32>, base: UInt64)
    case u64(FlatArray<UInt64>)

    var isNone: Bool {
        if case .none = self { true } else { false }
    }

    /// `FlatArray.ownPage`: for a column mapped from a run state, the page of value
    /// `index` taken before it is read.
    func ownPage(of index: Int) {
        switch self {
        case .none: break
        case .u8(let values): values.ownPage(of: index)
        case .u16(let values): values.ownPage(of: index)
        case .u32(let values), .offset32(let values, _): values.ownPage(of: index)
        case .u64(let values): values.ownPage(of: index)
        }
    }

    var isMapped: Bool {
        switch self {
        case .none: false
        case .u8(let values): values.isMapped
        case .u16(let values): values.isMapped
        case .u32(let values), .offset32(let values, _): values.isMapped
        case .u64(let values): values.isMapped
        }
    }

    /// `FlatArray.releaseUnchangedPages`.
    func releaseUnchangedPages() {
        switch self {
        case .none: break
        case .u8(let values): values.releaseUnchangedPages()
        case .u16(let values): values.releaseUnchangedPages()
        case .u32(let values), .offset32(let values, _): values.releaseUnchangedPages()
        case .u64(let values): values.releaseUnchangedPages()
        }
    }

    /// Where the values are, their width in bytes (0: none) and the base added to them.
    var layout: (UnsafeRawPointer?, Int, UInt64) {
        switch self {
        case .none: (nil, 0, 0)
        case .u8(let values): (values.baseAddress, 1, 0)
        case .u16(let values): (values.baseAddress, 2, 0)
        case .u32(let values): (values.baseAddress, 4, 0)
        case .offset32(let values, let base): (values.baseAddress, 4, base)
        case .u64(let values): (values.baseAddress, 8, 0)
        }
    }

    var count: Int {
        switch self {
        case .none: 0
        case .u8(let values): values.count
        case .u16(let values): values.count
        case .u32(let values): values.count
        case .offset32(let values, _): values.count
        case .u64(let values): values.count
        }
    }

    subscript(index: Int) -> UInt64 {
        @inline(__always) get {
            switch self {
            case .none: Slot.absent
            case .u8(let values): ColumnSlots.widen(UInt64(values[index]), top: UInt64(UInt8.max), base: 0)
            case .u16(let values): ColumnSlots.widen(UInt64(values[index]), top: UInt64(UInt16.max), base: 0)
            case .u32(let values): ColumnSlots.widen(UInt64(values[index]), top: UInt64(UInt32.max), base: 0)
            case .offset32(let values, let base): ColumnSlots.widen(UInt64(values[index]), top: UInt64(UInt32.max), base: base)
            case .u64(let values): values[index]
            }
        }
        set {
            makeRoom(for: newValue)
            switch self {
            case .none: break
            case .u8(var values):
                self = .none
                values[index] = UInt8(Self.narrow(newValue, top: UInt64(UInt8.max), base: 0))
                self = .u8(values)
            case .u16(var values):
                self = .none
                values[index] = UInt16(Self.narrow(newValue, top: UInt64(UInt16.max), base: 0))
                self = .u16(values)
            case .u32(var values):
                self = .none
                values[index] = UInt32(Self.narrow(newValue, top: UInt64(UInt32.max), base: 0))
                self = .u32(values)
            case .offset32(var values, let base):
                self = .none
                values[index] = UInt32(Self.narrow(newValue, top: UInt64(UInt32.max), base: base))
                self = .offset32(values, base: base)
            case .u64(var values):
                self = .none
                values[index] = newValue
                self = .u64(values)
            }
        }
    }

    @inline(__always)
    mutating func append(_ value: UInt64) {
        makeRoom(for: value)
        switch self {
        case .none: break
        case .u8(var values):
            self = .none
            values.append(UInt8(Self.narrow(value, top: UInt64(UInt8.max), base: 0)))
            self = .u8(values)
        case .u16(var values):
            self = .none
            values.append(UInt16(Self.narrow(value, top: UInt64(UInt16.max), base: 0)))
            self = .u16(values)
        case .u32(var values):
            self = .none
            values.append(UInt32(Self.narrow(value, top: UInt64(UInt32.max), base: 0)))
            self = .u32(values)
        case .offset32(var values, let base):
            self = .none
            values.append(UInt32(Self.narrow(value, top: UInt64(UInt32.max), base: base)))
            self = .offset32(values, base: base)
        case .u64(var values):
            self = .none
            values.append(value)
            self = .u64(values)
        }
    }

    /// Appends `slots[row * width + column]` for each of `rows`.
    mutating func append(rows: UnsafeBufferPointer<Int32>, of slots: UnsafeBufferPointer<UInt64>, column: Int, width: Int) {
        guard !rows.isEmpty, !isNone else { return }
        var lowest = UInt64.max
        var highest: UInt64 = 0
        for row in rows {
            let value = slots[Int(row) * width + column]
            if value < Slot.missing {
                lowest = min(lowest, value)
                highest = max(highest, value)
            }
        }
        if highest >= lowest && (!fits(lowest) || !fits(highest)) {
            // Both at once: a base chosen for one alone might not hold the other.
            repack(including: lowest, highest)
        }
        func fill<T: FixedWidthInteger & BitwiseCopyable>(_ values: inout FlatArray<T>, base: UInt64) {
            values.append(count: rows.count) { target in
                for (index, row) in rows.enumerated() {
                    target[index] = T(truncatingIfNeeded: Self.narrow(slots[Int(row) * width + column], top: UInt64(T.max), base: base))
                }
            }
        }
        switch self {
        case .none: break
        case .u8(var values):
            self = .none
            fill(&values, base: 0)
            self = .u8(values)
        case .u16(var values):
            self = .none
            fill(&values, base: 0)
            self = .u16(values)
        case .u32(var values):
            self = .none
            fill(&values, base: 0)
            self = .u32(values)
        case .offset32(var values, let base):
            self = .none
            fill(&values, base: base)
            self = .offset32(values, base: base)
        case .u64(var values):
            self = .none
            values.append(count: rows.count) { target in
                for (index, row) in rows.enumerated() { target[index] = slots[Int(row) * width + column] }
            }
            self = .u64(values)
        }
    }

    /// The column, rewritten wider if it cannot hold every one of `slots` as it is.
    func holding(_ slots: some Sequence<UInt64>) -> PackedColumn {
        var lowest = UInt64.max
        var highest: UInt64 = 0
        for slot in slots where slot < Slot.missing {
            lowest = min(lowest, slot)
            highest = max(highest, slot)
        }
        guard highest >= lowest, !fits(lowest) || !fits(highest) else { return self }
        var wider = self
        wider.repack(including: lowest, highest)
        return wider
    }

    @inline(__always)
    private mutating func makeRoom(for value: UInt64) {
        if !fits(value) { repack(including: value, value) }
    }

    @inline(__always)
    private func fits(_ value: UInt64) -> Bool {
        if value >= Slot.missing { return true }
        switch self {
        case .none, .u64: return true
        case .u8: return value < UInt64(UInt8.max) - 1
        case .u16: return value < UInt64(UInt16.max) - 1
        case .u32: return value < UInt64(UInt32.max) - 1
        case .offset32(_, let base): return value >= base && value - base < UInt64(UInt32.max) - 1
        }
    }

    /// Rewrites the column in the narrowest form that holds its values and the range
    /// `newLowest ... newHighest` of values about to be added.
    private mutating func repack(including newLowest: UInt64, _ newHighest: UInt64) {
        let values = (0..<count).map { self[$0] }
        var lowest = newLowest
        var highest = newHighest
        for value in values where value < Slot.missing {
            lowest = min(lowest, value)
            highest = max(highest, value)
        }
        func pack<T: FixedWidthInteger & BitwiseCopyable>(_ type: T.Type, base: UInt64) -> FlatArray<T> {
            var packed = FlatArray<T>()
            for value in values { packed.append(T(Self.narrow(value, top: UInt64(T.max), base: base))) }
            return packed
        }
        // Room below the lowest value, so that an earlier date does not repack again.
        let slack: UInt64 = 1 << 30
        let base = lowest > slack ? lowest - slack : 0
        if highest < UInt64(UInt8.max) - 1 {
            self = .u8(pack(UInt8.self, base: 0))
        } else if highest < UInt64(UInt16.max) - 1 {
            self = .u16(pack(UInt16.self, base: 0))
        } else if highest < UInt64(UInt32.max) - 1 {
            self = .u32(pack(UInt32.self, base: 0))
        } else if highest - base < UInt64(UInt32.max) - 1 {
            self = .offset32(pack(UInt32.self, base: base), base: base)
        } else {
            var wide = FlatArray<UInt64>()
            for value in values { wide.append(value) }
            self = .u64(wide)
        }
    }

    @inline(__always)
    private static func narrow(_ value: UInt64, top: UInt64, base: UInt64) -> UInt64 {
        value >= Slot.missing ? top - (Slot.absent - value) : value - base
    }
}

/// The encoding of values in a `RecordStore`'s slots.
@usableFromInline
package enum Slot {
    // Inlinable, like the other readers here: the transform stage calls them per record
    // from another module.

    /// The record's file had no such column.
    @inlinable package static var absent: UInt64 { UInt64.max }
    /// The column was there and the value empty.
    @inlinable package static var missing: UInt64 { UInt64.max - 1 }

    @inlinable package static func isEmpty(_ slot: UInt64) -> Bool { slot >= missing }

    /// Seconds since 0001-01-01, doubled, plus one for month precision.
    package static func encode(_ time: LocalDateTime) -> UInt64 {
        UInt64(time.ordinalSeconds) << 1 | (time.monthPrecision ? 1 : 0)
    }

    @inlinable package static func dayNumber(_ slot: UInt64) -> Int {
        Int(slot >> 1) / 86_400
    }

    @inlinable package static func isMonthPrecision(_ slot: UInt64) -> Bool {
        slot & 1 == 1
    }

    /// Kind, year and index in 32 bits (a period column is stored narrow).
    package static func encode(_ period: Period) -> UInt64 {
        UInt64(period.kind.rawValue) << 24 | UInt64(period.year) << 4 | UInt64(period.index)
    }

    package static func period(_ slot: UInt64) -> Period {
        let kind = Period.Kind(rawValue: Int(slot >> 24))!
        return Period(kind: kind, year: Int((slot >> 4) & 0xF_FFFF), index: Int(slot & 0xF))!
    }
}

// MARK: The run state

extension RecordStore {
    /// The store as it stands, keys included (before `releaseKeys`).
    func write(to writer: StateWriter) throws {
        precondition(!keysReleased, "a store written after its key index was let go")
        try writer.integer(count)
        try keys.write(to: writer)
        try writer.integer(storage.count)
        for index in storage.indices {
            let (column, replaced) = withRoomForReplacements(index)
            try column.write(to: writer, replacing: replaced)
        }
        for interner in interners { try interner.write(to: writer) }
    }

    /// The record groups (`countStanding` done), written apart from the rest of the store:
    /// a run writes them after letting the key index go, so that the two are never in
    /// memory at once. `delta`: what changed since `markRestored` (a delta of the state).
    func writeGroups(to writer: StateWriter, delta: Bool = false) throws {
        precondition(tallied == count, "groups written before every record was counted")
        if delta { try grouped.writeDelta(to: writer) } else { try grouped.write(to: writer) }
    }

    /// The groups `writeGroups` wrote, for this store as `init(from:)` (or, `delta`,
    /// `readDelta` of the same file) read it.
    mutating func readGroups(from reader: StateReader, delta: Bool = false) throws {
        if delta { try grouped.readDelta(from: reader, records: count) } else { try grouped.read(from: reader, records: count) }
        tallied = count
    }

    /// The store `write` wrote, for `dataset` (whose columns it must have): rows can be
    /// applied to it as to the store it was.
    init(dataset: Dataset, from reader: StateReader) throws {
        self.init(dataset: dataset)
        let damaged = { (what: String) in StateError("\(reader.path) is damaged (\(dataset.name): \(what))") }
        count = try reader.integer()
        keys = try ByteTable(from: reader)
        guard count >= 0, keyless ? keys.count <= count : keys.count == count else { throw damaged("keys and records differ") }
        guard try reader.integer() == storage.count else { throw damaged("another number of columns") }
        for column in storage.indices {
            let read = try PackedColumn(from: reader)
            guard read.isNone == storage[column].isNone, read.isNone || read.count == count else { throw damaged("a column of another length") }
            storage[column] = read
        }
        for column in interners.indices { interners[column] = try ByteTable(from: reader) }
        replacements = Replacements(limit: count, width: storage.count)
    }
}

extension RecordStore {
    /// Marks the store as restored: `writeDelta` writes what changes from here on.
    package mutating func markRestored() {
        precondition(tallied == count, "a store restored before every record was counted")
        restored = Restored(records: count, keys: keys.count, interned: interners.map(\.count))
        grouped.markRestored()
    }

    /// Whether the store was restored, so that a delta of it can be written.
    package var isRestored: Bool { restored != nil }

    /// What changed since `markRestored`: the records added (keys and every column), the
    /// records replaced (every column), the texts interned.
    func writeDelta(to writer: StateWriter) throws {
        guard let restored else { preconditionFailure("a delta of a store that was not restored") }
        precondition(!keysReleased, "a store written after its key index was let go")
        try writer.integer(restored.records)
        try writer.integer(count)
        try keys.writeDelta(since: restored.keys, to: writer)
        let replaced = Array(Set(restored.replaced)).sorted()
        try writer.integer(replaced.count)
        for record in replaced { try writer.integer(record) }
        for column in storage.indices where !storage[column].isNone {
            for record in restored.records..<count { try writer.integer(Int(bitPattern: UInt(storage[column][record]))) }
            // The replaced records' values: the replacements' for records of the state read
            // first, and for those a delta added, the column's.
            for record in replaced {
                let slot = record < replacements.limit ? replacements[replacements.row(of: record)!, column] : storage[column][record]
                try writer.integer(Int(bitPattern: UInt(slot)))
            }
            // The pages that the night's last rows repeating old records took (those
            // before went every 1,024 rows, `readingRestored`).
            storage[column].releaseUnchangedPages()
        }
        for column in interners.indices { try interners[column].writeDelta(since: restored.interned[column], to: writer) }
    }

    /// Applies a delta written by `writeDelta` to the store it was written from.
    mutating func readDelta(from reader: StateReader) throws {
        let name = dataset.name
        let damaged = { (what: String) in StateError("\(reader.path) is damaged (\(name): \(what))") }
        guard try reader.integer() == count else { throw damaged("a delta of another store") }
        let after = try reader.integer()
        guard after >= count, after - count <= reader.remaining / 8 else { throw damaged("a count of \(after) records") }
        try keys.readDelta(from: reader)
        guard keyless ? keys.count <= after : keys.count == after else { throw damaged("keys and records differ") }
        var replaced: [Int] = []
        for _ in 0..<(try reader.count(of: 8)) {
            let record = try reader.integer()
            guard record >= 0 && record < count else { throw damaged("a replaced record out of range") }
            replaced.append(record)
        }
        for column in storage.indices where !storage[column].isNone {
            for _ in count..<after { storage[column].append(UInt64(UInt(bitPattern: try reader.integer()))) }
            // As `compareAndReplace` replaces them: a record of the state read first in the
            // replacements, one a delta added in its column.
            for record in replaced {
                let value = UInt64(UInt(bitPattern: try reader.integer()))
                if record < replacements.limit {
                    replacements.replace(record, column: column, with: value)
                } else {
                    storage[column][record] = value
                }
            }
        }
        count = after
        for column in interners.indices { try interners[column].readDelta(from: reader) }
    }
}

extension PackedColumn {
    /// The column, with the values of some records (in order, each one the column can
    /// hold: `holding`) written in place of its own.
    func write(to writer: StateWriter, replacing replaced: [(record: Int, slot: UInt64)] = []) throws {
        func write<T: FixedWidthInteger & BitwiseCopyable>(_ array: FlatArray<T>, base: UInt64) throws {
            guard !replaced.isEmpty else { return try array.write(to: writer) }
            var next = 0
            try array.write(to: writer) { part, first in
                while next < replaced.count && replaced[next].record < first + part.count {
                    part[replaced[next].record - first] = T(truncatingIfNeeded: Self.narrow(replaced[next].slot, top: UInt64(T.max), base: base))
                    next += 1
                }
            }
            precondition(next == replaced.count, "a replaced record past the column's end")
        }
        switch self {
        case .none: try writer.integer(0)
        case .u8(let values): try writer.integer(1); try write(values, base: 0)
        case .u16(let values): try writer.integer(2); try write(values, base: 0)
        case .u32(let values): try writer.integer(3); try write(values, base: 0)
        case .offset32(let values, let base):
            try writer.integer(4)
            try writer.integer(Int(truncatingIfNeeded: base))
            try write(values, base: base)
        case .u64(let values): try writer.integer(5); try write(values, base: 0)
        }
    }

    init(from reader: StateReader) throws {
        switch try reader.integer() {
        case 0: self = .none
        case 1: self = .u8(try FlatArray(from: reader))
        case 2: self = .u16(try FlatArray(from: reader))
        case 3: self = .u32(try FlatArray(from: reader))
        case 4:
            let base = UInt64(truncatingIfNeeded: try reader.integer())
            self = .offset32(try FlatArray(from: reader), base: base)
        case 5: self = .u64(try FlatArray(from: reader))
        case let kind: throw StateError("\(reader.path) is damaged (a column of kind \(kind))")
        }
    }
}
