import CSVReading
import Trends
import Ingest
import Schema

import Foundation

/// `run.json`: the contract and tool versions, each input with its sha256 and row outcomes,
/// each dataset's span and totals. Encoded by Foundation's JSONEncoder with sorted keys, so
/// the same run gives the same bytes; no clock unless SOURCE_DATE_EPOCH gave one.
public struct RunManifest: OutputWriter {
    public static let contractVersion = 2
    /// The value of `tool`: an output folder holding a run.json that says it may be replaced.
    public static let tool = "govstats"

    public init() {}

    struct Manifest: Encodable {
        let contractVersion: Int
        let tool: String
        let toolVersion: String
        let generatedAt: String?
        let language: String
        let datasets: [DatasetEntry]
        let inputs: [InputEntry]

        enum CodingKeys: String, CodingKey {
            case contractVersion = "contract_version", tool, toolVersion = "tool_version", generatedAt = "generated_at",
                 language, datasets, inputs
        }

        /// `generated_at` is always there: null without SOURCE_DATE_EPOCH.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(contractVersion, forKey: .contractVersion)
            try container.encode(tool, forKey: .tool)
            try container.encode(toolVersion, forKey: .toolVersion)
            try container.encode(generatedAt, forKey: .generatedAt)
            try container.encode(language, forKey: .language)
            try container.encode(datasets, forKey: .datasets)
            try container.encode(inputs, forKey: .inputs)
        }
    }

    struct Counts: Encodable {
        let rowsRead, accepted, rejected, duplicates, conflicts, filtered: Int

        enum CodingKeys: String, CodingKey {
            case rowsRead = "rows_read", accepted, rejected, duplicates, conflicts, filtered
        }
    }

    struct DatasetEntry: Encodable {
        let dataset: String
        let firstDate: String?
        let asOf: String?
        let files: Int
        let counts: Counts

        enum CodingKeys: String, CodingKey {
            case dataset, firstDate = "first_date", asOf = "as_of", files
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(dataset, forKey: .dataset)
            try container.encode(firstDate, forKey: .firstDate)
            try container.encode(asOf, forKey: .asOf)
            try container.encode(files, forKey: .files)
            try counts.encode(to: encoder)
        }
    }

    struct InputEntry: Encodable {
        let dataset: String
        let file: String
        let bytes: Int
        let sha256: String
        let encoding: String
        let counts: Counts

        enum CodingKeys: String, CodingKey {
            case dataset, file, bytes, sha256, encoding
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(dataset, forKey: .dataset)
            try container.encode(file, forKey: .file)
            try container.encode(bytes, forKey: .bytes)
            try container.encode(sha256, forKey: .sha256)
            try container.encode(encoding, forKey: .encoding)
            try counts.encode(to: encoder)
        }
    }

    public func write(_ input: ReportInput, to sink: some OutputSink) throws {
        let manifest = Manifest(
            contractVersion: Self.contractVersion, tool: Self.tool, toolVersion: input.toolVersion,
            generatedAt: input.generatedAt, language: input.language.rawValue,
            datasets: input.datasets.map { dataset in
                let span = input.spans[dataset.dataset]
                return DatasetEntry(
                    dataset: dataset.dataset.name, firstDate: span?.first.description, asOf: span?.asOf.description,
                    files: dataset.files.count,
                    counts: Counts(rowsRead: dataset.rowsRead, accepted: dataset.accepted, rejected: dataset.rejected,
                                   duplicates: dataset.duplicates, conflicts: dataset.conflicts, filtered: dataset.filtered))
            },
            inputs: input.datasets.flatMap(\.files).map { file in
                InputEntry(
                    dataset: file.file.dataset.name, file: file.file.relativePath, bytes: file.bytes, sha256: file.sha256,
                    encoding: file.encoding.rawValue,
                    counts: Counts(rowsRead: file.rowsRead, accepted: file.accepted, rejected: file.rejected,
                                   duplicates: file.duplicates, conflicts: file.conflicts, filtered: file.filtered))
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(manifest), as: UTF8.self) + "\n"
        try sink.write("run.json") { try $0(text) }
    }

    /// An input as a run.json lists it.
    public struct ListedInput: Equatable, Sendable {
        public let dataset: String
        public let file: String
        public let sha256: String

        public init(dataset: String, file: String, sha256: String) {
            self.dataset = dataset
            self.file = file
            self.sha256 = sha256
        }
    }

    /// The inputs `bytes`, a run.json that govstats wrote, lists; nil when it is not one.
    public static func inputs(_ bytes: [UInt8]) -> [ListedInput]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any], object["tool"] as? String == tool,
              let inputs = object["inputs"] as? [[String: Any]]
        else { return nil }
        return inputs.compactMap { entry in
            guard let dataset = entry["dataset"] as? String, let file = entry["file"] as? String else { return nil }
            return ListedInput(dataset: dataset, file: file, sha256: entry["sha256"] as? String ?? "")
        }
    }

    /// What the reports that a run replaces read and the run does not: per dataset, in the
    /// order of `before`, one warning line. An input counts as still read when a file of
    /// its name or of its content (a file renamed) is. A dataset none of whose files is
    /// read is said to be left out, whatever else it had: a folder moved or not synced
    /// would otherwise make a report without it, and the cron job would mail nothing.
    public static func lost(before: [ListedInput], after: [ListedInput]) -> [String] {
        let names = Set(after.map(\.file))
        let contents = Set(after.map(\.sha256).filter { !$0.isEmpty })
        let present = Set(after.map(\.dataset))
        var order: [String] = []
        var gone: [String: [String]] = [:]
        var had: [String: Int] = [:]
        for input in before {
            if had[input.dataset] == nil { order.append(input.dataset) }
            had[input.dataset, default: 0] += 1
            if !names.contains(input.file) && !contents.contains(input.sha256) { gone[input.dataset, default: []].append(input.file) }
        }
        return order.compactMap { dataset in
            let count = had[dataset]!
            let files = count == 1 ? "1 file" : "\(count) files"
            if !present.contains(dataset) {
                return "\(dataset): the reports this run replaces read \(files) of it, and this run reads none: it is left out of the new reports"
            }
            guard let lost = gone[dataset] else { return nil }
            let shown = inWords(lost, over: 3, showing: 3)
            let which = lost.count == 1 ? "\(shown), read for the reports this run replaces, is" : "\(lost.count) files read for the reports this run replaces are"
            let list = lost.count == 1 ? "" : " (\(shown))"
            return "\(dataset): \(which) not in the data folder now, by name or by content\(list): \(lost.count == 1 ? "its" : "their") rows are no longer counted"
        }
    }

    /// Whether `text` (the start of a file) is a run.json that govstats wrote.
    public static func isManifest(_ data: Data) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object["tool"] as? String == tool
    }
}
