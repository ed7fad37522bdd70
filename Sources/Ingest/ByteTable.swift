#if canImport(Glibc)
import Glibc
#endif
import CBytes
import CSVReading

/// Distinct byte strings, exactly: their bytes one after another in an arena, and an
/// open-addressing table (linear probing, at most 70% full) of their numbers. Numbers are
/// given in order of first insertion, so they are the same on every run and for any hash.
///
/// Record keys and the interned texts of a column both live in one. About length bytes per
/// string while every string has one length (record keys most often do), length + 4 once
/// they differ, plus 6 to 12 bytes of table; no String is kept, and strings are told apart
/// by their bytes, so there are no collisions to reason about.
package struct ByteTable: Sendable {
    private var arena = FlatArray<UInt8>()
    /// The number of strings.
    package private(set) var count = 0
    /// The length of every string, while they all have one (`ends` is then empty): string
    /// n is at n × width. -1 once they differ.
    private var width = -1
    /// Where each string ends in the arena (it starts where the one before ends), kept only
    /// once the strings differ in length.
    private var ends = FlatArray<UInt32>()
    /// Each bucket holds number + 1 in its low `shift` bits (0: an empty bucket) and, above
    /// them, the high bits of the string's hash: they settle most probes that miss without
    /// reading the arena (a cache miss of its own when the table outgrows the cache).
    private var table: FlatArray<UInt32>
    private var mask: Int
    private var shift: UInt32
    /// The table of buckets is mapped from a run state: a probe takes its bucket's page
    /// for a write first (`govstats_own_page`), so that probes at random bring in a page
    /// each, not the 16 the kernel would map around a read. The mapped table is never
    /// changed: strings added meanwhile go to `overlay`, and the table's pages can be let
    /// go at any time (they hold the file's bytes).
    private var tableIsMapped = false
    /// While the table is mapped: the buckets of the strings numbered from `mappedCount`
    /// on, each the string's number + 1 in the low half and its 32-bit hash in the high
    /// half (0: an empty bucket), at most 70% full. A month of nightly deltas (every key
    /// they add) would otherwise copy every page of a table of millions of keys.
    private var overlay = FlatArray<UInt64>()
    /// The number of strings the mapped table holds.
    private var mappedCount = 0
    /// The table was mapped from a run state and its strings passed 70% of its buckets:
    /// it is written grown (`writeGrown`), and the state should be written whole.
    package private(set) var outgrewMapping = false
    /// Probes of the mapped table since its pages were last let go.
    private var mappedProbes = 0
    /// The mapped table's pages are let go after this many probes: each probe copies the
    /// page of its bucket (4 KiB), so the copies stay at about 4 MiB.
    private static let probesBetweenReleases = 1024

    package init(capacity: Int = 16) {
        var size = 16
        var shift: UInt32 = 4
        while size < capacity * 2 { size *= 2; shift += 1 }
        table = FlatArray(repeating: 0, count: size)
        mask = size - 1
        self.shift = shift
    }

    /// The hash's bits kept in a bucket beside the number (none once the table has 2^32
    /// buckets).
    @inline(__always)
    private func high(_ hash: UInt32) -> UInt32 {
        shift >= 32 ? 0 : (hash >> shift) << shift
    }

    @inline(__always)
    private func entry(number: Int, hash: UInt32) -> UInt32 {
        Self.entry(number: number, hash: hash, shift: shift)
    }

    /// What a bucket holds for string `number` in a table of 2^`shift` buckets.
    @inline(__always)
    private static func entry(number: Int, hash: UInt32, shift: UInt32) -> UInt32 {
        (shift >= 32 ? 0 : (hash >> shift) << shift) | UInt32(number + 1)
    }

    /// Whether the table of buckets is mapped from a run state (strings added since go to
    /// the overlay).
    package var isMapped: Bool { tableIsMapped }

    /// The number of buckets of the table (the mapped one while `isMapped`).
    package var bucketCount: Int { table.count }

    /// More than 70% of the buckets would hold a string: the table is grown (or, while it
    /// is mapped, written grown: `writeGrown`).
    private var isPastLoad: Bool { count * 10 > table.count * 7 }

    /// The size of the table `grow` makes (and `writeGrown` writes): doubled until its
    /// strings take at most 70% of its buckets, and the `shift` that goes with it.
    private var grownSize: (buckets: Int, shift: UInt32) {
        var size = table.count * 2
        var shift = self.shift + 1
        while count * 10 > size * 7 { size *= 2; shift += 1 }
        return (size, shift)
    }

    /// Whether every string has one length (`width`).
    private var isUniform: Bool { count == 0 || width >= 0 }

    /// The number of `bytes`, and whether it was added now. `hash` is `ByteHash.hash(bytes)`.
    @inline(__always)
    mutating func insert(_ bytes: UnsafeRawBufferPointer, hash: UInt64) -> (number: Int, isNew: Bool) {
        let hash32 = UInt32(truncatingIfNeeded: hash)
        if tableIsMapped { return insertBesideMapped(bytes, hash32: hash32) }
        let kept = high(hash32)
        let numberMask = UInt32(truncatingIfNeeded: mask)
        var bucket = Int(hash32) & mask
        while true {
            let entry = table[bucket]
            if entry == 0 { break }
            if entry & ~numberMask == kept {
                let number = Int(entry & numberMask) - 1
                if bytesEqual(number, bytes) { return (number, false) }
            }
            bucket = (bucket + 1) & mask
        }
        let number = count
        append(bytes)
        table[bucket] = entry(number: number, hash: hash32)
        if isPastLoad { grow() }
        return (number, true)
    }

    /// `insert` while the table is mapped: the string is looked for in the table, then in
    /// the overlay, and placed in the overlay if it is new.
    private mutating func insertBesideMapped(_ bytes: UnsafeRawBufferPointer, hash32: UInt32) -> (number: Int, isNew: Bool) {
        let kept = high(hash32)
        let numberMask = UInt32(truncatingIfNeeded: mask)
        var bucket = Int(hash32) & mask
        mappedProbes += 1
        if mappedProbes >= Self.probesBetweenReleases {
            table.releaseUnchangedPages()
            arena.releaseUnchangedPages()
            ends.releaseUnchangedPages()
            mappedProbes = 0
        }
        table.ownPage(of: bucket)
        let found: Int? = table.withUnsafeBufferPointer { buckets in
            while true {
                let entry = buckets[bucket]
                if entry == 0 { return nil }
                if entry & ~numberMask == kept {
                    let number = Int(entry & numberMask) - 1
                    if mappedBytesEqual(number, bytes) { return number }
                }
                bucket = (bucket + 1) & mask
            }
        }
        if let found { return (found, false) }
        let overlayMask = overlay.count - 1
        var slot = Int(hash32) & overlayMask
        while overlayMask > 0 {
            let entry = overlay[slot]
            if entry == 0 { break }
            if UInt32(truncatingIfNeeded: entry >> 32) == hash32 {
                let number = Int(UInt32(truncatingIfNeeded: entry)) - 1
                if bytesEqual(number, bytes) { return (number, false) }
            }
            slot = (slot + 1) & overlayMask
        }
        let number = count
        append(bytes)
        placeInOverlay(number, hash32: hash32)
        // The mapped table is not grown here: that would bring it into memory, twice the
        // size. It is written grown (`writeGrown`), and the state written whole.
        if isPastLoad { outgrewMapping = true }
        return (number, true)
    }

    /// `bytesEqual` for a string the mapped table holds: the pages of its end and of its
    /// bytes are taken first (`govstats_own_page`), so that reading them brings in those
    /// pages alone, not the ones around them that the kernel maps with a read (a new
    /// night's rows that repeat old records read strings all over the arena).
    private func mappedBytesEqual(_ number: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        if width < 0 {
            if number > 0 { ends.ownPage(of: number - 1) }
            ends.ownPage(of: number)
        }
        let range = range(of: number)
        if range.count == bytes.count && !bytes.isEmpty {
            arena.ownPage(of: range.lowerBound)
            arena.ownPage(of: range.upperBound - 1)
        }
        return bytesEqual(number, bytes)
    }

    /// Places string `number` in the overlay, which grows to stay at most 70% full.
    private mutating func placeInOverlay(_ number: Int, hash32: UInt32) {
        let held = number - mappedCount
        if (held + 1) * 10 > overlay.count * 7 {
            var size = max(overlay.count * 2, 1024)
            while (held + 1) * 10 > size * 7 { size *= 2 }
            let old = overlay
            overlay = FlatArray(repeating: 0, count: size)
            old.withUnsafeBufferPointer { entries in
                for entry in entries where entry != 0 { placeEntry(entry) }
            }
        }
        placeEntry(UInt64(hash32) << 32 | UInt64(number + 1))
    }

    private mutating func placeEntry(_ entry: UInt64) {
        let overlayMask = overlay.count - 1
        var slot = Int(truncatingIfNeeded: entry >> 32) & overlayMask
        while overlay[slot] != 0 { slot = (slot + 1) & overlayMask }
        overlay[slot] = entry
    }

    /// Adds `bytes` as string number `count`, without placing it in the table.
    private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        precondition(arena.count + bytes.count < Int(UInt32.max), "more than 4 GiB of distinct text in one table")
        if count == 0 {
            width = bytes.count
        } else if width >= 0 && bytes.count != width {
            // The first string of another length: from now on each string's end is kept.
            ends.reserveCapacity(count + 1)
            for number in 1...count { ends.append(UInt32(number * width)) }
            width = -1
        }
        arena.append(contentsOf: bytes)
        if width < 0 { ends.append(UInt32(arena.count)) }
        count += 1
    }

    mutating func insert(_ bytes: UnsafeRawBufferPointer) -> (number: Int, isNew: Bool) {
        insert(bytes, hash: ByteHash.hash(bytes))
    }

    package mutating func insert(_ text: String) -> (number: Int, isNew: Bool) {
        var text = text
        return text.withUTF8 { insert(UnsafeRawBufferPointer($0)) }
    }

    /// Forgets every string, keeps the memory (for a table that is filled again).
    mutating func removeAll() {
        arena.removeAll()
        ends.removeAll()
        count = 0
        width = -1
        table.fill(with: 0)
        tableIsMapped = false
        overlay = FlatArray()
        mappedCount = 0
    }

    /// Asks the CPU to fetch the bucket where `hash` starts probing (a few rows ahead).
    @inline(__always)
    func prefetch(hash: UInt64) {
        table.withUnsafeBufferPointer { prefetchMemory($0.baseAddress! + (Int(truncatingIfNeeded: hash) & mask)) }
    }

    @inline(__always)
    private func range(of number: Int) -> Range<Int> {
        if width >= 0 { return number * width..<(number + 1) * width }
        return (number == 0 ? 0 : Int(ends[number - 1]))..<Int(ends[number])
    }

    /// The arena's bytes, valid during `body`: strings of one length `length` are string
    /// number n at n × length.
    func withArena<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try arena.withUnsafeBufferPointer { try body(UnsafeRawBufferPointer($0)) }
    }

    /// The bytes of string `number`, valid during `body`.
    func withBytes<Result>(of number: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        let range = range(of: number)
        return try arena.withUnsafeBufferPointer { try body(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: $0[range]))) }
    }

    /// The low 32 bits of string `number`'s hash, as `insert` was given it.
    private func hash32(of number: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: withBytes(of: number) { ByteHash.hash($0) })
    }

    func string(_ number: Int) -> String {
        withBytes(of: number) { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether string `number` is `bytes`.
    @inline(__always)
    func bytesEqual(_ number: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let range = range(of: number)
        guard range.count == bytes.count else { return false }
        if bytes.isEmpty { return true }
        return arena.withUnsafeBufferPointer { memcmp($0.baseAddress! + range.lowerBound, bytes.baseAddress!, bytes.count) == 0 }
    }

    /// Doubles the table until it holds every string at most 70% full, and places them all
    /// again.
    private mutating func grow() {
        let size: Int
        (size, shift) = grownSize
        table = FlatArray()  // the old table goes before the new one is made
        if tableIsMapped { outgrewMapping = true }
        tableIsMapped = false
        overlay = FlatArray()
        mappedCount = 0
        table = FlatArray(repeating: 0, count: size, hugePages: size >= 1 << 20)
        mask = size - 1
        placeAll()
    }

    /// Places the numbers of the strings from `first` on in the table (in the overlay
    /// while the table is mapped), each by its hash.
    private mutating func placeAll(from first: Int = 0) {
        let count = self.count
        guard first < count else { return }
        if tableIsMapped {
            for number in first..<count { placeInOverlay(number, hash32: hash32(of: number)) }
            return
        }
        // Buckets are taken at random: a string's bucket is fetched `ahead` strings before
        // it is filled, its hash kept until then.
        let ahead = 16
        var hashes = [UInt64](repeating: 0, count: ahead)
        let arena = self.arena
        arena.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress)
            func hash(_ number: Int) -> UInt64 {
                let range = range(of: number)
                return ByteHash.hash(UnsafeRawBufferPointer(start: base.map { $0 + range.lowerBound }, count: range.count))
            }
            for number in first..<min(first + ahead, count) {
                hashes[number % ahead] = hash(number)
                prefetch(hash: hashes[number % ahead])
            }
            for number in first..<count {
                let hash32 = UInt32(truncatingIfNeeded: hashes[number % ahead])
                if number + ahead < count {
                    let later = hash(number + ahead)
                    hashes[number % ahead] = later
                    prefetch(hash: later)
                }
                var bucket = Int(hash32) & mask
                while table[bucket] != 0 { bucket = (bucket + 1) & mask }
                table[bucket] = entry(number: number, hash: hash32)
                releaseStringsBehind(number)
            }
        }
        arena.releaseUnchangedPages()
        ends.releaseUnchangedPages()
    }

    /// For a pass that reads the strings in order (a table placed again over a mapped
    /// arena), at string `number`: every 65,536 strings, the mapped pages of those before
    /// it are let go (nothing for an arena in memory).
    @inline(__always)
    private func releaseStringsBehind(_ number: Int) {
        guard number & 0xFFFF == 0xFFFF else { return }
        arena.releaseUnchangedPages(0..<range(of: number).lowerBound)
        ends.releaseUnchangedPages(0..<number)
    }
}

