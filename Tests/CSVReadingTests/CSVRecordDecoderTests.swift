import CSVReading
import Testing
import TestSupport

/// Decodes `bytes` fed in the given chunk sizes (cycled); nil means whole.
func decode(_ bytes: [UInt8], chunks: [Int]? = nil, maxFieldBytes: Int = CSVRecordDecoder.defaultMaxFieldBytes) throws -> [CSVRecord] {
    let decoder = CSVRecordDecoder(maxFieldBytes: maxFieldBytes)
    var records: [CSVRecord] = []
    guard let chunks else {
        try decoder.feed(bytes) { records.append($0) }
        try decoder.finish { records.append($0) }
        return records
    }
    var offset = 0
    var index = 0
    while offset < bytes.count {
        let size = min(max(chunks[index % chunks.count], 1), bytes.count - offset)
        try decoder.feed(Array(bytes[offset..<(offset + size)])) { records.append($0) }
        offset += size
        index += 1
    }
    try decoder.finish { records.append($0) }
    return records
}

func decode(_ text: String, chunks: [Int]? = nil) throws -> [CSVRecord] {
    try decode(Array(text.utf8), chunks: chunks)
}


let tricky = "call_id,note\r\nA1,\"has, comma\"\r\n\r\nA2,\"two\nlines\"\nA3,\"quote \"\"inside\"\"\"\r\n   \nA4,\"cr\ronly\"\rA5,\"crlf\r\ninside\",x\nA6,last"

