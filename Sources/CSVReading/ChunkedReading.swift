#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// Reads a CSV file in chunks on several threads and hands the chunks' results to
/// the caller in file order, exactly as one reader going through the whole file would.
///
/// Chunks are cut speculatively and checked afterwards (no pass over the file first):
///
/// - Chunk k (k ≥ 1) is guessed to start just after the first line feed at or after
///   offset `k × chunkBytes − 1`, and is read by a worker from there, with its own decoder,
///   until the first line feed at or after the next chunk's offset that ends a record.
/// - The caller's thread knows where the previous chunk really ended (a reader that started
///   at a true record start sees the true state of the parser). If that is where chunk k
///   was guessed to start, the guess was right (the line feed was outside quotes) and its
///   result is used; if not, chunk k's result is thrown away and the bytes from the true
///   end are read again on the caller's thread, up to the next record end past the next
///   chunk's offset.
///
/// Line numbers: each chunk is read from line 1; the caller adds the line at which the
/// chunk really starts (`deliver`'s `firstLine`). At most `jobs` + 1 chunks are in flight
/// (one more than the workers, so that none waits while the caller applies one), so
/// memory is bounded by the chunks' results, whatever the file's size.
public struct ChunkedReading<Part: Sendable>: Sendable {
    public let path: String
    public let fileBytes: Int
    public let chunkBytes: Int
    /// Reads from `start` (a record start, or a guess) to the first record end at or after
    /// `stopAfter` (nil: to the end of the file), with line numbers from 1.
    public let read: @Sendable (_ start: Int, _ stopAfter: Int?) throws -> (Part, CSVFileReader.End)

    public init(
        path: String, fileBytes: Int, chunkBytes: Int,
        read: @escaping @Sendable (_ start: Int, _ stopAfter: Int?) throws -> (Part, CSVFileReader.End)
    ) {
        self.path = path
        self.fileBytes = fileBytes
        self.chunkBytes = max(1, chunkBytes)
        self.read = read
    }

    public var chunkCount: Int { max(1, (fileBytes + chunkBytes - 1) / chunkBytes) }

    /// Where chunk `index` is nominally cut (nil past the last).
    func nominal(_ index: Int) -> Int? {
        index < chunkCount ? index * chunkBytes : nil
    }

    /// A guessed chunk's result: where it started, what was read and where it ended.
    struct Guess: Sendable {
        let start: Int
        var part: Part
        let end: CSVFileReader.End
    }

    /// Reads everything after `start` (a true record start at line `line`; the caller read
    /// the bytes before it, usually the first chunk). `deliver` gets each part with the
    /// line its first byte is on and the offset it ends at, in file order. Returns where the
    /// last part ended, its line numbered in the file (nil: nothing after `start` was read).
    @discardableResult
    public func run(jobs: Int, from start: Int, line: Int, _ deliver: (inout Part, _ firstLine: Int, _ end: Int) throws -> Void) throws -> CSVFileReader.End? {
        var expected = start
        var expectedLine = line
        var last: CSVFileReader.End?
        func accept(_ part: inout Part, _ end: CSVFileReader.End) throws {
            try deliver(&part, expectedLine, end.offset)
            expected = end.offset
            expectedLine += end.nextLine - 1
            last = CSVFileReader.End(offset: end.offset, nextLine: expectedLine, betweenRecords: end.betweenRecords)
        }
        // Chunks wholly before `start` are not guessed at.
        var first = 1
        while let offset = nominal(first + 1), offset <= start { first += 1 }
        let count = chunkCount
        if first < count {
            let results = Slots<Result<Guess, any Error>>(count: count)
            let queue = DispatchQueue(label: "govstats.chunks", attributes: .concurrent)
            var submitted = first
            for index in first..<count {
                if expected >= fileBytes { break }  // all read: later guesses hold nothing
                while submitted < min(index + max(1, jobs) + 1, count) {
                    let chunk = submitted
                    let work = self
                    queue.async { results.put(chunk, Result { try work.guess(chunk) }) }
                    submitted += 1
                }
                var guess = try results.take(index).get()
                if expected > guess.start { continue }  // already read past it
                if expected < guess.start {
                    // The bytes between: read from the true end to the record end the
                    // guess should have started at.
                    var (part, end) = try read(expected, nominal(index)!)
                    try accept(&part, end)
                    if expected != guess.start { continue }  // the guess started inside a record
                }
                if guess.start >= fileBytes { break }  // a guess past the last line feed holds nothing
                // Passed in place: the caller may keep the part's memory for later chunks.
                let end = guess.end
                try accept(&guess.part, end)
            }
        }
        if expected < fileBytes {
            var (part, end) = try read(expected, nil)
            try accept(&part, end)
        }
        return last
    }

    /// Reads chunk `index` from its guessed start.
    func guess(_ index: Int) throws -> Guess {
        let start = try FileBlocks.lineStart(path: path, atOrAfter: nominal(index)! - 1, fileBytes: fileBytes)
        if start >= fileBytes {
            let (part, end) = try read(fileBytes, fileBytes)
            return Guess(start: fileBytes, part: part, end: end)
        }
        let (part, end) = try read(start, nominal(index + 1))
        return Guess(start: start, part: part, end: end)
    }
}

/// One slot per part (a chunk, a file): a worker puts its result, the reader takes it
/// (waiting if needed).
public final class Slots<Value: Sendable>: Sendable {
    private let values: Mutex<[Value?]>
    private let ready: [DispatchSemaphore]

    public init(count: Int) {
        values = Mutex(Array(repeating: nil, count: count))
        ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
    }

    /// Moves `value` into slot `index`: once the reader is signalled, this thread holds no
    /// other reference to it, so the reader may change it in place. (A copy held here until
    /// `put` returned made the reader's first change to a row batch copy its arrays, for
    /// about one chunk in five of the bench file at `--jobs 2`.)
    public func put(_ index: Int, _ value: consuming Value) {
        var moved = Optional(consume value)
        values.withLock { $0[index] = moved.take() }
        ready[index].signal()
    }

    public func take(_ index: Int) -> Value {
        ready[index].wait()
        return values.withLock { $0[index].take()! }
    }
}