/// A fast, deterministic hash of bytes (64-bit multiply-fold, eight bytes at a time). It
/// only places strings in a `ByteTable`; nothing that is written out depends on it.
package enum ByteHash {
    @inline(__always)
    static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    @inline(__always)
    package static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return fold(state, 0xA076_1D64_78BD_642F) }
        let count = bytes.count
        var offset = 0
        while offset + 8 <= count {
            state = fold(state ^ UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)), 0xA076_1D64_78BD_642F)
            offset += 8
        }
        if offset < count {
            // The last eight bytes, overlapping some already taken (the length, mixed in
            // first, tells how many), or a short string's bytes: no loop over single bytes.
            let tail = count >= 8
                ? UInt64(littleEndian: base.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
                : shortWord(base, count: count)
            state = fold(state ^ tail, 0xE703_7ED1_A0B4_28DB)
        }
        return fold(state, 0x8EBC_6AF0_9C88_C6E3)
    }

    /// Every byte of a string of 1 to 7 bytes in one word, by loads that overlap: with the
    /// length, which tells the overlap, it tells such strings apart exactly.
    @inline(__always)
    static func shortWord(_ base: UnsafeRawPointer, count: Int) -> UInt64 {
        if count >= 4 {
            return UInt64(UInt32(littleEndian: base.loadUnaligned(as: UInt32.self)))
                | UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))) << 32
        }
        // Bytes 0, count / 2 and count - 1 are every byte of 1 to 3.
        return UInt64(base.load(as: UInt8.self)) | UInt64(base.load(fromByteOffset: count / 2, as: UInt8.self)) << 8
            | UInt64(base.load(fromByteOffset: count - 1, as: UInt8.self)) << 16
    }
}

