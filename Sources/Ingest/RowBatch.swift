import CSVReading
import Schema

/// Rows decoded from one run of records (a chunk of a file, or a few thousand records of
/// a file read in order), ready to be applied to a `RecordStore` in file order.
///
/// Compact on purpose, since every row of the input passes through one: a row is its
/// columns' slots (see `Slot`) and its key's bytes and hash, in flat arrays. Text is
/// interned per batch: a text slot holds the batch's own number for the value, which the
/// store maps to its number once per distinct value (`globals`). Workers hash the keys, so
/// the thread that applies rows in order only probes its table.
package struct RowBatch: Sendable {
    let width: Int
    /// Data rows, rejected and filtered rows alike.
    var rowsRead = 0
    /// Rows left out by the filters (`keep`, `drop`).
    var filtered = 0
    /// `width` slots per decoded row.
    var slots: [UInt64] = []
    var keyBytes: [UInt8] = []
    /// Where each decoded row's key ends in `keyBytes`.
    var keyEnds: [Int] = []
    var keyHashes: [UInt64] = []
    var rejections: [Rejection] = []
    /// The batch's interned values of each interned column (nil for the others).
    var locals: [ByteTable?]
    /// For each interned column, the store's number of each of the batch's values, as far
    /// as the store has mapped them.
    var globals: [[UInt32]]

    struct Rejection: Sendable {
        let line: Int
        /// How many lines the record runs over.
        let lines: Int
        /// Rejected whole, over several lines, in the way a quote left open makes a record
        /// (see `RunOnRecords`).
        let mayBeRunOn: Bool
        let column: String
        let reason: String
        let record: String
    }

    init(decoder: RowDecoder) {
        width = decoder.interned.count
        locals = decoder.interned.map { $0 ? ByteTable() : nil }
        lastInterned = Array(repeating: -1, count: width)
        globals = Array(repeating: [], count: width)
        recent = FlatArray(repeating: 0, count: width * Self.recentEntries * 4)
    }

    /// A batch of no columns, holding no memory (a placeholder).
    init(width: Int) {
        precondition(width == 0, "only an empty placeholder is made without a decoder")
        self.width = 0
        locals = []
        lastInterned = []
        globals = []
        recent = FlatArray()
    }

    var rowCount: Int { keyEnds.count }

    /// Whether it was made for rows of `decoder`'s columns (the same ones interned).
    func fits(_ decoder: RowDecoder) -> Bool {
        width == decoder.interned.count && locals.indices.allSatisfy { (locals[$0] != nil) == decoder.interned[$0] }
    }

    /// Forgets the rows and the interned values, keeps the memory: ready for another chunk.
    mutating func reset() {
        removeRows()
        for column in locals.indices where locals[column] != nil { locals[column]!.removeAll() }
        for column in globals.indices { globals[column].removeAll(keepingCapacity: true) }
        for column in lastInterned.indices { lastInterned[column] = -1 }
        recent.fill(with: 0)
        lastDateSeconds = -1
        partStarted = false
    }

    /// Forgets the rows, keeps the interned values (and their mapping to the store's).
    mutating func removeRows() {
        rowsRead = 0
        filtered = 0
        slots.removeAll(keepingCapacity: true)
        keyBytes.removeAll(keepingCapacity: true)
        keyEnds.removeAll(keepingCapacity: true)
        keyHashes.removeAll(keepingCapacity: true)
        rejections.removeAll(keepingCapacity: true)
    }

    /// Short values seen lately, per interned column: a direct-mapped cache in front of
    /// `locals`. A value of 1 to 24 bytes (nearly every district, street, category and
    /// disposition) is told apart exactly by its length and three words (its first,
    /// middle and last eight bytes; below 8 bytes, the first word holds every byte), so a
    /// hit needs no hashing, probing or memcmp.
    /// Each entry is four words: those three, then length << 32 | (number + 1) (0: empty).
    private var recent: FlatArray<UInt64>
    static let recentEntries = 256

    @inline(__always)
    mutating func intern(_ bytes: UnsafeRawBufferPointer, column: Int) -> UInt64 {
        let count = bytes.count
        guard count > 0 && count <= 24, let base = bytes.baseAddress else { return internHashed(bytes, column: column) }
        var first: UInt64 = 0
        var middle: UInt64 = 0
        var last: UInt64 = 0
        if count >= 8 {
            first = base.loadUnaligned(as: UInt64.self)
            if count > 16 { middle = base.loadUnaligned(fromByteOffset: 8, as: UInt64.self) }
            last = base.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        } else {
            first = ByteHash.shortWord(base, count: count)
        }
        let mixed = (first ^ (middle << 21 | middle >> 43) ^ (last << 42 | last >> 22) ^ UInt64(count)) &* 0x9E37_79B9_7F4A_7C15
        let entry = (column * Self.recentEntries + Int(mixed >> 56)) * 4
        let words = recent.baseAddress!.assumingMemoryBound(to: UInt64.self) + entry
        if words[0] == first && words[1] == middle && words[2] == last && words[3] >> 32 == UInt64(count) {
            return (words[3] & 0xFFFF_FFFF) - 1
        }
        let number = locals[column]!.insert(bytes).number
        recent[entry] = first
        recent[entry + 1] = middle
        recent[entry + 2] = last
        recent[entry + 3] = UInt64(count) << 32 | UInt64(number + 1)
        return UInt64(number)
    }

    /// The date of the last `YYYY-MM-DD HH:MM:SS` value (or `YYYY/MM/DD HH:MM:SS`) parsed in
    /// full: its first ten bytes and its seconds at midnight (-1: none yet). Exports come
    /// in time order, so most rows share the row before's date and only the clock is read.
    private var lastDateBytes: (UInt64, UInt16) = (0, 0)
    private var lastDateSeconds: Int64 = -1

    /// The slot of a date and time read by the built-in forms, or nil when they do not
    /// read it. Gives what `ValueParser.dateTime(utf8:)` and `Slot.encode` give.
    @inline(__always)
    mutating func dateTimeSlot(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        @inline(__always) func twoDigits(_ index: Int) -> Int64? {
            let tens = bytes[index] &- 0x30
            let ones = bytes[index + 1] &- 0x30
            return tens < 10 && ones < 10 ? Int64(tens) * 10 + Int64(ones) : nil
        }
        guard bytes.count == 19, bytes[10] == 0x20, bytes[13] == 0x3A, bytes[16] == 0x3A,
              let hour = twoDigits(11), hour < 24, let minute = twoDigits(14), minute < 60,
              let second = twoDigits(17), second < 60 else {
            return ValueParser.dateTime(utf8: bytes, patterns: []).map(Slot.encode)
        }
        let clock = hour * 3600 + minute * 60 + second
        let raw = UnsafeRawPointer(bytes.baseAddress!)
        let date = (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        if lastDateSeconds >= 0 && date == lastDateBytes {
            return UInt64(lastDateSeconds + clock) << 1
        }
        guard let time = ValueParser.dateTime(utf8: bytes, patterns: []) else { return nil }
        // Kept only when the full parse read the clock where this one did.
        if !time.monthPrecision && Int64(time.hour * 3600 + time.minute * 60 + time.second) == clock {
            lastDateBytes = date
            lastDateSeconds = time.ordinalSeconds - clock
        }
        return Slot.encode(time)
    }

    /// Values too long for `recent`.
    private mutating func internHashed(_ bytes: UnsafeRawBufferPointer, column: Int) -> UInt64 {
        // Exports are often grouped (by district, by type): the value of the row before is
        // checked first, without hashing.
        let last = lastInterned[column]
        if last >= 0 && locals[column]!.bytesEqual(last, bytes) { return UInt64(last) }
        let number = locals[column]!.insert(bytes).number
        lastInterned[column] = number
        return UInt64(number)
    }

    /// Per column, the number of the last value interned (-1: none yet).
    private var lastInterned: [Int]

    /// Key parts are joined by U+001F, as in `RowDecoder.Outcome`'s keys.
    @inline(__always)
    mutating func appendKeyPart(_ bytes: UnsafeRawBufferPointer) {
        if partStarted { keyBytes.append(0x1F) }
        keyBytes.append(contentsOf: bytes)
        partStarted = true
    }

    /// A key part was written for the row under way.
    private var partStarted = false

    @inline(__always)
    mutating func endKey(from start: Int) {
        keyEnds.append(keyBytes.count)
        let hash = keyBytes.withUnsafeBytes { ByteHash.hash(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        keyHashes.append(hash)
        partStarted = false
    }

    mutating func reject(line: Int, column: String, reason: String, record: RawCSVRecord) {
        partStarted = false
        // Not read whole (its fields are gone), or a wrong number of fields with lines
        // inside a field that look like records.
        let mayBeRunOn = column.isEmpty && record.lines > 1 && (record.problem != nil || record.holdsLinesThatLookLikeRecords)
        rejections.append(Rejection(line: line, lines: record.lines, mayBeRunOn: mayBeRunOn, column: column, reason: reason, record: CSVText.record(record.strings())))
    }
}
