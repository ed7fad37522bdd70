import CSVReading
import Schema

/// What the figures of a dataset are computed from, counted in groups of standing records:
/// each grouping keeps, per group of records that agree on what it counts them by, those
/// values once and the number of records. The transform stage reads the groups, not the
/// records (`RecordStore.groups(_:)`), so its cost follows the number of groups, however
/// many records there are:
///
/// - `trends` (events): by day, place (district, street, community) and the set of metrics
///   the record counts in: at most days × places × sets of metrics;
/// - `breakdown` (events with a breakdown column): by year, district and category;
/// - `compliance` (assessments): by place, period and verdict.
///
/// A record is counted once its dataset's files are all read (`RecordStore.countStanding`).
/// A conflict that replaces a record already counted moves it from its groups to those of
/// its new values, so the counts kept in the run state go on exactly as they would be made
/// again from every record.
public enum Grouping: Int, CaseIterable, Sendable {
    case trends, breakdown, compliance
}

/// One value a grouping counts records by, kept in 32 bits (`GroupTable.value`).
enum GroupPart: Equatable, Sendable {
    /// A datetime column's day: day number × 2, plus 1 for a date given to the month.
    case day(Int)
    /// A datetime column's year.
    case year(Int)
    /// A column's slot as it is (a text's number, a period, yes or no).
    case slot(Int)
    /// The set of the dataset's metrics the record counts in, as a bit mask.
    case metrics

    var column: Int? {
        switch self {
        case .day(let column), .year(let column), .slot(let column): column
        case .metrics: nil
        }
    }
}

struct RecordTally: Sendable {
    private(set) var tables: [GroupTable] = []
    /// The conditions of the metrics that have some (a metric without counts every record),
    /// each value of a condition's column judged once. A set of metrics is counted by
    /// these alone: bit i for the i-th of them.
    private var metrics: [[Condition]]
    /// The set of all the dataset's metrics (bit m for `Dataset.metrics[m]`) that each set
    /// of conditional ones stands for.
    let metricSets: [Int]

    struct Condition: Sendable {
        let column: Int
        let patterns: PatternList
        let absentMatches: Bool
        /// Whether each interned text of the column matches, by number (`prepare`).
        var matches: [Bool] = []

        /// Whether a record whose slot in the column is `slot` meets the condition: a text
        /// that matches, or no such column in its file when `absentMatches`; an empty
        /// value never.
        @inline(__always)
        func holds(_ slot: UInt64) -> Bool {
            slot == Slot.absent ? absentMatches : slot == Slot.missing ? false : matches[Int(slot)]
        }
    }

    init(dataset: Dataset) {
        let conditional = dataset.metrics.indices.filter { !dataset.metrics[$0].conditions.isEmpty }
        metrics = conditional.map { index in
            dataset.metrics[index].conditions.map { Condition(column: $0.column.index, patterns: $0.patterns, absentMatches: $0.absentMatches) }
        }
        precondition(metrics.count <= 24, "more than 24 metrics with conditions in one dataset")
        let always = dataset.metrics.indices.filter { dataset.metrics[$0].conditions.isEmpty }.reduce(0) { $0 | 1 << $1 }
        metricSets = (0..<(1 << conditional.count)).map { set in
            conditional.indices.reduce(always) { set & 1 << $1 != 0 ? $0 | 1 << conditional[$1] : $0 }
        }
        let district = GroupPart.slot(dataset.places.district.index)
        let places = [dataset.places.district, dataset.places.street, dataset.places.community].compactMap { $0 }.map { GroupPart.slot($0.index) }
        if dataset.kind == .events, let date = dataset.date {
            tables.append(GroupTable(grouping: .trends, parts: [.day(date.index)] + places + [.metrics], metrics: metrics.count))
            if let breakdown = dataset.breakdown {
                tables.append(GroupTable(grouping: .breakdown, parts: [.year(date.index), district, .slot(breakdown.index)]))
            }
        }
        if let compliance = dataset.complianceColumns {
            let street = dataset.places.street.map { [GroupPart.slot($0.index)] } ?? []
            tables.append(GroupTable(grouping: .compliance, parts: [district] + street
                                     + [.slot(compliance.period.index), .slot(compliance.compliant.index)]))
        }
    }

    func table(_ grouping: Grouping) -> GroupTable? {
        tables.first { $0.grouping == grouping }
    }