// MARK: The run state

extension ByteTable {
    /// The strings (arena; the length of each, or their ends) and the table of buckets,
    /// which a reader would otherwise have to make again, placing every string (a tenth of
    /// a warm run's time).
    ///
    /// `windowBuckets` (a power of two): how many buckets of a mapped table that grew are
    /// placed at a time; `settlingPasses`: how many passes may look for the strings that
    /// wrap (`writeGrown`; in tests, fewer).
    package func write(to writer: StateWriter, windowBuckets: Int = ByteTable.grownWindowBuckets, settlingPasses: Int = 8) throws {
        try arena.write(to: writer)
        try writer.integer(count)
        try writer.integer(isUniform ? max(width, 0) : -1)
        if !isUniform { try ends.write(to: writer) }
        guard tableIsMapped && count > mappedCount else { return try table.write(to: writer) }
        if isPastLoad { return try writeGrown(to: writer, windowBuckets: windowBuckets, settlingPasses: settlingPasses) }
        // The mapped table, with the overlay's strings placed in it as the file is written.
        table.releaseUnchangedPages()
        let placed = overlayPlacements()
        var next = 0
        try table.write(to: writer) { part, first in
            while next < placed.count && Int(placed[next] >> 32) < first + part.count {
                part[Int(placed[next] >> 32) - first] = UInt32(truncatingIfNeeded: placed[next])
                next += 1
            }
        }
    }