@Suite struct CSVRecordDecoderTests {
    @Test func recordsAndStartLines() throws {
        let records = try decode(tricky)
        #expect(records == [
            CSVRecord(line: 1, fields: ["call_id", "note"]),
            CSVRecord(line: 2, fields: ["A1", "has, comma"]),
            CSVRecord(line: 4, fields: ["A2", "two\nlines"]),
            CSVRecord(line: 6, fields: ["A3", "quote \"inside\""]),
            CSVRecord(line: 7, fields: ["   "]),
            CSVRecord(line: 8, fields: ["A4", "cr\ronly"]),
            CSVRecord(line: 10, fields: ["A5", "crlf\r\ninside", "x"]),
            CSVRecord(line: 12, fields: ["A6", "last"]),
        ])
        #expect(records[4].isBlank)
        #expect(!records[0].isBlank)
    }

    @Test func sameRecordsWholeByteByByteAndRandomSplits() throws {
        let bytes = Array((tricky + "\n" + String(repeating: "B7,\"x\ny\",\"q\"\"\"\r\n", count: 200)).utf8)
        let whole = try decode(bytes)
        #expect(whole.count == 208)
        #expect(try decode(bytes, chunks: [1]) == whole)
        var random = SplitMix(state: 42)
        for _ in 0..<50 {
            let chunks = (0..<20).map { _ in Int.random(in: 1...40, using: &random) }
            #expect(try decode(bytes, chunks: chunks) == whole)
        }
    }

    /// Line breaks are looked for eight bytes at a time: breaks past the first eight bytes
    /// of a field, and a tab (also below 0x0E) that is not one, count right.
    @Test func lineBreaksDeepInsideLongFields() throws {
        let text = "A1,\"a long field\nwith a break far in\"\nA2,\"0123456789abcdef\r\n\"\nA3,tab\there and more\nA4,x"
        #expect(try decode(text).map(\.line) == [1, 3, 5, 6])
    }

    @Test func spacesArePartOfFields() throws {
        #expect(try decode(" a , b \n") == [CSVRecord(line: 1, fields: [" a ", " b "])])
    }

    @Test func lastLineWithoutBreakAndEmptyFields() throws {
        #expect(try decode("a,,\n,b") == [
            CSVRecord(line: 1, fields: ["a", "", ""]),
            CSVRecord(line: 2, fields: ["", "b"]),
        ])
    }

    @Test func unterminatedQuoteAtEndIsAProblemRecord() throws {
        let records = try decode("h1,h2\nok,1\nbad,\"never closed\nmore\n")
        #expect(records == [
            CSVRecord(line: 1, fields: ["h1", "h2"]),
            CSVRecord(line: 2, fields: ["ok", "1"]),
            CSVRecord(line: 3, fields: ["bad", "never closed\nmore\n"], problem: .unterminatedQuote(lines: 2)),
        ])
    }

    /// The lines a quote left open takes, to the end of the file: a final line break (LF,
    /// CRLF or CR) ends the last line and starts none; every split of the input counts alike.
    /// The record keeps its field, to the end.
    @Test func unterminatedQuoteCountsItsLines() throws {
        for (tail, lines) in [("\"x", 1), ("\"x\n", 1), ("\"x\r\n", 1), ("\"x\r", 1), ("\"x\ny\nz", 3), ("\"x\r\ny\r\nz\r\n", 3), ("\"x\n\n\n", 3)] {
            let text = "h\nok\n" + tail
            for chunks in [nil, [1], [3, 2]] as [[Int]?] {
                let records = try decode(Array(text.utf8), chunks: chunks)
                #expect(records.last == CSVRecord(line: 3, fields: [String(tail.dropFirst())], problem: .unterminatedQuote(lines: lines)), "\(tail.debugDescription) in \(String(describing: chunks))")
            }
        }
    }

    /// A quote left open past the field limit is named as the cause, with every line it
    /// took; the field is not kept.
    @Test func unterminatedQuotePastTheLimit() throws {
        let text = "h\nok\n\"" + String(repeating: "row,of,data\n", count: 500)
        for chunks in [nil, [1], [7, 300, 4096]] as [[Int]?] {
            let records = try decode(Array(text.utf8), chunks: chunks, maxFieldBytes: 1000)
            #expect(records.last == CSVRecord(line: 3, fields: [], problem: .unterminatedQuote(lines: 500)))
        }
    }

    @Test func oversizedFieldIsRejectedAndLinesStayExact() throws {
        let big = String(repeating: "x\n", count: 3000)  // 6000 bytes, 3000 line breaks
        let text = "h\n\"\(big)\"\nnext\n"
        for chunks in [nil, [1], [7, 300, 4096]] as [[Int]?] {
            let records = try decode(Array(text.utf8), chunks: chunks, maxFieldBytes: 1000)
            #expect(records == [
                CSVRecord(line: 1, fields: ["h"]),
                CSVRecord(line: 2, fields: [], problem: .fieldTooLarge(limit: 1000, lines: 3001)),
                CSVRecord(line: 3003, fields: ["next"]),
            ])
        }
    }

    @Test func decoderIsReusableAfterFinish() throws {
        let decoder = CSVRecordDecoder()
        var records: [CSVRecord] = []
        try decoder.feed(Array("a\nb".utf8)) { records.append($0) }
        try decoder.finish { records.append($0) }
        try decoder.feed(Array("c\n".utf8)) { records.append($0) }
        try decoder.finish { records.append($0) }
        #expect(records.map(\.line) == [1, 2, 1])
    }

    @Test func problemDescriptions() {
        #expect(CSVRecordProblem.fieldTooLarge(limit: 1_048_576).description == "a field is larger than 1048576 bytes")
        #expect(CSVRecordProblem.unterminatedQuote().description == "a quoted field is not closed before the end of the file")
        #expect(CSVRecordProblem.fieldTooLarge(limit: 1_048_576, lines: 2).description == "a field is larger than 1048576 bytes, in a record that runs over 2 lines (a quote left open makes the lines after it one field)")
        #expect(CSVRecordProblem.recordTooLarge(limit: 16, lines: 7).description == "the record is larger than 16 bytes and runs over 7 lines (a quote left open makes the lines after it one field)")
        #expect(CSVRecordProblem.unterminatedQuote(lines: 40).description == "a quoted field is not closed before the end of the file, so the 40 lines from this one to the end were read as one record")
    }
}

/// libcsv's built-in space test is used only for slices where it cannot trim anything
/// (`CSVRecordDecoder.chooseSpaceHandling`): on text made of the bytes that matter, fed in
/// random splits, the records equal those of a decoder that calls the "no byte is a space"
/// function for every byte.
@Suite struct SpaceHandlingTests {
    static let alphabet: [[UInt8]] = ["a", " ", "\t", ",", "\"", "\r", "\n", "é", "  ", "x y", "\"\"", " ,", ", "].map { Array($0.utf8) }

    func records(_ bytes: [UInt8], splits: [Int], alwaysCall: Bool) throws -> [CSVRecord] {
        let decoder = CSVRecordDecoder()
        decoder.alwaysCallSpaceFunction = alwaysCall
        var records: [CSVRecord] = []
        var offset = 0
        var index = 0
        while offset < bytes.count {
            let size = min(splits[index % splits.count], bytes.count - offset)
            try decoder.feed(Array(bytes[offset..<(offset + size)])) { records.append($0) }
            offset += size
            index += 1
        }
        try decoder.finish { records.append($0) }
        return records
    }