    /// Judges the texts interned since the last call (`interned[column]`: the column's
    /// texts), before records with them are counted.
    mutating func prepare(_ interned: [ByteTable]) {
        for metric in metrics.indices {
            for index in metrics[metric].indices {
                let column = metrics[metric][index].column
                while metrics[metric][index].matches.count < interned[column].count {
                    let text = interned[column].string(metrics[metric][index].matches.count)
                    metrics[metric][index].matches.append(metrics[metric][index].patterns.matches(text))
                }
            }
        }
    }

    /// The metrics a record counts in, as a bit mask; `slot(column)` gives its slots.
    @inline(__always)
    private func mask(_ slot: (Int) -> UInt64) -> UInt32 {
        var mask: UInt32 = 0
        for (metric, conditions) in metrics.enumerated() {
            var counts = true
            for condition in conditions {
                counts = condition.holds(slot(condition.column))
                if !counts { break }
            }
            if counts { mask |= 1 << metric }
        }
        return mask
    }

    /// Adds one record, whose slots `slot(column)` gives, to its group in every grouping
    /// (`records` 1), or takes it away (-1).
    mutating func change(by records: Int, _ slot: (Int) -> UInt64) {
        let mask = mask(slot)
        for index in tables.indices { tables[index].change(by: records, slot, mask: mask) }
    }

    /// Counts `records` (many at once): `columns[column]` holds their slots; `isText`
    /// says which columns hold numbers of interned texts, of which there are
    /// `textCounts[column]`. With `jobs` > 1, the groupings are counted at once, each on a
    /// thread of its own.
    mutating func count(_ records: Range<Int>, columns: [UnretainedSlots], isText: [Bool], textCounts: [Int], jobs: Int) {
        guard !records.isEmpty, !tables.isEmpty else { return }
        let metrics = metrics
        let tables = UnsafeMutableBufferPointer<GroupTable>.allocate(capacity: self.tables.count)
        _ = tables.initialize(from: self.tables)
        // Taken out, so that each table has no other holder and is changed in place.
        self.tables = []
        defer {
            self.tables = Array(tables)
            tables.deinitialize().deallocate()
        }
        let countOne = { (index: Int) in
            var counter = DenseCounter(parts: tables[index].parts, isText: isText, textCounts: textCounts)
            counter.count(records, columns: columns, metrics: tables[index].parts.contains(.metrics) ? metrics : [], into: &tables[index])
            counter.release()
        }
        // Each iteration changes only its own table.
        Parallel.each(tables.count, jobs: jobs, countOne)
    }
}

/// The groups of one grouping: their keys (each part's 32-bit value, `value`) in a
/// `ByteTable`, and each group's number of records.
struct GroupTable: Sendable {
    let grouping: Grouping
    let parts: [GroupPart]
    /// Groups by every part but the last, the set of metrics, when there are few such sets:
    /// a key then has a size per set (`width` of them), the groups' sizes side by side.
    /// A group is numbered key × `width` + set.
    private let width: Int
    private let keyParts: Int
    private var keys = ByteTable(capacity: 256)
    /// Each group's number of records: 0 for a set no record of the key counts in, and
    /// after conflicts moved a group's last record away.
    private(set) var sizes = FlatArray<UInt32>()
    /// The number of records in all groups.
    private(set) var total = 0
    /// The number of groups when they were restored from the run state (`markRestored`),
    /// and the groups among those whose size changed since (with repeats).
    private var restored: Int?
    private var touched: [Int32] = []

    /// `metrics`: the dataset's number of metrics.
    init(grouping: Grouping, parts: [GroupPart], metrics: Int = 0) {
        self.grouping = grouping
        self.parts = parts
        let bySet = parts.last == .metrics && metrics <= 4
        width = bySet ? 1 << metrics : 1
        keyParts = bySet ? parts.count - 1 : parts.count
    }

    /// The number of groups (sizes), empty ones included.
    var count: Int { sizes.count }

    static let absent = UInt32.max
    static let missing = UInt32.max - 1

    /// A part's value from the slot of its column (`mask`: the record's metrics).
    @inline(__always)
    static func value(_ part: GroupPart, _ slot: UInt64, mask: UInt32) -> UInt32 {
        if case .metrics = part { return mask }
        if slot == Slot.absent { return absent }
        if slot == Slot.missing { return missing }
        switch part {
        case .day: return UInt32(Slot.dayNumber(slot) * 2) | UInt32(slot & 1)
        case .year: return UInt32(LocalDate(dayNumber: Slot.dayNumber(slot)).year)
        case .slot:
            precondition(slot < UInt64(missing), "a value too large to group by")
            return UInt32(slot)
        case .metrics: return mask
        }
    }