    /// Where the overlay's strings go when placed in the table: for each, its bucket (high
    /// half) and what the bucket holds (low half), in the order of the buckets. Strings
    /// are taken by the bucket they hash to (then by number), each placed in the first
    /// empty bucket from there that none before it took, as `insert` would have placed
    /// them in that order (linear probing finds a string whatever the order). The table
    /// is read a part at a time, each part let go once passed.
    private func overlayPlacements() -> [UInt64] {
        let hashes = (mappedCount..<count).map { hash32(of: $0) }
        // Each string as the bucket it hashes to (high half) and its number.
        var pending = hashes.indices.map { index in
            UInt64(UInt32(truncatingIfNeeded: Int(hashes[index]) & mask)) << 32 | UInt64(mappedCount + index)
        }
        pending.sort()
        var placed: [UInt64] = []
        placed.reserveCapacity(pending.count)
        func place(_ string: UInt64, in bucket: Int) {
            let number = Int(UInt32(truncatingIfNeeded: string))
            placed.append(UInt64(bucket) << 32 | UInt64(entry(number: number, hash: hashes[number - mappedCount])))
        }
        let partBuckets = StateWriter.releasedBytes / MemoryLayout<UInt32>.stride
        table.withUnsafeBufferPointer { buckets in
            var next = 0
            var released = 0
            var wrapped: [UInt64] = []
            for string in pending {
                let home = Int(string >> 32)
                if home - released >= partBuckets {
                    let through = home / partBuckets * partBuckets
                    table.releaseUnchangedPages(released..<through)
                    released = through
                }
                var bucket = max(home, next)
                while bucket <= mask && buckets[bucket] != 0 { bucket += 1 }
                if bucket > mask {
                    // Past the last bucket: probing goes on from the first.
                    wrapped.append(string)
                    next = mask + 1
                } else {
                    place(string, in: bucket)
                    next = bucket + 1
                }
            }
            var bucket = 0
            var taken = 0
            let unwrapped = placed.count
            for string in wrapped {
                while true {
                    while taken < unwrapped && Int(placed[taken] >> 32) < bucket { taken += 1 }
                    if buckets[bucket] == 0 && !(taken < unwrapped && Int(placed[taken] >> 32) == bucket) { break }
                    bucket += 1
                }
                place(string, in: bucket)
                bucket += 1
            }
            table.releaseUnchangedPages()
        }
        placed.sort()
        return placed
    }