    @Test func shortcutReadsAsTheSpaceFunctionDoes() throws {
        var random = SplitMix(state: 99)
        for _ in 0..<400 {
            var bytes: [UInt8] = []
            let length = 1 + Int(random.next() % 60)
            for _ in 0..<length { bytes += Self.alphabet[Int(random.next() % UInt64(Self.alphabet.count))] }
            // Long plain runs too, so that whole slices take the shortcut.
            if random.next() % 3 == 0 { bytes += Array(String(repeating: "2017-03-01 08:00:00,宝山区\n", count: 3000).utf8) }
            let splits = (0..<5).map { _ in 1 + Int(random.next() % 70_000) }
            let expected = try records(bytes, splits: [bytes.count], alwaysCall: true)
            #expect(try records(bytes, splits: splits, alwaysCall: false) == expected, "\(bytes.prefix(80))")
            #expect(try records(bytes, splits: [bytes.count], alwaysCall: false) == expected)
        }
        #expect(try records(Array(" a , b \n".utf8), splits: [100], alwaysCall: false) == [CSVRecord(line: 1, fields: [" a ", " b "])])
    }

    /// Rows whose dates put a space at every place around the first cut (64 KiB): the cut
    /// moves so that each slice takes the shortcut, and the records are those read with
    /// the space function on every byte.
    @Test func slicesAreNotCutNextToASpace() throws {
        let row = Array("2017-03-01 08:00:00,宝山区\n".utf8)
        let space = row.firstIndex(of: 0x20)!
        // Without the move, shifts 0 and -1 put the space at a slice's edge.
        for shift in -2...2 {
            // A first line long enough to put a row's space `shift` bytes after the cut.
            var padding = 65_536 + shift - space
            while padding > 1_000 { padding -= row.count }
            let bytes = Array(repeating: UInt8(ascii: "x"), count: padding - 1) + [0x0A] + Array(repeating: row, count: 4_000).joined()
            #expect(bytes[65_536 + shift] == 0x20)
            let decoder = CSVRecordDecoder()
            var records: [CSVRecord] = []
            try decoder.feed(bytes) { records.append($0) }
            try decoder.finish { records.append($0) }
            #expect(decoder.slicesByteByByte == 0, "shift \(shift)")
            #expect(records == (try self.records(bytes, splits: [bytes.count], alwaysCall: true)))
            #expect(records.count == 4_001)
        }
    }

    @Test(arguments: [
        ("2017-03-01 08:00:00,宝山区,x y z\n", true),
        ("a,b\n\"q\",c\n", true),
        (" a,b", false), ("a ,b", false), ("a, b", false), ("a b ", false),
        ("a  b", false), ("a\tb", false), ("\"a\" ,b", false), ("a\n b", false), ("a \r\n", false),
    ])
    func whereTheShortcutApplies(text: String, interior: Bool) {
        var bytes = Array(text.utf8)
        #expect(bytes.withUnsafeMutableBytes { CSVRecordDecoder.spacesAreInterior(UnsafeRawBufferPointer($0)) } == interior)
        #expect(bytes.withUnsafeMutableBytes { CSVRecordDecoder.spacesAreInterior(UnsafeRawBufferPointer($0), vectors: false) } == interior)
    }

    /// The check in C (32 bytes at a time) against the byte-by-byte one: random text of
    /// plain bytes with a few spaces, tabs, commas, quotes and line ends at every place,
    /// also at the edges of a 32-byte block and of the input, in lengths of 0 to 300.
    @Test func shortcutCheckInVectorsAgreesWithBytes() {
        var random = SplitMix(state: 7)
        let rare: [UInt8] = Array(" \t,\"\r\n".utf8)
        var agreed = (interior: 0, not: 0)
        for _ in 0..<20_000 {
            let length = Int(random.next() % 301)
            var bytes = (0..<length).map { _ in UInt8(0x30 + random.next() % 40) }
            for _ in 0..<Int(random.next() % 4) where length > 0 {
                bytes[Int(random.next() % UInt64(length))] = rare[Int(random.next() % UInt64(rare.count))]
            }
            let vectors = bytes.withUnsafeBytes { CSVRecordDecoder.spacesAreInterior($0, vectors: true) }
            let reference = bytes.withUnsafeBytes { CSVRecordDecoder.spacesAreInterior($0, vectors: false) }
            #expect(vectors == reference, "\(bytes)")
            if reference { agreed.interior += 1 } else { agreed.not += 1 }
        }
        // Both verdicts came often enough for the comparison to mean something.
        #expect(agreed.interior > 3_000 && agreed.not > 3_000)
        // A space at every place of inputs around a block's length, alone and next to a
        // comma or a tab on either side (the edges of a block are the C code's own).
        for length in [2, 63, 64, 65, 66, 127, 128, 129, 130, 131, 200] {
            for place in 0..<length {
                for (offset, byte) in [(0, UInt8(0x20)), (1, 0x2C), (-1, 0x2C), (1, 0x09), (-1, 0x22)] where (0..<length).contains(place + offset) {
                    var bytes = [UInt8](repeating: 0x35, count: length)
                    bytes[place] = 0x20
                    bytes[place + offset] = byte
                    let vectors = bytes.withUnsafeBytes { CSVRecordDecoder.spacesAreInterior($0, vectors: true) }
                    let reference = bytes.withUnsafeBytes { CSVRecordDecoder.spacesAreInterior($0, vectors: false) }
                    #expect(vectors == reference, "length \(length), space at \(place), \(byte) at \(place + offset)")
                }
            }
        }
    }
}