    /// The slot a part's value stands for (a day's: its start).
    @inline(__always)
    static func slot(_ part: GroupPart, _ value: UInt32) -> UInt64 {
        if case .metrics = part { return UInt64(value) }
        if value == absent { return Slot.absent }
        if value == missing { return Slot.missing }
        if case .day = part { return UInt64(value >> 1) * 86_400 << 1 | UInt64(value & 1) }
        return UInt64(value)
    }

    /// Adds `records` (negative: takes them) to the group of `key` (a value per part).
    @inline(__always)
    mutating func change(by records: Int, key: UnsafeBufferPointer<UInt32>) {
        let (number, isNew) = keys.insert(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(key)[..<(keyParts * 4)]))
        if isNew { sizes.append(count: width) { $0.initialize(repeating: 0, count: width) } }
        let set = width == 1 ? 0 : Int(key[keyParts])
        precondition(set < width, "a set of metrics out of range")
        let group = number * width + set
        let size = Int(sizes[group]) + records
        precondition(size >= 0 && size <= Int(UInt32.max), "a group of \(size) records")
        sizes[group] = UInt32(size)
        total += records
        if number < restored ?? 0 { touched.append(Int32(group)) }
    }

    mutating func markRestored() {
        restored = keys.count
        touched = []
    }

    mutating func change(by records: Int, _ slot: (Int) -> UInt64, mask: UInt32) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: parts.count) { key in
            for (position, part) in parts.enumerated() {
                key[position] = Self.value(part, part.column.map(slot) ?? 0, mask: mask)
            }
            change(by: records, key: UnsafeBufferPointer(key))
        }
    }

    /// The groups with records in them, and their sizes.
    func nonEmptyGroups() -> (groups: [Int32], sizes: FlatArray<UInt32>) {
        sizes.withUnsafeBufferPointer { sizes in
            var groups: [Int32] = []
            groups.reserveCapacity(sizes.count)
            for group in sizes.indices where sizes[group] > 0 { groups.append(Int32(group)) }
            var kept = FlatArray<UInt32>()
            kept.append(count: groups.count) { target in
                for (index, group) in groups.enumerated() { target[index] = sizes[Int(group)] }
            }
            return (groups, kept)
        }
    }

    /// The values of the part at `position` of `groups`, as a column of slots: a day's as
    /// 64-bit slots, any other part's 32-bit values as they are kept (their sentinels are a
    /// 32-bit column's, `PackedColumn`), half the memory.
    func values(at position: Int, of groups: [Int32]) -> PackedColumn {
        // `width` is a power of two: a group's key and set by shifting and masking.
        let shift = width.trailingZeroBitCount
        let stride = keyParts * 4
        func fill<T: FixedWidthInteger & BitwiseCopyable>(_ type: T.Type, _ value: (UInt32) -> T) -> FlatArray<T> {
            var values = FlatArray<T>()
            groups.withUnsafeBufferPointer { groups in
                values.append(count: groups.count) { target in
                    if position == keyParts {
                        let set = Int32(width - 1)
                        for index in groups.indices { target[index] = value(UInt32(groups[index] & set)) }
                        return
                    }
                    // Every key has `keyParts` values: key n is at n × keyParts × 4 in the arena.
                    keys.withArena { arena in
                        let part = arena.baseAddress! + position * 4
                        for index in groups.indices {
                            target[index] = value(part.load(fromByteOffset: Int(groups[index] >> shift) * stride, as: UInt32.self))
                        }
                    }
                }
            }
            return values
        }
        let part = parts[position]
        guard case .day = part else { return .u32(fill(UInt32.self) { $0 }) }
        // Days as slots less the earliest one, in 32 bits while the days span less than
        // about 68 years (a day is 172,800 apart in slots).
        var lowest = UInt64.max
        var highest: UInt64 = 0
        keys.withArena { arena in
            for number in 0..<keys.count {
                let value = arena.load(fromByteOffset: number * stride + position * 4, as: UInt32.self)
                guard value < Self.missing else { continue }
                lowest = min(lowest, Self.slot(part, value))
                highest = max(highest, Self.slot(part, value))
            }
        }
        guard lowest <= highest, highest - lowest < UInt64(UInt32.max) - 1 else { return .u64(fill(UInt64.self) { Self.slot(part, $0) }) }
        return .offset32(fill(UInt32.self) { value in
            value >= Self.missing ? value : UInt32(Self.slot(part, value) - lowest)
        }, base: lowest)
    }
}

