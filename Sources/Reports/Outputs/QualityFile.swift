import Ingest
import Schema

/// `data/quality.csv`: what became of the rows of every input file.
public struct QualityFile: OutputWriter {
    public static let header = ["dataset", "file", "rows_read", "accepted", "rejected", "duplicates", "conflicts", "filtered"]

    public init() {}

    public func write(_ input: ReportInput, to sink: some OutputSink) throws {
        let rows = input.datasets.flatMap { dataset in
            dataset.files.map { file in
                [dataset.dataset.name, file.file.relativePath, String(file.rowsRead), String(file.accepted),
                 String(file.rejected), String(file.duplicates), String(file.conflicts), String(file.filtered)]
            }
        }
        let text = TableText.csv(header: Self.header, rows: rows)
        try sink.write("data/quality.csv") { try $0(text) }
    }
}