    /// A grown table is placed and written this many buckets (4 MiB) at a time.
    package static let grownWindowBuckets = 1 << 20

    /// `write`'s table for a mapped table that its added strings took past 70% full: twice
    /// the size (or more, as `grow` would make it), placed and written a window of buckets
    /// at a time, so that it is never in memory whole (at ten million strings it would be
    /// 128 MiB). The strings are read once, in order, their mapped pages let go behind,
    /// and kept by window in a file (`WindowedStrings`). The last window's strings that
    /// probe past the last bucket go on from the first, so the first window needs them
    /// before it is written: passes that write nothing find them first (one, when none
    /// does). Should `settlingPasses` not settle them, the table is grown in memory.
    private func writeGrown(to writer: StateWriter, windowBuckets: Int, settlingPasses: Int) throws {
        precondition(windowBuckets > 0 && windowBuckets & (windowBuckets - 1) == 0, "a window of buckets is a power of two")
        let (size, shift) = grownSize
        table.releaseUnchangedPages()
        let window = min(size, windowBuckets)
        let strings = try WindowedStrings(folder: writer.folder, windows: size / window)
        let mask = size - 1
        let windowShift = window.trailingZeroBitCount
        for number in 0..<count {
            let hash32 = hash32(of: number)
            try strings.add(UInt64(hash32) << 32 | UInt64(number), window: (Int(hash32) & mask) >> windowShift)
            releaseStringsBehind(number)
        }
        arena.releaseUnchangedPages()
        ends.releaseUnchangedPages()
        try strings.finish()
        let buckets = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: window)
        buckets.initialize(repeating: 0)
        defer { buckets.deallocate() }
        // Wrapping strings push on those placed first from the first bucket, which in turn
        // can push others past the last one only through a chain of full buckets around
        // the whole table: a pass or two settles it.
        var wrapped: [UInt64] = []
        var settled = false
        for _ in 0..<settlingPasses {
            let past = try placeGrown(size: size, shift: shift, into: buckets, strings: strings, wrapped: wrapped) { _ in }
            settled = past == wrapped
            wrapped = past
            if settled { break }
        }
        guard settled else {
            // Never seen with the 8 passes a run allows.
            var grown = self
            grown.grow()
            return try grown.table.write(to: writer)
        }
        try FlatArray<UInt32>.writeStart(count: size, to: writer)
        _ = try placeGrown(size: size, shift: shift, into: buckets, strings: strings, wrapped: wrapped) { placed in
            try writer.bytes(UnsafeRawBufferPointer(placed))
        }
    }

    /// Places every string of `strings` in a table of `size` buckets (2^`shift`), one
    /// window of `buckets.count` buckets after another, each handed to `emit` once filled.
    /// A string takes the first empty bucket from the one it hashes to; those that find
    /// none before the window's end start the next window, before its own strings, and
    /// `wrapped` start the first. Returns the strings that probed past the last bucket
    /// (each as `WindowedStrings` holds it).
    private func placeGrown(size: Int, shift: UInt32, into buckets: UnsafeMutableBufferPointer<UInt32>, strings: WindowedStrings,
                            wrapped: [UInt64], emit: (UnsafeMutableBufferPointer<UInt32>) throws -> Void) throws -> [UInt64] {
        let mask = size - 1
        let window = buckets.count
        var carried = wrapped
        for (index, start) in stride(from: 0, to: size, by: window).enumerated() {
            buckets.update(repeating: 0)
            var past: [UInt64] = []
            func put(_ string: UInt64, from first: Int) {
                var bucket = first
                while bucket < window && buckets[bucket] != 0 { bucket += 1 }
                if bucket == window { return past.append(string) }
                buckets[bucket] = Self.entry(number: Int(UInt32(truncatingIfNeeded: string)), hash: UInt32(string >> 32), shift: shift)
            }
            for string in carried { put(string, from: 0) }
            try strings.forEach(in: index) { string in put(string, from: (Int(string >> 32) & mask) - start) }
            try emit(buckets)
            carried = past
        }
        return carried
    }

    /// The table `write` wrote, numbers as they were; `length`: each string's length, when
    /// they all have one. Its arrays are checked as they are read (`FlatArray.init(from:check:)`),
    /// so that a large one mapped from the state is not brought into memory for it.
    package init(from reader: StateReader, length: Int? = nil) throws {
        let damaged = { (what: String) in StateError("\(reader.path) is damaged (a table's \(what))") }
        let arena = try FlatArray<UInt8>(from: reader)
        let count = try reader.integer()
        let width = try reader.integer()
        guard count >= 0, count <= Int(UInt32.max), width >= -1, width <= arena.count else { throw damaged("count of \(count) strings of \(width) bytes") }
        var ends = FlatArray<UInt32>()
        if width >= 0 {
            guard count == 0 || length == nil || width == length else { throw damaged("strings of another length") }
            guard width == 0 ? arena.count == 0 : arena.count % width == 0 && arena.count / width == count else { throw damaged("strings overrun it") }
        } else {
            var previous: UInt32 = 0
            var overlap = false
            ends = try FlatArray<UInt32>(from: reader) { ends in
                guard let start = ends.baseAddress else { return }
                if govstats_check_ends(start, ends.count, &previous, 0) == 1 { overlap = true }
            }
            // (Strings of two lengths at least: a table whose strings have one is written so.)
            guard length == nil else { throw damaged("strings of another length") }
            guard !overlap else { throw damaged("strings overlap") }
            guard Int(previous) == arena.count else { throw damaged("strings overrun it") }
            guard ends.count == count, count >= 2 else { throw damaged("lengths differ") }
        }
        // A power of two, at most 70% full (as `insert` keeps it), each string in one bucket.
        let size = try reader.count(of: 4)
        guard size >= 16, size & (size - 1) == 0, count * 10 <= size * 7 else { throw damaged("buckets are \(size)") }
        let numberMask = UInt32(truncatingIfNeeded: size - 1)
        let strings = UInt32(truncatingIfNeeded: count)
        var placed = 0
        var outside = false
        let table = try FlatArray<UInt32>(fromCount: size, reader: reader) { buckets in
            // A bucket holds number + 1 under the mask, 0 when empty.
            guard let start = buckets.baseAddress else { return }
            var held = 0
            if govstats_check_buckets(start, buckets.count, numberMask, strings, &held) != 0 { outside = true }
            placed += held
        }
        guard !outside else { throw damaged("buckets hold a string it has not") }
        guard placed == count else { throw damaged("buckets hold \(placed) of \(count) strings") }
        self.init(capacity: 0)
        self.arena = arena
        self.count = count
        self.width = count == 0 ? -1 : width
        self.ends = ends
        self.table = table
        self.mask = size - 1
        self.shift = UInt32(size.trailingZeroBitCount)
        self.tableIsMapped = table.isMapped
        self.mappedCount = count
    }
}
extension ByteTable {
    /// The strings added after the first `mark` (a count of strings), for a run state's
    /// delta: their bytes and the end of each.
    func writeDelta(since mark: Int, to writer: StateWriter) throws {
        let start = mark == 0 ? 0 : range(of: mark - 1).upperBound
        try arena.withUnsafeBufferPointer { arena in try writer.integer(arena.count - start); try writer.bytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: arena[start...]))) }
        try writer.integer(count - mark)
        let added = (mark..<count).map { UInt32(range(of: $0).upperBound) }
        try added.withUnsafeBytes { try writer.bytes($0) }
    }

    /// Adds the strings a delta written by `writeDelta` holds, numbered after these.
    mutating func readDelta(from reader: StateReader) throws {
        let added = try FlatArray<UInt8>(from: reader, mapping: false)
        let count = try reader.count(of: 4)
        var newEnds = [UInt32](repeating: 0, count: count)
        try newEnds.withUnsafeMutableBytes { try reader.read(into: $0) }
        let origin = arena.count
        var previous = UInt32(origin)
        for end in newEnds {
            guard end >= previous else { throw StateError("\(reader.path) is damaged (a table's strings overlap)") }
            previous = end
        }
        guard Int(previous) == origin + added.count else { throw StateError("\(reader.path) is damaged (a table's strings overrun it)") }
        let first = self.count
        added.withUnsafeBufferPointer { added in
            let base = UnsafeRawPointer(added.baseAddress)
            var start = 0
            for end in newEnds {
                let length = Int(end) - origin - start
                append(UnsafeRawBufferPointer(start: base.map { $0 + start }, count: length))
                start += length
            }
        }
        if isPastLoad && !tableIsMapped {
            grow()
        } else {
            // Beside a mapped table, which is written grown if it has to be (`insert`).
            placeAll(from: first)
            if isPastLoad { outgrewMapping = true }
        }
    }
}