/// Counts many records into a `GroupTable` without a lookup per record: each record's
/// texts (its "combination") get a number through a flat table, and its day, year and
/// metrics an offset in a block of counts per combination, for a part of records whose
/// days are close (the files are mostly in order of time). The counts that are not zero
/// then go to the table, one lookup per group met. A part whose block would be too large
/// is counted record by record instead (the same counts). Its memory is let go by `release`.
struct DenseCounter {
    let parts: [GroupPart]
    /// The text parts' positions, and each one's number of values (texts, empty, absent):
    /// a combination is numbered by these digits.
    private let textParts: [Int]
    private let radix: [Int]
    private let usable: Bool
    /// Combination numbers (-1: none yet) by digits, when there are at most `flatLimit`.
    private var numbers: UnsafeMutableBufferPointer<Int32>
    private var sparse: [Int: Int32] = [:]
    private var combinations: [Int] = []
    private var cells = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: 0)
    private var masks = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: 0)
    private static let flatLimit = 1 << 22
    private static let cellLimit = 1 << 22
    private static let dayLimit = 1 << 12
    private static let partRecords = 1 << 16

    init(parts: [GroupPart], isText: [Bool], textCounts: [Int]) {
        self.parts = parts
        var textParts: [Int] = []
        var usable = true
        for (position, part) in parts.enumerated() {
            if case .slot(let column) = part {
                if isText[column] { textParts.append(position) } else { usable = false }
            }
        }
        self.textParts = textParts
        radix = textParts.map { position in textCounts[parts[position].column!] + 2 }
        // Every combination's number must fit in an Int.
        var product = 1
        for size in radix {
            let (next, overflow) = product.multipliedReportingOverflow(by: size)
            if overflow { usable = false; break }
            product = next
        }
        self.usable = usable
        numbers = .allocate(capacity: usable && product <= Self.flatLimit ? product : 0)
        numbers.initialize(repeating: -1)
    }

    func release() {
        for test in tests { test.counts.deallocate() }
        numbers.deallocate()
        cells.deallocate()
        masks.deallocate()
    }

    /// Counts `records`; `metrics` (when the table counts by them): the conditions.
    mutating func count(_ records: Range<Int>, columns: [UnretainedSlots], metrics: [[RecordTally.Condition]], into table: inout GroupTable) {
        var start = records.lowerBound
        while start < records.upperBound {
            let part = start..<min(start + Self.partRecords, records.upperBound)
            computeMasks(part, columns: columns, metrics: metrics)
            let counted = usable ? countDense(part, columns: columns, into: &table) : part.lowerBound
            for record in counted..<part.upperBound {
                table.change(by: 1, { columns[$0][record] }, mask: masks[record - part.lowerBound])
            }
            start = part.upperBound
        }
    }

    /// Each record's metrics (`masks`), by tests read through pointers: for each
    /// condition, whether it holds for each value (`Condition.holds`), with two more entries
    /// for an empty value and a file without the column (no reference counted per record).
    private mutating func computeMasks(_ part: Range<Int>, columns: [UnretainedSlots], metrics: [[RecordTally.Condition]]) {
        if masks.count < part.count {
            masks.deallocate()
            masks = .allocate(capacity: Self.partRecords)
        }
        if tests.isEmpty && !metrics.isEmpty {
            for (metric, conditions) in metrics.enumerated() {
                allMetrics |= 1 << metric
                for condition in conditions {
                    let table = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: condition.matches.count + 2)
                    let values = condition.matches.indices.map { UInt64($0) } + [Slot.missing, Slot.absent]
                    _ = table.initialize(from: values.map { condition.holds($0) ? 1 : 0 })
                    tests.append(Test(column: columns[condition.column], counts: table, bit: 1 << metric))
                }
            }
        }
        for record in part {
            var mask = allMetrics
            for test in tests {
                let slot = test.column[record]
                let entry = slot >= Slot.missing ? test.counts.count - (slot == Slot.absent ? 1 : 2) : Int(slot)
                if test.counts[entry] == 0 { mask &= ~test.bit }
            }
            masks[record - part.lowerBound] = mask
        }
    }

    private struct Test {
        let column: UnretainedSlots
        let counts: UnsafeMutableBufferPointer<UInt8>
        let bit: UInt32
    }
    private var tests: [Test] = []
    private var allMetrics: UInt32 = 0

    /// Counts the records of `part` from its first on, until one would make the block of
    /// counts too large; returns the first record not counted.
    private mutating func countDense(_ part: Range<Int>, columns: [UnretainedSlots], into table: inout GroupTable) -> Int {
        guard let layout = Layout(parts: parts, part: part, columns: columns, masks: UnsafeBufferPointer(rebasing: masks[..<part.count])) else { return part.lowerBound }
        let block = layout.block
        // The combinations met before, in this part's blocks.
        guard combinations.count * block <= Self.cellLimit else { return part.lowerBound }
        growCells(to: combinations.count * block)
        let textSlots = textParts.map { columns[parts[$0].column!] }
        let flat = numbers.count > 0
        var counted = part.lowerBound
        for record in part {
            var key = 0
            for index in textSlots.indices {
                let slot = textSlots[index][record]
                let size = radix[index]
                key = key * size + (slot >= Slot.missing ? (slot == Slot.absent ? size - 1 : size - 2) : Int(slot))
            }
            var number = flat ? numbers[key] : sparse[key] ?? -1
            if number < 0 {
                guard (combinations.count + 1) * block <= Self.cellLimit else { break }
                number = Int32(combinations.count)
                if flat { numbers[key] = number } else { sparse[key] = number }
                combinations.append(key)
                growCells(to: combinations.count * block)
            }
            cells[Int(number) * block + layout.offset(record, mask: masks[record - part.lowerBound])] &+= 1
            counted = record + 1
        }
        flush(layout, into: &table)
        return counted
    }

    private mutating func growCells(to wanted: Int) {
        guard wanted > cells.count else { return }
        let grown = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: max(wanted, cells.count * 2))
        grown.initialize(repeating: 0)
        _ = grown.update(fromContentsOf: cells)
        cells.deallocate()
        cells = grown
    }

    /// Moves the counts that are not zero to the table, and clears them.
    private mutating func flush(_ layout: Layout, into table: inout GroupTable) {
        let block = layout.block
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: parts.count) { key in
            for (number, combination) in combinations.enumerated() {
                var rest = combination
                for (index, position) in textParts.enumerated().reversed() {
                    let value = rest % radix[index]
                    rest /= radix[index]
                    key[position] = value == radix[index] - 1 ? GroupTable.absent : value == radix[index] - 2 ? GroupTable.missing : UInt32(value)
                }
                for cell in number * block..<(number + 1) * block where cells[cell] > 0 {
                    layout.decode(cell - number * block, into: key)
                    table.change(by: Int(cells[cell]), key: UnsafeBufferPointer(key))
                    cells[cell] = 0
                }
            }
        }
    }

    /// Where a record's dense parts (day, year, metrics) put it in its combination's block.
    struct Layout {
        struct Dense {
            let position: Int
            /// 0: day, 1: year, 2: metrics.
            let kind: Int
            let slots: UnretainedSlots?
            /// The lowest value, and the number of values (empty and absent last).
            var low = 0
            var size = 0
            var stride = 0
        }
        var dense: [Dense] = []
        var block = 1
        /// Each day's year, from `firstDay`.
        var years: [Int32] = []
        var firstDay = 0

        init?(parts: [GroupPart], part: Range<Int>, columns: [UnretainedSlots], masks: UnsafeBufferPointer<UInt32>) {
            for (position, groupPart) in parts.enumerated() {
                switch groupPart {
                case .day(let column), .year(let column):
                    let dates = columns[column]
                    var lowest = Int.max
                    var highest = Int.min
                    for record in part where !Slot.isEmpty(dates[record]) {
                        let day = Slot.dayNumber(dates[record])
                        lowest = min(lowest, day)
                        highest = max(highest, day)
                    }
                    if lowest > highest { (lowest, highest) = (0, 0) }
                    guard highest - lowest < DenseCounter.dayLimit else { return nil }
                    if case .day = groupPart {
                        dense.append(Dense(position: position, kind: 0, slots: dates, low: lowest * 2, size: (highest - lowest + 1) * 2 + 2))
                    } else {
                        firstDay = lowest
                        years = (lowest...highest).map { Int32(LocalDate(dayNumber: $0).year) }
                        let first = Int(years.first!)
                        dense.append(Dense(position: position, kind: 1, slots: dates, low: first, size: Int(years.last!) - first + 1 + 2))
                    }
                case .metrics:
                    var all: UInt32 = 0
                    for mask in masks { all |= mask }
                    dense.append(Dense(position: position, kind: 2, slots: nil, low: 0, size: Int(all) + 1))
                case .slot: break
                }
            }
            for index in dense.indices.reversed() {
                dense[index].stride = block
                block *= dense[index].size
                guard block <= DenseCounter.cellLimit else { return nil }
            }
        }

        @inline(__always)
        func offset(_ record: Int, mask: UInt32) -> Int {
            var offset = 0
            for part in dense {
                var value: Int
                if part.kind == 2 {
                    value = Int(mask)
                } else {
                    let slot = part.slots![record]
                    if slot >= Slot.missing {
                        value = part.size - (slot == Slot.absent ? 1 : 2)
                    } else if part.kind == 0 {
                        value = Slot.dayNumber(slot) * 2 + Int(slot & 1) - part.low
                    } else {
                        value = Int(years[Slot.dayNumber(slot) - firstDay]) - part.low
                    }
                }
                offset += value * part.stride
            }
            return offset
        }

        /// The values of the dense parts of `cell` (an offset in a block), into `key`.
        func decode(_ cell: Int, into key: UnsafeMutableBufferPointer<UInt32>) {
            for part in dense {
                let value = cell / part.stride % part.size
                if part.kind == 2 {
                    key[part.position] = UInt32(value)
                } else {
                    key[part.position] = value == part.size - 1 ? GroupTable.absent : value == part.size - 2 ? GroupTable.missing : UInt32(value + part.low)
                }
            }
        }
    }
}

