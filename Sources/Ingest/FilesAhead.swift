import CSVReading
import Dispatch
import Schema

/// A file of at most `IngestStage.chunkBytes`, read whole on a worker thread: its rows
/// decoded and not yet applied, or the outcome of a file its first pass refused.
enum PreparedFile: Sendable {
    case rows(FileRowReader)
    case refused(FileOutcome)
}

extension IngestStage {
    /// Reads `file` whole into a `PreparedFile` when it holds at most `chunkBytes` (nil
    /// when it is larger: `read` takes it, in chunks). Touches no store and no rejects, so
    /// it runs on a worker while the caller applies the files before it. A failure is
    /// returned, to be thrown when the caller reaches the file.
    func prepare(_ file: InputFile) -> Result<PreparedFile, any Error>? {
        let version: FileVersion
        do { version = try FileVersion.of(file.path) } catch { return .failure(IngestError.io(error)) }
        guard version.size <= chunkBytes else { return nil }
        return Result {
            let scan: FileScan
            switch try open(file, version: version, jobs: 1) {
            case .refused(let outcome): return .refused(outcome)
            case .ready(let ready): scan = ready
            }
            var reader = FileRowReader(file: file, scan: scan, settings: config[file.dataset])
            try Self.reading(file, version: version, into: &reader) { reader in
                try CSVFileReader.readRaw(path: file.path, encoding: scan.encoding) { reader.hold($0) }.offset
            }
            try Self.finish(&reader, scan: scan)
            return .rows(reader)
        }
    }

    /// Applies a prepared file's rows to `store`, as `read` would have.
    func apply(
        _ prepared: PreparedFile,
        into store: inout RecordStore,
        rejects: inout some RejectSink,
        progress: (IngestProgress) -> Void
    ) throws -> FileOutcome {
        switch prepared {
        case .refused(let outcome):
            return outcome
        case .rows(var reader):
            let name = reader.file.relativePath
            progress(IngestProgress(file: name, bytesDone: 0, bytesTotal: reader.scan.bytes))
            try reader.flush(store: &store, rejects: &rejects)
            progress(IngestProgress(file: name, bytesDone: reader.scan.bytes, bytesTotal: reader.scan.bytes))
            return reader.outcome
        }
    }
}

/// The files of a dataset prepared ahead, on worker threads, while the caller applies
/// them in order: nightly exports are often one small file a day, each below the size at
/// which a file is cut into chunks, so without this only one core would read them. At most
/// `depth` files are prepared beyond the one the caller waits for, so memory is bounded
/// by that many small files' rows. With `depth` 0 nothing is prepared.
final class FilesAhead: Sendable {
    private let stage: IngestStage
    private let files: [InputFile]
    private let depth: Int
    private let slots: Slots<Result<PreparedFile, any Error>?>
    private let queue = DispatchQueue(label: "govstats.files", attributes: .concurrent)
    /// Files handed to a worker so far (only the caller's thread changes it).
    private nonisolated(unsafe) var submitted = 0

    init(stage: IngestStage, files: [InputFile], depth: Int) {
        self.stage = stage
        self.files = files
        self.depth = depth
        slots = Slots(count: depth > 0 ? files.count : 0)
    }

    /// File `index` prepared, waiting for it if needed; nil when it is to be read by
    /// `IngestStage.read` (it is large, or nothing is prepared). Called in index order.
    func take(_ index: Int) throws -> PreparedFile? {
        guard depth > 0 else { return nil }
        while submitted < min(index + 1 + depth, files.count) {
            let number = submitted
            let (stage, file, slots) = (stage, files[number], slots)
            queue.async { slots.put(number, stage.prepare(file)) }
            submitted += 1
        }
        return try slots.take(index)?.get()
    }
}
