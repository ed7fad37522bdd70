import CSVReading
import Ingest
import Schema

/// Streams rejected rows to `<folder>/<dataset>.csv` (DATA_CONTRACT.md section 2), one file
/// per dataset present, header alone when nothing was rejected. Rows arrive in file then
/// line order, which is the contract's sort order, so nothing is held in memory.
struct RejectFiles: RejectSink {
    static let header = CSVText.line(["file", "line", "column", "reason", "record"])

    private var files: [DatasetKind: OutputFile] = [:]

    init(folder: String, datasets: [DatasetKind]) throws {
        for dataset in datasets {
            let file = try OutputFile(path: folder + "/" + dataset.rawValue + ".csv")
            try file.write(Self.header)
            files[dataset] = file
        }
    }

    mutating func reject(_ row: RejectedRow, dataset: DatasetKind) throws {
        try files[dataset]!.write(CSVText.line([row.file, String(row.line), row.column, row.reason, row.record]))
    }

    /// Flushes and closes every file; they are complete only after this.
    func close() throws {
        for dataset in files.keys.sorted() { try files[dataset]!.close() }
    }
}