/// The strings of a table being grown, by the window of buckets each hashes to: each as
/// its 32-bit hash (high half) and its number, written in runs to a file that no name
/// leads to, in the state's folder. The windows are then placed one at a time, and
/// again, without reading the strings again, and the file is not in the process's memory.
private final class WindowedStrings {
    private let descriptor: Int32
    private let folder: String
    /// Strings added to each window since its last run was written.
    private var pending: [[UInt64]]
    /// Where each window's runs are in the file, in strings, and how many each holds.
    private var runs: [[(start: Int, count: Int)]]
    /// Strings written to the file.
    private var written = 0
    /// Strings per run: 4 MiB of runs waiting in all.
    private let runLength: Int

    init(folder: String, windows: Int) throws {
        descriptor = govstats_unnamed_file(folder)
        guard descriptor >= 0 else { throw StateError.system("make a file in", folder) }
        self.folder = folder
        runLength = max(256, (1 << 19) / windows)
        pending = Array(repeating: [], count: windows)
        runs = Array(repeating: [], count: windows)
    }

    deinit { close(descriptor) }

    func add(_ string: UInt64, window: Int) throws {
        pending[window].append(string)
        if pending[window].count == runLength { try write(window) }
    }

    /// Writes what is pending, once every string was added.
    func finish() throws {
        for window in pending.indices { try write(window) }
        pending = []
    }

    private func write(_ window: Int) throws {
        guard !pending[window].isEmpty else { return }
        try pending[window].withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let wrote = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(written * 8 + done))
                if wrote < 0 && errno == EINTR { continue }
                guard wrote > 0 else { throw StateError.system("write a file in", folder) }
                done += wrote
            }
        }
        runs[window].append((written, pending[window].count))
        written += pending[window].count
        pending[window].removeAll(keepingCapacity: true)
    }

    /// Gives `body` the strings of `window`, in the order they were added.
    func forEach(in window: Int, _ body: (UInt64) -> Void) throws {
        var buffer = [UInt64](repeating: 0, count: runLength)
        for run in runs[window] {
            try buffer.withUnsafeMutableBytes { bytes in
                let wanted = run.count * 8
                var done = 0
                while done < wanted {
                    let got = pread(descriptor, bytes.baseAddress! + done, wanted - done, off_t(run.start * 8 + done))
                    if got < 0 && errno == EINTR { continue }
                    guard got > 0 else { throw got == 0 ? StateError("\(folder): a file that no name leads to was cut short") : StateError.system("read a file in", folder) }
                    done += got
                }
            }
            for string in buffer[0..<run.count] { body(string) }
        }
    }
}
