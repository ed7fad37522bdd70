#if canImport(Glibc)
import Glibc
#endif
import CSVReading
import Ingest
import Reports
import Schema
import Trends

/// The machine-readable outputs (DATA_CONTRACT.md section 2): `data/*.csv` and `run.json`,
/// as documents, rows sorted by every column in UTF-8 byte order.
enum TableFiles {
    static let contractVersion = 2

    static func csv(header: [String], rows: [[String]]) -> String {
        var text = CSVText.line(header)
        for row in sortedByFields(rows, \.self) { text += CSVText.line(row) }
        return text
    }

    /// Writes `data/trends.csv` a series at a time (see `DatedTrends.forEachRow`).
    static func writeTrends(_ tables: [DatedTrends], to path: String) throws(Failure) {
        let file = try OutputFile(path: path)
        try file.write(CSVText.line(TrendRow.csvHeader))
        do {
            // The rows of one metric and area come together and share their first four
            // fields: those are made CSV text once per run of rows (`CSVText.line` of all ten
            // fields is that text, a comma, and `CSVText.line` of the other six).
            var named: (Dataset, String, AreaLevel, String)?
            var prefix = ""
            try DatedTrends.forEachRow(of: tables) { row in
                let name = (row.dataset, row.metric, row.areaLevel, row.area)
                if named.map({ $0 != name }) ?? true {
                    named = name
                    prefix = [row.dataset.name, row.metric, row.areaLevel.rawValue, row.area]
                        .map { CSVText.field(CSVText.cell($0)) }.joined(separator: ",") + ","
                }
                try file.write(prefix)
                try file.write(CSVText.line([row.periodKind.rawValue, row.period, String(row.value), String(row.priorValue),
                                             row.changePercent ?? "", row.complete ? "true" : "false"]))
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .error(["cannot write \(path): \(error)"])
        }
        try file.close()
    }

    /// The small machine-readable tables and the manifest (`data/trends.csv`, which can be
    /// large, is written by `writeTrends`).
    static func documents(
        datasets: [DatasetIngest], compliance: [ComplianceRow],
        spans: [Dataset: DataSpan], generatedAt: String?, language: ReportInput.Language
    ) -> [OutputDocument] {
        let quality = datasets.flatMap { dataset in
            dataset.files.map { file in
                [dataset.dataset.name, file.file.relativePath, String(file.rowsRead), String(file.accepted),
                 String(file.rejected), String(file.duplicates), String(file.conflicts), String(file.filtered)]
            }
        }
        return [
            OutputDocument(path: "data/compliance.csv", contents: csv(header: ComplianceRow.csvHeader, rows: compliance.map(\.csvFields))),
            OutputDocument(path: "data/quality.csv", contents: csv(
                header: ["dataset", "file", "rows_read", "accepted", "rejected", "duplicates", "conflicts", "filtered"], rows: quality)),
            OutputDocument(path: "run.json", contents: manifest(datasets: datasets, spans: spans, generatedAt: generatedAt, language: language)),
        ]
    }

    /// The manifest's line naming the tool; `--out` must hold it to be replaced (`Publisher`).
    static let toolLine = "  \"tool\": \"govstats\",\n"

    /// The run manifest: contract and tool versions, each input with its sha256 and row
    /// outcomes, each dataset's span and totals. No wall clock unless SOURCE_DATE_EPOCH.
    static func manifest(datasets: [DatasetIngest], spans: [Dataset: DataSpan], generatedAt: String?, language: ReportInput.Language) -> String {
        var json = "{\n"
        json += "  \"contract_version\": \(contractVersion),\n"
        json += toolLine
        json += "  \"tool_version\": \(quoted(GovStats.version)),\n"
        json += "  \"generated_at\": \(generatedAt.map(quoted) ?? "null"),\n"
        json += "  \"language\": \(quoted(language.rawValue)),\n"
        json += "  \"datasets\": [\n"
        json += datasets.map { dataset in
            let span = spans[dataset.dataset]
            return "    {\"dataset\": \(quoted(dataset.dataset.name)), "
                + "\"first_date\": \(span.map { quoted($0.first.description) } ?? "null"), "
                + "\"as_of\": \(span.map { quoted($0.asOf.description) } ?? "null"), "
                + "\"files\": \(dataset.files.count), \"rows_read\": \(dataset.rowsRead), \"accepted\": \(dataset.accepted), "
                + "\"rejected\": \(dataset.rejected), \"duplicates\": \(dataset.duplicates), \"conflicts\": \(dataset.conflicts), "
                + "\"filtered\": \(dataset.filtered)}"
        }.joined(separator: ",\n")
        json += "\n  ],\n"
        json += "  \"inputs\": [\n"
        json += datasets.flatMap(\.files).map { file in
            "    {\"dataset\": \(quoted(file.file.dataset.name)), \"file\": \(quoted(file.file.relativePath)), "
                + "\"bytes\": \(file.bytes), \"sha256\": \(quoted(file.sha256)), \"encoding\": \(quoted(file.encoding.rawValue)), "
                + "\"rows_read\": \(file.rowsRead), \"accepted\": \(file.accepted), \"rejected\": \(file.rejected), "
                + "\"duplicates\": \(file.duplicates), \"conflicts\": \(file.conflicts), \"filtered\": \(file.filtered)}"
        }.joined(separator: ",\n")
        json += "\n  ]\n}\n"
        return json
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

/// Sorts by every field left to right in UTF-8 byte order (`utf8Less`), computing each
/// row's fields once.
func sortedByFields<Row>(_ rows: [Row], _ fields: (Row) -> [String]) -> [Row] {
    let keys = rows.map(fields)
    return keys.indices.sorted { utf8Less(keys[$0], keys[$1]) }.map { rows[$0] }
}
