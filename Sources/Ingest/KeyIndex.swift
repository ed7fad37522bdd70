#if canImport(Glibc)
import Glibc
#endif

/// Record keys, exactly: their UTF-8 bytes one after another in an arena, and an
/// open-addressing table (linear probing, at most half full) of record numbers over them.
/// About key length + 16 bytes per distinct key; no String is kept per record, and keys are
/// told apart by their bytes, so there are no collisions to reason about.
struct KeyIndex: Sendable {
    private var arena: [UInt8] = []
    /// Where each record's key starts in the arena; the next entry (or the end) ends it.
    private var starts: [UInt32] = []
    private var hashes: [UInt32] = []
    /// record number + 1; 0 is an empty bucket.
    private var table: [UInt32] = Array(repeating: 0, count: 1024)
    private var mask = 1023

    var count: Int { starts.count }

    /// The record number of `key`, and whether it was added now.
    mutating func insert(_ key: String) -> (record: Int, isNew: Bool) {
        var key = key
        return key.withUTF8 { insert(bytes: UnsafeRawBufferPointer($0)) }
    }

    mutating func insert(bytes key: UnsafeRawBufferPointer) -> (record: Int, isNew: Bool) {
        let hash = Self.hash(key)
        var bucket = Int(hash) & mask
        while true {
            let entry = table[bucket]
            if entry == 0 { break }
            let record = Int(entry) - 1
            if hashes[record] == hash && equals(record, key) { return (record, false) }
            bucket = (bucket + 1) & mask
        }
        let record = starts.count
        precondition(arena.count + key.count < Int(UInt32.max), "more than 4 GiB of keys in one dataset")
        starts.append(UInt32(arena.count))
        arena.append(contentsOf: key)
        hashes.append(hash)
        table[bucket] = UInt32(record + 1)
        if starts.count * 2 > table.count { grow() }
        return (record, true)
    }

    private func equals(_ record: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = Int(starts[record])
        let end = record + 1 < starts.count ? Int(starts[record + 1]) : arena.count
        guard end - start == key.count else { return false }
        if key.count == 0 { return true }
        return arena.withUnsafeBytes { memcmp($0.baseAddress! + start, key.baseAddress!, key.count) == 0 }
    }

    private mutating func grow() {
        let size = table.count * 2
        table = Array(repeating: 0, count: size)
        mask = size - 1
        for record in hashes.indices {
            var bucket = Int(hashes[record]) & mask
            while table[bucket] != 0 { bucket = (bucket + 1) & mask }
            table[bucket] = UInt32(record + 1)
        }
    }

    /// FNV-1a over the bytes, folded to 32 bits with a final mix (deterministic across runs).
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01B3
        }
        value ^= value >> 33
        value &*= 0xFF51_AFD7_ED55_8CCD
        value ^= value >> 33
        return UInt32(truncatingIfNeeded: value)
    }
}
