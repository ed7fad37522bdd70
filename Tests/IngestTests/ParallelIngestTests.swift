import CSVReading
import Ingest
import Schema
import Testing
import TestSupport

/// `--jobs N` must give the same outcome as `--jobs 1`: files cut into chunks at record
/// boundaries (quoted line breaks, CRLF, stray quotes and blank lines near every edge).
@Suite struct ParallelIngestTests {
    /// An export whose records hold every awkward shape, with duplicates and bad rows.
    static func awkwardExport(rows: Int) -> String {
        var text = "call_id,received_at,district,street,call_type,category,response_seconds,disposition\r\n"
        var random = SplitMix(state: 7)
        for row in 0..<rows {
            let id = "A\(row % (rows * 3 / 4))"  // a quarter are duplicates or conflicts
            let day = 1 + Int(random.next() % 28)
            let disposition: String
            switch random.next() % 7 {
            case 0: disposition = "\"line one\nline two\""
            case 1: disposition = "\"crlf\r\ninside, and a comma\""
            case 2: disposition = "\"quote \"\"inside\"\"\""
            case 3: disposition = "stray\"quote"
            case 4: disposition = "\"\n\n\""
            default: disposition = "plain\(random.next() % 3)"
            }
            let seconds = random.next() % 11 == 0 ? "-5" : String(random.next() % 600)
            let ending = random.next() % 2 == 0 ? "\n" : "\r\n"
            text += "\(id),2017-03-\(day < 10 ? "0" : "")\(day) 08:00,宝山区,罗店镇,报警,盗窃,\(seconds),\(disposition)\(ending)"
            if random.next() % 13 == 0 { text += "\n" }
            if random.next() % 29 == 0 { text += "B\(row),2017-03-01\n" }
        }
        return text
    }

    func run(_ folder: TemporaryDirectory, jobs: Int, chunkBytes: Int) throws -> (IngestResult, [RejectedRow]) {
        var sink = CollectedRejects()
        let stage = IngestStage(config: GovStatsConfig(), maxRejectPercent: ExactDecimal(canonical: "100"), jobs: jobs, chunkBytes: chunkBytes)
        let result = try stage.run(try DataFolder.discover(root: folder.path), rejects: &sink)
        return (result, sink.rows)
    }

    @Test(arguments: [(2, 1), (2, 17), (3, 64), (4, 333), (2, 4096)])
    func chunkedIngestEqualsSequential(jobs: Int, chunkBytes: Int) throws {
        let folder = try TemporaryDirectory("parallel")
        defer { folder.remove() }
        try folder.write("alarm_calls/a.csv", Self.awkwardExport(rows: 400))
        try folder.write("alarm_calls/b.csv", Self.awkwardExport(rows: 300))
        let (sequential, sequentialRejects) = try run(folder, jobs: 1, chunkBytes: chunkBytes)
        let (parallel, parallelRejects) = try run(folder, jobs: jobs, chunkBytes: chunkBytes)
        let one = sequential.dataset(.alarmCalls)!
        let many = parallel.dataset(.alarmCalls)!
        #expect(one.files.map(counts) == many.files.map(counts))
        #expect(one.rejected > 10 && one.duplicates > 10 && one.conflicts > 0)
        #expect(sequentialRejects == parallelRejects)
        for column in ["received_at", "response_seconds", "disposition"] {
            #expect(Array(one.store.slots(of: column)) == Array(many.store.slots(of: column)))
        }
        #expect(one.store.texts(of: "disposition") == many.store.texts(of: "disposition"))
    }

    /// Guessed chunk starts are checked: with chunks of 1 to 97 bytes most guesses land
    /// inside quoted fields, and the records, their lines and where each part ends are still
    /// those of one reader going through the whole file.
    @Test(arguments: [1, 2, 5, 13, 31, 97])
    func guessedChunksReadAsTheWholeFile(chunkBytes: Int) throws {
        let folder = try TemporaryDirectory("chunks")
        defer { folder.remove() }
        let text = Self.awkwardExport(rows: 150)
        try folder.write("a.csv", text)
        let path = folder.path + "/a.csv"
        let size = text.utf8.count
        var whole: [CSVRecord] = []
        try CSVFileReader.read(path: path, encoding: .utf8) { whole.append($0) }

        var chunked: [CSVRecord] = []
        let first = try CSVFileReader.readRaw(path: path, encoding: .utf8, stopAfter: chunkBytes) { chunked.append(CSVRecord($0)) }
        let reading = ChunkedReading<[CSVRecord]>(path: path, fileBytes: size, chunkBytes: chunkBytes) { start, stopAfter in
            var records: [CSVRecord] = []
            let end = try CSVFileReader.readRaw(path: path, encoding: .utf8, range: start..<size, stopAfter: stopAfter) { records.append(CSVRecord($0)) }
            return (records, end)
        }
        var ends = [first.offset]
        try reading.run(jobs: 3, from: first.offset, line: first.nextLine) { records, firstLine, end in
            ends.append(end)
            chunked += records.map { CSVRecord(line: $0.line + firstLine - 1, fields: $0.fields, problem: $0.problem) }
        }
        #expect(chunked == whole)
        #expect(zip(ends, ends.dropFirst()).allSatisfy { $0 < $1 } && ends.last == size)
        // Each part ends just after a line feed.
        let bytes = Array(text.utf8)
        #expect(ends.allSatisfy { bytes[$0 - 1] == 0x0A })
        // Many parts: at most one per record, and guesses inside quotes are mended.
        #expect(ends.count > min(size / chunkBytes, whole.count) / 4, "\(ends.count) parts")
    }

    /// A file that the first part reads whole (a byte order mark alone, one short line):
    /// no empty part follows, even with chunks of one byte (found by the fuzz harness).
    @Test(arguments: ["\u{FEFF}", "a,b\n", "a,\"b\nc\"", "\n\n\n"])
    func nothingAfterTheLastRecord(text: String) throws {
        let folder = try TemporaryDirectory("chunks")
        defer { folder.remove() }
        try folder.write("a.csv", text)
        let path = folder.path + "/a.csv"
        let size = text.utf8.count
        let first = try CSVFileReader.readRaw(path: path, encoding: .utf8, stopAfter: 1) { _ in }
        let reading = ChunkedReading<Int>(path: path, fileBytes: size, chunkBytes: 1) { start, stopAfter in
            var records = 0
            let end = try CSVFileReader.readRaw(path: path, encoding: .utf8, range: start..<size, stopAfter: stopAfter) { _ in records += 1 }
            return (records, end)
        }
        var ends = [first.offset]
        try reading.run(jobs: 2, from: first.offset, line: first.nextLine) { _, _, end in ends.append(end) }
        #expect(zip(ends, ends.dropFirst()).allSatisfy { $0 < $1 }, "\(ends)")
        #expect(ends.last == size)
    }
}
