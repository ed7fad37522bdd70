import Foundation
import Ingest
import Testing
import TestSupport

/// The table of distinct strings behind record keys and interned texts, as a run state
/// maps it: strings added while it is mapped go beside it, and are placed in it as the
/// state is written, so that every string keeps its number.
@Suite struct ByteTableTests {
    static let buckets = 4096

    /// `count` strings of one length, `prefix` then a number.
    static func strings(_ prefix: String, _ numbers: some Sequence<Int>) -> [String] {
        numbers.map { prefix + String(format: "%07d", $0) }
    }

    /// The bucket `text` hashes to in a table of `buckets` buckets.
    static func home(_ text: String, buckets: Int = buckets) -> Int {
        var text = text
        return text.withUTF8 { Int(truncatingIfNeeded: ByteHash.hash(UnsafeRawBufferPointer($0))) } & (buckets - 1)
    }

    static func write(_ table: ByteTable, to path: String, windowBuckets: Int = ByteTable.grownWindowBuckets, settlingPasses: Int = 8) throws {
        let writer = try StateWriter(path: path)
        try table.write(to: writer, windowBuckets: windowBuckets, settlingPasses: settlingPasses)
        try writer.finish()
    }

    static func read(_ path: String) throws -> ByteTable {
        let reader = try StateReader(path: path)
        reader.mapBytes = 4096
        let table = try ByteTable(from: reader)
        try reader.verify()
        return table
    }

    @Test func stringsAddedToAMappedTableKeepTheirNumbersWhenItIsWrittenAgain() throws {
        let folder = try TemporaryDirectory("bytetable")
        defer { folder.remove() }
        // Of two lengths, so that the table keeps where each ends (mapped too).
        let old = Self.strings("old-", 0..<1_000) + Self.strings("older-", 1_000..<2_000)
        var table = ByteTable()
        for text in old { _ = table.insert(text) }
        try Self.write(table, to: folder.path + "/first")

        var mapped = try Self.read(folder.path + "/first")
        // 2,000 strings in 4,096 buckets (16 KiB, mapped): 867 more before it would grow.
        // The lookups below are more than 1,024, so the pages of the mapped table, its
        // strings and their ends are let go on the way and read again.
        try #require(mapped.isMapped && mapped.count == 2_000)
        // Forty strings that hash to the last six buckets, which the probing of some must
        // leave for the first ones; then others anywhere, and the old ones again.
        let last = Self.strings("end-", 0..<200_000).filter { Self.home($0) >= Self.buckets - 6 }.prefix(40)
        try #require(last.count == 40)
        let added = Array(last) + Self.strings("new-", 0..<600)
        for (offset, text) in added.enumerated() {
            #expect(mapped.insert(text) == (2_000 + offset, true))
        }
        for (number, text) in old.enumerated().filter({ $0.offset % 7 == 0 }) {
            #expect(mapped.insert(text) == (number, false))
        }
        for (offset, text) in added.enumerated() where offset % 3 == 0 {
            #expect(mapped.insert(text) == (2_000 + offset, false))
        }
        #expect(mapped.isMapped && mapped.count == 2_640)
        try Self.write(mapped, to: folder.path + "/second")

        // Every string is found in the table written, with its number.
        var again = try Self.read(folder.path + "/second")
        try #require(again.isMapped && again.count == 2_640)
        for (number, text) in (old + added).enumerated() {
            #expect(again.insert(text) == (number, false))
        }
        #expect(again.insert("another") == (2_640, true))
        // The first state is as it was written.
        var first = try Self.read(folder.path + "/first")
        #expect(first.insert(added[0]) == (2_000, true))
    }

