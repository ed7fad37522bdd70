import Trends

/// `data/compliance.csv`: the rates of every assessments dataset.
public struct ComplianceFile: OutputWriter {
    public init() {}

    public func write(_ input: ReportInput, to sink: some OutputSink) throws {
        let text = TableText.csv(header: ComplianceRow.csvHeader, rows: input.compliance.map(\.csvFields))
        try sink.write("data/compliance.csv") { try $0(text) }
    }
}
