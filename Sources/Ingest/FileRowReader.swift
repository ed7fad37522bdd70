import CSVReading
import Schema

/// One file's rows on their way into the store: the header makes the layout, then each
/// record is counted as accepted, rejected or duplicate. Records come either one by one
/// (`take`, gathered into a batch of `batchRows`) or as a batch decoded by a worker
/// (`apply`); both end in the same bookkeeping.
struct FileRowReader: Sendable {
    static let batchRows = 4096

    let file: InputFile
    /// The file's dataset with its settings.
    let dataset: Dataset
    let scan: FileScan
    var outcome: FileOutcome
    private(set) var decoder: RowDecoder?
    /// The rows taken one by one and not yet applied.
    private var pending: RowBatch?
    /// Where `pending` comes from and goes back to.
    private let batches: BatchPool
    /// The sha256 worked out as the file was read (`FileScan.hashedAsRead`), and the bytes
    /// it took in.
    private var hashedAsRead: (sha256: String, bytes: Int)?

    init(file: InputFile, dataset: Dataset, scan: FileScan, batches: BatchPool) {
        self.file = file
        self.dataset = dataset
        self.scan = scan
        self.batches = batches
        // The sha256 is filled in once the file is read (`FileScan.sha256()` may still be at work).
        self.outcome = FileOutcome(file: file, bytes: scan.bytes, sha256: "", encoding: scan.encoding)
    }

    mutating func take(_ record: RawCSVRecord, store: inout RecordStore, rejects: inout some RejectSink) throws {
        hold(record)
        if (pending?.rowsRead ?? 0) >= Self.batchRows { try flush(store: &store, rejects: &rejects) }
    }

    /// Decodes `record` into the rows not yet applied (the header makes the layout), and
    /// keeps them there until `flush`: a small file is read whole this way on a worker.
    mutating func hold(_ record: RawCSVRecord) {
        if outcome.refusal != nil || record.isBlank { return }
        // Used in place, not bound to a constant: a copy per record would retain its arrays.
        guard decoder != nil else {
            let layout = FileLayout(dataset: dataset, header: record.strings(), settings: dataset.settings)
            if let refusal = layout.refusal {
                outcome.refusal = "\(file.relativePath): file refused: \(refusal) (read as \(scan.encoding.rawValue))"
                return
            }
            let decoder = RowDecoder(layout: layout, settings: dataset.settings)
            self.decoder = decoder
            pending = batches.take(decoder: decoder)
            return
        }
        decoder!.decode(record, into: &pending!)
    }

    /// The sha256 of the file, worked out as it was read whole (`FileScan.hashedAsRead`).
    mutating func hashed(_ hasher: FileHasher) {
        hashedAsRead = hasher.finished()
    }

    /// Once the file was read: its sha256 (with several jobs, worked out while the rows were
    /// read; or as they were read), and its refusal when it had no header row.
    mutating func finish() throws(IngestError) {
        if scan.hashedAsRead {
            guard let (sha256, bytes) = hashedAsRead else {
                throw .io(FileReadError(path: file.path, errno: 0, operation: "read", detail: "the file was not read whole, so its sha256 is not known"))
            }
            // A file that grew or shrank after its size was taken (the read checks the file
            // is unchanged, so this is a second look).
            guard bytes == scan.bytes else { throw .io(.changedSize(path: file.path, from: scan.bytes, to: bytes)) }
            outcome.sha256 = sha256
        } else {
            do { outcome.sha256 = try scan.sha256() } catch { throw .io(error) }
        }
        if decoder == nil && outcome.refusal == nil {
            outcome.refusal = "\(file.relativePath): file refused: no header row (the file \(scan.bytes == 0 ? "is empty" : "holds only blank lines"); read as \(scan.encoding.rawValue))"
        }
    }

    /// Gives the batch of rows taken one by one back to the pool (once every row was applied).
    mutating func releaseBatch() {
        if pending != nil { batches.give(&pending!) }
        pending = nil
    }

    /// Applies the rows taken one by one so far.
    mutating func flush(store: inout RecordStore, rejects: inout some RejectSink) throws {
        guard var batch = pending, batch.rowsRead > 0 else { return }
        pending = nil  // no second reference while the batch is changed
        try apply(&batch, firstLine: 1, store: &store, rejects: &rejects)
        batch.removeRows()
        pending = batch
    }

    /// `firstLine`: the line of the batch's first byte (its rejections count lines from 1).
    mutating func apply(_ batch: inout RowBatch, firstLine: Int, store: inout RecordStore, rejects: inout some RejectSink) throws {
        outcome.rowsRead += batch.rowsRead
        outcome.rejected += batch.rejections.count
        outcome.filtered += batch.filtered
        let tally = store.apply(&batch)
        outcome.accepted += tally.accepted
        outcome.duplicates += tally.duplicates
        outcome.conflicts += tally.conflicts
        for rejection in batch.rejections {
            outcome.rejectReasons[Self.reasonKind(column: rejection.column, reason: rejection.reason), default: 0] += 1
            if rejection.reason.hasSuffix(RowDecoder.dayOfRun) { outcome.namesRunDay = true }
            if rejection.mayBeRunOn {
                outcome.runOnRecords.note(line: rejection.line + firstLine - 1, lines: rejection.lines)
            }
            try rejects.reject(
                RejectedRow(file: file.relativePath, line: rejection.line + firstLine - 1, column: rejection.column, reason: rejection.reason, record: rejection.record),
                dataset: dataset)
        }
    }

    /// A reject reason without the value it quotes: `received_at: not a valid date and time`.
    static func reasonKind(column: String, reason: String) -> String {
        var text = Substring(reason)
        let characters = Array(reason)
        if characters.first == "'", let close = (1..<max(1, characters.count - 1)).reversed().first(where: { characters[$0] == "'" && characters[$0 + 1] == " " }) {
            text = Substring(String(characters[(close + 2)...]))
            if text.hasPrefix("is ") { text = text.dropFirst(3) }
        }
        if text.hasPrefix("expected "), let comma = text.firstIndex(of: ",") { text = text[..<comma] }
        return column.isEmpty ? String(text) : "\(column): \(text)"
    }
}
