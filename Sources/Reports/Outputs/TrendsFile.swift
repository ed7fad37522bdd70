import Schema

import CSVReading
import Trends

/// `data/trends.csv`, written a series at a time (see `DatedTrends.forEachRow`): a table of
/// millions of rows is never held. Rows are made as bytes and handed to the file 64 KiB at
/// a time.
public struct TrendsFile: OutputWriter {
    public init() {}

    public var isLarge: Bool { true }

    public func write(_ input: ReportInput, to sink: some OutputSink) throws {
        try sink.write("data/trends.csv") { append in
            var lines = CSVLines()
            for field in TrendRow.csvHeader { lines.cell(field) }
            lines.endLine()
            // The rows of one metric and area come together and share their first four
            // fields: those are made once per run of rows.
            var named: (String, String, AreaLevel, String)?
            var prefix: [UInt8] = []
            try DatedTrends.forEachRow(of: input.trends) { row in
                let name = (row.dataset.name, row.metric, row.areaLevel, row.area)
                if named.map({ $0 != name }) ?? true {
                    named = name
                    var first = CSVLines()
                    for field in [row.dataset.name, row.metric, row.areaLevel.rawValue, row.area] { first.cell(field) }
                    prefix = first.bytes
                }
                lines.cells(prefix)
                lines.cell(row.periodKind.rawValue)
                lines.cell(row.period)
                lines.cell(row.value)
                lines.cell(row.priorValue)
                lines.cell(row.changePercent ?? "")
                lines.cell(row.complete ? "true" : "false")
                lines.endLine()
                if lines.bytes.count >= 1 << 16 { try append(lines.take()) }
            }
            try append(lines.take())
        }
    }
}
