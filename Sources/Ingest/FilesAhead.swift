import CSVReading
import Dispatch
import Schema

/// A file after its first pass (`IngestStage.open`): its version, and its reader (which
/// holds the first pass's `FileScan`), which may hold the rows of its first chunk (the
/// whole file when it is not cut), decoded ahead on a worker and not yet applied.
struct OpenedFile: Sendable {
    let version: FileVersion
    var reader: FileRowReader
    /// Where the held rows end (nil: nothing read yet).
    var held: CSVFileReader.End?
}

/// What opening a file gives: the file, or the outcome of one its first pass refused.
enum PreparedFile: Sendable {
    case opened(OpenedFile)
    case refused(FileOutcome)
}

extension IngestStage {
    /// Opens `file` and decodes its first chunk (the whole file when it is not cut) into
    /// its reader, without applying it: on a worker, while the caller applies the files
    /// before it. Touches no store and no rejects. A failure is returned, to be thrown when
    /// the caller reaches the file.
    func prepare(_ file: InputFile) -> Result<PreparedFile, any Error> {
        Result {
            let prepared = try open(file)
            guard case .opened(var opened) = prepared else { return prepared }
            let scan = opened.reader.scan
            let cut = isCut(scan)
            var held: CSVFileReader.End?
            try Self.reading(file, version: opened.version, into: &opened.reader, checkingEnd: false) { reader in
                var hasher = scan.hashedAsRead ? FileHasher() : nil
                let end = try CSVFileReader.readRaw(
                    path: file.path, encoding: scan.encoding, stopAfter: cut ? chunkBytes : nil, checking: scan.checkedAsRead,
                    eachBlock: hasher == nil ? nil : { hasher!.feed($0) }
                ) { reader.hold($0) }
                if let hasher { reader.hashed(hasher) }
                held = end
                return end.offset
            }
            opened.held = held
            return .opened(opened)
        }
    }
}

/// The files of a dataset opened ahead, on worker threads, while the caller applies them in
/// order (`IngestStage.prepare`). Nightly exports are often one file a day of a few MiB or
/// less, and each file's first pass and first chunk were read on the caller's thread alone,
/// the other cores idle. At most `depth` files are prepared beyond the one the caller waits
/// for, so memory is bounded by that many first chunks' rows. With `depth` 0 nothing is
/// prepared.
final class FilesAhead: Sendable {
    private let stage: IngestStage
    private let files: [InputFile]
    private let depth: Int
    private let slots: Slots<Result<PreparedFile, any Error>>
    private let queue = DispatchQueue(label: "govstats.files", attributes: .concurrent)
    /// Files handed to a worker so far (only the caller's thread changes it).
    private nonisolated(unsafe) var submitted = 0

    init(stage: IngestStage, files: [InputFile], depth: Int) {
        self.stage = stage
        self.files = files
        self.depth = depth
        slots = Slots(count: depth > 0 ? files.count : 0)
    }

    /// File `index` prepared, waiting for it if needed; nil when nothing is prepared (the
    /// caller opens the file itself). Called in index order.
    func take(_ index: Int) throws -> PreparedFile? {
        guard depth > 0 else { return nil }
        while submitted < min(index + 1 + depth, files.count) {
            let number = submitted
            let (stage, file, slots) = (stage, files[number], slots)
            queue.async { slots.put(number, stage.prepare(file)) }
            submitted += 1
        }
        return try slots.take(index).get()
    }
}