    /// A mapped table whose added strings take it past 70% full stays mapped while they are
    /// added, and is written twice the size a window of buckets at a time: strings that
    /// probe past a window's end go on in the next one, and past the last bucket in the first.
    @Test func aMappedTableThatItsNewStringsOutgrowIsWrittenGrownAWindowAtATime() throws {
        let folder = try TemporaryDirectory("bytetable")
        defer { folder.remove() }
        let old = Self.strings("old-", 0..<2_000)
        var table = ByteTable()
        for text in old { _ = table.insert(text) }
        try Self.write(table, to: folder.path + "/first")

        var mapped = try Self.read(folder.path + "/first")
        try #require(mapped.isMapped && mapped.bucketCount == 4_096)
        // Grown: 8,192 buckets, written as 128 windows of 64. Twenty-four strings hash to
        // the last four buckets (they run past the last one), twenty-four to the last four
        // of the window of buckets 128-191 (they run into the next), then 1,000 others.
        let candidates = Self.strings("new-", 0..<400_000)
        let last = candidates.filter { Self.home($0, buckets: 8_192) >= 8_188 }.prefix(24)
        let windowEnd = candidates.filter { (188..<192).contains(Self.home($0, buckets: 8_192)) }.prefix(24)
        try #require(last.count == 24 && windowEnd.count == 24)
        let added = Array(last) + Array(windowEnd) + Self.strings("more-", 0..<1_000)
        for (offset, text) in added.enumerated() {
            #expect(mapped.insert(text) == (2_000 + offset, true))
        }
        for (number, text) in old.enumerated() where number % 5 == 0 {
            #expect(mapped.insert(text) == (number, false))
        }
        // 3,048 strings: past 70% of 4,096 (2,867), still beside the mapped table.
        #expect(mapped.isMapped && mapped.outgrewMapping && mapped.bucketCount == 4_096)
        try Self.write(mapped, to: folder.path + "/second", windowBuckets: 64)

        var again = try Self.read(folder.path + "/second")
        try #require(again.isMapped && again.count == 3_048)
        #expect(again.bucketCount == 8_192 && !again.outgrewMapping)
        for (number, text) in (old + added).enumerated() {
            #expect(again.insert(text) == (number, false))
        }
        #expect(again.insert("another") == (3_048, true))
        // Written in one window, the same strings have the same numbers.
        try Self.write(mapped, to: folder.path + "/third")
        var whole = try Self.read(folder.path + "/third")
        #expect(whole.bucketCount == 8_192)
        for (number, text) in (old + added).enumerated() where number % 3 == 0 {
            #expect(whole.insert(text) == (number, false))
        }
        // One pass finds strings that wrap, and cannot tell that they are settled: the
        // table is then grown in memory, with the same numbers.
        try Self.write(mapped, to: folder.path + "/fourth", windowBuckets: 64, settlingPasses: 1)
        var inMemory = try Self.read(folder.path + "/fourth")
        #expect(inMemory.bucketCount == 8_192)
        for (number, text) in (old + added).enumerated() where number % 3 == 1 {
            #expect(inMemory.insert(text) == (number, false))
        }
    }

    /// The file that holds a grown table's strings by window cannot be made: the write
    /// fails naming the folder (and a run then leaves the state as it was).
    @Test func aGrownTableWhoseFileCannotBeMadeFailsNamingTheFolder() throws {
        let folder = try TemporaryDirectory("bytetable")
        defer { folder.remove() }
        var table = ByteTable()
        for text in Self.strings("old-", 0..<700) { _ = table.insert(text) }
        try Self.write(table, to: folder.path + "/first")
        var mapped = try Self.read(folder.path + "/first")
        try #require(mapped.isMapped && mapped.bucketCount == 1_024)
        for text in Self.strings("new-", 0..<100) { _ = mapped.insert(text) }
        try #require(mapped.outgrewMapping)
        let gone = folder.path + "/gone"
        try FileManager.default.createDirectory(atPath: gone, withIntermediateDirectories: false)
        let writer = try StateWriter(path: gone + "/state")
        try FileManager.default.removeItem(atPath: gone)
        #expect {
            try mapped.write(to: writer)
        } throws: { error in
            "\(error)" == "cannot make a file in \(gone): No such file or directory"
        }
    }
}
