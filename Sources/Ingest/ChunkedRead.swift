import CSVReading
import Dispatch
import Synchronization

/// Decodes the chunks of a file after the first on worker threads, at most `jobs` chunks
/// ahead of the reader, and hands each chunk's rows to the caller in file order. Memory
/// is bounded by the chunks in flight, whatever the file's size.
///
///     chunk 1 ─▶ worker ─┐
///     chunk 2 ─▶ worker ─┼─▶ results[i] ─▶ caller, in order: 1, 2, 3 …
///     chunk 3 ─▶ worker ─┘
struct ChunkedRead: Sendable {
    let path: String
    /// Chunk starts after the first chunk.
    let cuts: [RecordBoundaryScanner.Cut]
    let bytes: Int
    let decoder: RowDecoder

    /// The offset at which chunk `index` (of `cuts`) ends.
    func end(of index: Int) -> Int {
        index + 1 < cuts.count ? cuts[index + 1].offset : bytes
    }

    func run(jobs: Int, _ body: (Int, inout RowBatch) throws -> Void) throws {
        let results = ChunkResults(count: cuts.count)
        let queue = DispatchQueue(label: "govstats.ingest.chunks", attributes: .concurrent)
        var submitted = 0
        for index in cuts.indices {
            while submitted < min(index + jobs, cuts.count) {
                let chunk = submitted
                let work = (path: path, range: cuts[chunk].offset..<end(of: chunk), line: cuts[chunk].line, decoder: decoder)
                queue.async {
                    results.put(chunk, Result { try Self.decode(path: work.path, range: work.range, line: work.line, decoder: work.decoder) })
                }
                submitted += 1
            }
            var batch = try results.take(index).get()
            try body(index, &batch)
        }
    }

    static func decode(path: String, range: Range<Int>, line: Int, decoder: RowDecoder) throws -> RowBatch {
        var batch = RowBatch(decoder: decoder)
        try CSVFileReader.readRaw(path: path, encoding: .utf8, range: range, firstLine: line) { record in
            if !record.isBlank { decoder.decode(record, into: &batch) }
        }
        return batch
    }
}

/// One slot per chunk: a worker puts its result, the reader takes it (waiting if needed).
final class ChunkResults: Sendable {
    private let slots: Mutex<[Result<RowBatch, any Error>?]>
    private let ready: [DispatchSemaphore]

    init(count: Int) {
        slots = Mutex(Array(repeating: nil, count: count))
        ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
    }

    func put(_ index: Int, _ result: Result<RowBatch, any Error>) {
        slots.withLock { $0[index] = result }
        ready[index].signal()
    }

    func take(_ index: Int) -> Result<RowBatch, any Error> {
        ready[index].wait()
        return slots.withLock { slots in
            let result = slots[index]!
            slots[index] = nil
            return result
        }
    }
}