// MARK: The run state

extension RecordTally {
    func write(to writer: StateWriter) throws {
        for table in tables { try table.write(to: writer) }
    }

    /// The groupings `write` wrote, for the dataset they were made for, of `records`.
    mutating func read(from reader: StateReader, records: Int) throws {
        for index in tables.indices { try tables[index].read(from: reader, records: records) }
    }

    /// Marks the groups as restored: `writeDelta` writes what changes from here on.
    mutating func markRestored() {
        for index in tables.indices { tables[index].markRestored() }
    }

    func writeDelta(to writer: StateWriter) throws {
        for table in tables { try table.writeDelta(to: writer) }
    }

    mutating func readDelta(from reader: StateReader, records: Int) throws {
        for index in tables.indices { try tables[index].readDelta(from: reader, records: records) }
    }
}

extension GroupTable {
    func write(to writer: StateWriter) throws {
        try keys.write(to: writer)
        try sizes.write(to: writer)
    }

    mutating func read(from reader: StateReader, records: Int) throws {
        keys = try ByteTable(from: reader, length: keyParts * 4)
        var total = 0
        sizes = try FlatArray(from: reader) { sizes in for size in sizes { total += Int(size) } }
        guard keys.count * width == sizes.count else { throw Self.damaged(reader, "keys and sizes differ") }
        guard total == records else { throw Self.damaged(reader, "\(total) records counted of \(records)") }
        self.total = total
    }

