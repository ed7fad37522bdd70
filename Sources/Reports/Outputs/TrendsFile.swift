import Schema

import CSVReading
import Trends

/// `data/trends.csv`, written a series at a time (see `DatedTrends.forEachRow`): a table of
/// millions of rows is never held.
public struct TrendsFile: OutputWriter {
    public init() {}

    public var isLarge: Bool { true }

    public func write(_ input: ReportInput, to sink: some OutputSink) throws {
        try sink.write("data/trends.csv") { append in
            try append(CSVText.line(TrendRow.csvHeader))
            // The rows of one metric and area come together and share their first four
            // fields: those are made CSV text once per run of rows.
            var named: (String, String, AreaLevel, String)?
            var prefix = ""
            try DatedTrends.forEachRow(of: input.trends) { row in
                let name = (row.dataset.name, row.metric, row.areaLevel, row.area)
                if named.map({ $0 != name }) ?? true {
                    named = name
                    prefix = [row.dataset.name, row.metric, row.areaLevel.rawValue, row.area]
                        .map { CSVText.field(CSVText.cell($0)) }.joined(separator: ",") + ","
                }
                try append(prefix + CSVText.line([row.periodKind.rawValue, row.period, String(row.value), String(row.priorValue),
                                                  row.changePercent ?? "", row.complete ? "true" : "false"]))
            }
        }
    }
}
