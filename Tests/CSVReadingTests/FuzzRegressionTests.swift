import CSVReading
import Testing
import TestSupport

/// Inputs the fuzzer (Sources/FuzzHarness, `make fuzz`) found to break a property, kept as
/// tests once fixed.
@Suite struct FuzzRegressionTests {
    /// Reads a file with `CSVFileReader` in blocks of `blockBytes`.
    func read(_ bytes: [UInt8], blockBytes: Int) throws -> [CSVRecord] {
        let folder = try TemporaryDirectory("fuzz-regression")
        defer { folder.remove() }
        let path = try folder.write("file.csv", bytes: bytes)
        var records: [CSVRecord] = []
        try CSVFileReader.read(path: path, encoding: .utf8, blockBytes: blockBytes) { records.append($0) }
        return records
    }

    /// Fuzz input `@\x01\xEF\xBB\xBF` (a file holding only a byte order mark, read in 1-byte
    /// blocks) gave a record of one field U+FEFF: the mark was stripped only when the first
    /// block held all three of its bytes, so a header read in small blocks (or from a pipe
    /// that returns a short first read) kept it and no longer matched its column name.
    @Test(arguments: [1, 2, 3, 4, 1 << 20])
    func byteOrderMarkSplitAcrossBlocks(blockBytes: Int) throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        #expect(try read(bom, blockBytes: blockBytes) == [])
        #expect(try read(bom + Array("call_id,x\nA1,1\n".utf8), blockBytes: blockBytes) == [
            CSVRecord(line: 1, fields: ["call_id", "x"]),
            CSVRecord(line: 2, fields: ["A1", "1"]),
        ])
        // Bytes that only begin like a mark are data, in any block size.
        let whole = try read([0xEF, 0xBB, 0x41], blockBytes: 1 << 20)
        #expect(try read([0xEF, 0xBB, 0x41], blockBytes: blockBytes) == whole)
        #expect(try read([0xEF, 0xBB], blockBytes: blockBytes) == read([0xEF, 0xBB], blockBytes: 1 << 20))
    }

    /// Fuzz seed `no_line_break_commas.csv` (a file of commas without a line break): every
    /// empty field counted 0 bytes towards the record limit, so the fields of one endless
    /// record piled up (16 bytes each, 16 GB for a 1 GB file). A field's separator counts.
    @Test func lineOfCommasHitsTheRecordLimit() throws {
        let decoder = CSVRecordDecoder(maxFieldBytes: 4096, maxRecordBytes: 1000)
        var records: [CSVRecord] = []
        let commas = [UInt8](repeating: 0x2C, count: 100_000)
        try decoder.feed(commas) { records.append($0) }
        try decoder.feed(Array("\nnext\n".utf8)) { records.append($0) }
        try decoder.finish { records.append($0) }
        #expect(records == [
            CSVRecord(line: 1, fields: [], problem: .recordTooLarge(limit: 1000)),
            CSVRecord(line: 2, fields: ["next"]),
        ])
    }
}