    private static func damaged(_ reader: StateReader, _ what: String) -> StateError {
        StateError("\(reader.path) is damaged (record groups: \(what))")
    }

    /// The groups added since `markRestored`, and the size of each group changed since.
    func writeDelta(to writer: StateWriter) throws {
        guard let restored else { preconditionFailure("a delta of groups that were not restored") }
        try keys.writeDelta(since: restored, to: writer)
        let changed = Array(Set(touched)).sorted() + (restored * width..<count).map(Int32.init)
        try writer.integer(changed.count)
        for group in changed {
            try writer.integer(Int(group))
            try writer.integer(Int(sizes[Int(group)]))
        }
    }

    /// Applies a delta written by `writeDelta`; the sizes must then count `records`.
    mutating func readDelta(from reader: StateReader, records: Int) throws {
        let mark = keys.count
        try keys.readDelta(from: reader)
        for number in mark..<keys.count {
            guard keys.withBytes(of: number, { $0.count }) == keyParts * 4 else { throw Self.damaged(reader, "a key of another length") }
        }
        var total = self.total
        for _ in mark * width..<keys.count * width { sizes.append(0) }
        for _ in 0..<(try reader.count(of: 16)) {
            let group = try reader.integer()
            let size = try reader.integer()
            guard group >= 0, group < count, size >= 0, size <= Int(UInt32.max) else { throw Self.damaged(reader, "a group of \(size) records") }
            total += size - Int(sizes[group])
            sizes[group] = UInt32(size)
        }
        guard total == records else { throw Self.damaged(reader, "\(total) records counted of \(records)") }
        self.total = total
    }
}