/// A chunk's read (`stopAfter`) past its nominal end takes blocks of `tailBlockBytes`, not
/// full ones: it only needs the rest of the record under way.
@Suite struct ChunkTailTests {
    /// The sizes of the blocks a read from `start` stopping after `stopAfter` took, the
    /// records it gave and where it ended.
    func read(_ path: String, from start: Int, size: Int, stopAfter: Int) throws -> (blocks: [Int], records: [[String]], end: CSVFileReader.End) {
        var blocks: [Int] = []
        var records: [[String]] = []
        let end = try CSVFileReader.readRaw(path: path, encoding: .utf8, range: start..<size, stopAfter: stopAfter, eachBlock: { blocks.append($0.count) }) {
            records.append($0.strings())
        }
        return (blocks, records, end)
    }

    func padded(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: 6 - digits.count) + digits
    }

    @Test func shortRecordsPastTheEnd() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        // 30,000 lines of 100 bytes: line feeds at offsets 99, 199, ...
        let lines = (0..<30_000).map { padded($0) + "," + String(repeating: "x", count: 92) + "\n" }
        let path = try folder.write("lines.csv", lines.joined())
        let size = 3_000_000
        let mib = FileBlocks.blockBytes
        // From 0: the first block ends at 1 MiB, short of the line feed at 1,048,599 that
        // ends the read; the rest of that line comes in a small block.
        let first = try read(path, from: 0, size: size, stopAfter: mib - 5)
        #expect(first.blocks == [mib, FileBlocks.tailBlockBytes])
        #expect(first.end.offset == 1_048_600 && first.end.nextLine == 10_487)
        #expect(first.records.count == 10_486 && first.records.last == [padded(10_485), String(repeating: "x", count: 92)])
        // A block that starts a few bytes short of `stopAfter - 1` reaches no further than
        // a small block past it: 9 bytes and 64 KiB, not another MiB.
        let short = try read(path, from: 0, size: size, stopAfter: mib + 10)
        #expect(short.blocks == [mib, 9 + FileBlocks.tailBlockBytes])
        #expect(short.end.offset == 1_048_600 && short.records.count == 10_486)
        // From a later line start, stopping inside the first block: one block.
        let second = try read(path, from: 1_048_600, size: size, stopAfter: 2 * mib - 100)
        #expect(second.blocks == [mib])
        #expect(second.end.offset == 2_097_100 && second.records.count == 10_485 && second.records.first?.first == padded(10_486))
        // Stopping just past that block: the rest in a small one.
        let third = try read(path, from: 1_048_600, size: size, stopAfter: 2 * mib)
        #expect(third.blocks == [mib, FileBlocks.tailBlockBytes])
        #expect(third.end.offset == 2_097_200)
    }

    @Test func aLongRecordAcrossTheEnd() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        // A quoted field of 200,000 bytes over many lines straddles 1 MiB: the read goes on
        // in small blocks to its end, and no further than one small block past it.
        let mib = FileBlocks.blockBytes
        let head = String(repeating: "a,b\n", count: (mib - 1_000) / 4)
        let long = "c,\"" + String(repeating: "line\n", count: 40_000) + "\"\n"
        let path = try folder.write("long.csv", head + long + String(repeating: "d,e\n", count: 50_000))
        let size = head.utf8.count + long.utf8.count + 200_000
        let (blocks, records, end) = try read(path, from: 0, size: size, stopAfter: mib)
        let recordEnd = head.utf8.count + long.utf8.count
        #expect(end.offset == recordEnd)
        #expect(blocks.first == mib && blocks.dropFirst().allSatisfy { $0 == FileBlocks.tailBlockBytes })
        #expect(blocks.reduce(0, +) < recordEnd + FileBlocks.tailBlockBytes)
        #expect(records.count == (mib - 1_000) / 4 + 1 && records.last?.last?.count == 200_000)
    }
}
