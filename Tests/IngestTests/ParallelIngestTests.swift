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

    @Test func cutsFallOnRecordStartsWithTheirLines() throws {
        let text = Self.awkwardExport(rows: 200)
        let bytes = Array(text.utf8)
        var scanner = RecordBoundaryScanner(chunkBytes: 50)
        bytes.withUnsafeBytes { scanner.feed($0) }
        scanner.finish()
        #expect(scanner.cuts.count > 100)
        // Every cut is where a record (or a blank line) starts, at the line the whole-file
        // decoder gives that record.
        let decoder = CSVRecordDecoder()
        var starts: [Int: Int] = [:]
        try decoder.feed(bytes) { starts[$0.line] = 1 }
        try decoder.finish { starts[$0.line] = 1 }
        for cut in scanner.cuts {
            #expect(bytes[cut.offset - 1] == 0x0A)
            var records: [CSVRecord] = []
            let chunk = CSVRecordDecoder(firstLine: cut.line)
            try chunk.feed(Array(bytes[cut.offset...])) { records.append($0) }
            try chunk.finish { records.append($0) }
            if let first = records.first(where: { !$0.isBlank }) {
                #expect(starts[first.line] != nil, "cut at \(cut.offset) line \(cut.line)")
            }
        }
    }
}