/// The standing records of a dataset in the groups of one grouping (`RecordTally`): what
/// the transform stage reads. A group's values are read like a record's (`texts`, `dates`,
/// …, one value per group); `sizes` says how many records each stands for. Every group has
/// records.
public struct RecordGroups: Sendable {
    private let table: GroupTable
    /// The groups with records in them.
    private let groups: [Int32]
    private let names: [Int: [String]]
    /// Each group's number of records.
    public let sizes: GroupSizes

    /// The set of metrics each value of the `.metrics` part stands for (`RecordTally.metricSets`).
    private let metricSetsByValue: [Int]

    init(table: GroupTable, names: [Int: [String]], metricSets: [Int]) {
        self.table = table
        let (groups, sizes) = table.nonEmptyGroups()
        self.groups = groups
        self.names = names
        metricSetsByValue = metricSets
        self.sizes = GroupSizes(storage: sizes)
    }

    /// The number of groups.
    public var count: Int { sizes.count }

    private func slots(_ part: GroupPart, _ name: String) -> ColumnSlots {
        guard let position = table.parts.firstIndex(of: part) else { preconditionFailure("records are not grouped by \(part) ('\(name)')") }
        return ColumnSlots(storage: table.values(at: position, of: groups))
    }

    /// The values of a text column.
    public func texts(_ column: TextColumn) -> TextValues {
        TextValues(slots: slots(.slot(column.index), column.name), names: names[column.index] ?? [])
    }

    /// The days of a datetime column.
    public func dates(_ column: DateColumn) -> DateValues {
        DateValues(slots: slots(.day(column.index), column.name))
    }

    /// The years of a datetime column (nil: no date).
    public func years(_ column: DateColumn) -> [Int?] {
        slots(.year(column.index), column.name).map { Slot.isEmpty($0) ? nil : Int($0) }
    }

    /// The values of a period column.
    public func periods(_ column: PeriodColumn) -> PeriodValues {
        PeriodValues(slots: slots(.slot(column.index), column.name))
    }

    /// The values of a yes/no column.
    public func flags(_ column: FlagColumn) -> FlagValues {
        FlagValues(slots: slots(.slot(column.index), column.name))
    }

    /// Each group as text, its values (as slots) and its number of records, in byte
    /// order: two groupings of the same records give the same lines, however numbered.
    package var lines: [String] {
        let columns = table.parts.indices.map { ColumnSlots(storage: table.values(at: $0, of: groups)) }
        return (0..<count).map { group in
            columns.map { String($0[group]) }.joined(separator: " ") + " × " + String(sizes[group])
        }.sorted()
    }

    /// The set of metrics each group counts in: bit m for `Dataset.metrics[m]`, in 32 bits
    /// (a dataset has at most nine: `count` and eight declared); narrow, for memory: this
    /// is one of a warm run's largest arrays.
    public var metricSets: [UInt32] {
        let byValue = metricSetsByValue.map { UInt32(truncatingIfNeeded: $0) }
        return slots(.metrics, "metrics").map { byValue[Int($0)] }
    }
}

/// Each group's number of records, read through a pointer: valid while the `RecordGroups`
/// it came from lives.
public struct GroupSizes: @unchecked Sendable {
    private let storage: FlatArray<UInt32>
    @usableFromInline let pointer: UnsafePointer<UInt32>?
    public let count: Int

    init(storage: FlatArray<UInt32>) {
        self.storage = storage
        pointer = storage.baseAddress?.assumingMemoryBound(to: UInt32.self)
        count = storage.count
    }

    @inlinable @inline(__always)
    public subscript(group: Int) -> Int {
        precondition(group >= 0 && group < count, "group out of range")
        return Int(pointer![group])
    }
}
