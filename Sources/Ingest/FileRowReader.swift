import CSVReading
import Schema

/// One file's rows on their way into the store: the header makes the layout, then each
/// record is counted as accepted, rejected or duplicate. Records come either one by one
/// (`take`) or already decoded by a worker (`apply`); both end in the same bookkeeping.
struct FileRowReader {
    let file: InputFile
    let scan: FileScan
    let settings: DatasetSettings
    var outcome: FileOutcome
    private(set) var decoder: RowDecoder?

    init(file: InputFile, scan: FileScan, settings: DatasetSettings) {
        self.file = file
        self.scan = scan
        self.settings = settings
        self.outcome = FileOutcome(file: file, bytes: scan.bytes, sha256: scan.sha256, encoding: scan.encoding)
    }

    mutating func take(_ record: CSVRecord, store: inout RecordStore, rejects: inout some RejectSink) throws {
        if outcome.refusal != nil || record.isBlank { return }
        guard let decoder else {
            let layout = FileLayout(dataset: file.dataset, header: record.fields, settings: settings)
            let missing = layout.missingRequired
            if !missing.isEmpty {
                let names = missing.map { "'\($0)'" }.joined(separator: ", ")
                let noun = missing.count == 1 ? "column" : "columns"
                outcome.refusal = "\(file.relativePath): file refused: missing required \(noun) \(names) (read as \(scan.encoding.rawValue))"
                return
            }
            decoder = RowDecoder(layout: layout, settings: settings)
            return
        }
        try apply(DecodedRow(record, decoder: decoder), store: &store, rejects: &rejects)
    }

    mutating func apply(_ row: DecodedRow, store: inout RecordStore, rejects: inout some RejectSink) throws {
        outcome.rowsRead += 1
        switch row.outcome {
        case .rejected(let column, let reason):
            outcome.rejected += 1
            try rejects.reject(
                RejectedRow(file: file.relativePath, line: row.line, column: column, reason: reason, record: row.recordText),
                dataset: file.dataset)
        case .row(let key, let values):
            switch store.insert(key: key, values: values) {
            case .accepted: outcome.accepted += 1
            case .duplicate: outcome.duplicates += 1
            case .conflict:
                outcome.duplicates += 1
                outcome.conflicts += 1
            }
        }
    }
}

/// A data row decoded (by any thread), ready to be applied in file order.
struct DecodedRow: Sendable {
    let line: Int
    let outcome: RowDecoder.Outcome
    /// The record as CSV text, kept for rejected rows only.
    let recordText: String

    init(_ record: CSVRecord, decoder: RowDecoder) {
        line = record.line
        outcome = decoder.decode(record)
        if case .rejected = outcome {
            recordText = CSVText.record(record.fields)
        } else {
            recordText = ""
        }
    }
}
