import ArgumentParser
import CSVReading
import Foundation
import Ingest
import Schema

/// The options every reading command shares.
struct InputOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: ArgumentHelp("The data folder: alarm_calls/, burglary_reports/, safe_community/ and the datasets govstats.toml declares (or <dataset>.csv).", valueName: "dir"))
    var data = "datasets"

    @Option(name: .customLong("config"), help: ArgumentHelp("A govstats.toml: other exports' headers, date forms, encodings, row filters, value patterns, datasets of your own (docs/reference.md). Default: <data>/govstats.toml when it exists.", valueName: "file"))
    var config: String?

    @Option(name: .customLong("max-reject-pct"), parsing: .unconditional, help: ArgumentHelp("Refuse a dataset (exit 3) when more than this percent of its rows are rejected.", valueName: "n"))
    var maxRejectPercent = "5"

    @Option(name: .customLong("jobs"), parsing: .unconditional, help: ArgumentHelp("Threads to use: for reading the files and, in run, the run state, the trends and the pages. Default: the number of cores. The output is the same bytes for any value.", valueName: "n"))
    var jobsOption: Int?

    /// `--jobs`, or the number of cores.
    var jobs: Int { jobsOption ?? ProcessInfo.processInfo.activeProcessorCount }

    func validate() throws {
        if let jobsOption, jobsOption < 1 { throw ValidationError("--jobs must be at least 1, not \(jobsOption)") }
        guard let percent = ValueParser.amount(maxRejectPercent[...]), ValueParser.score(maxRejectPercent[...]) != nil else {
            throw ValidationError("--max-reject-pct takes a number from 0 to 100, not '\(maxRejectPercent)'")
        }
        _ = percent
    }

    var maxRejectDecimal: ExactDecimal { ValueParser.score(maxRejectPercent[...])! }

    /// The config file read: `--config`, or `<data>/govstats.toml` when there is one.
    var configPath: String? {
        let path = config ?? data + "/govstats.toml"
        return config != nil || FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Reads the config named by `--config`, or `<data>/govstats.toml` when there is one.
    func loadConfig() throws(Failure) -> GovStatsConfig {
        guard let path = configPath else {
            var config = GovStatsConfig()
            config.runDay = try RunDay.today()
            return config
        }
        var bytes: [UInt8] = []
        do { try FileBlocks.forEach(path: path) { bytes.append(contentsOf: $0) } } catch {
            let reason = (error as? FileReadError)?.reason ?? "\(error)"
            throw .usage(["cannot read config file \(path): \(reason)"])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .usage(["\(path): not valid UTF-8"])
        }
        // TOML forbids NUL, and the parser would stop reading at it without a word.
        if let nul = bytes.firstIndex(of: 0) {
            let line = bytes[..<nul].filter { $0 == UInt8(ascii: "\n") }.count + 1
            throw .usage(["\(path) line \(line): holds a NUL byte (0x00), which a config file cannot hold"])
        }
        var config: GovStatsConfig
        do { config = try GovStatsConfig.parse(text, file: path) } catch { throw .usage([error.description]) }
        config.runDay = try RunDay.today()
        config.fingerprint = sha256Hex(of: bytes)
        return config
    }

    /// Lists the data folder's files of the built-in datasets and those `config` declares.
    func discover(_ config: GovStatsConfig) throws(Failure) -> DataFolder {
        do { return try DataFolder.discover(root: data, datasets: config.allDatasets) } catch { throw Failure(error) }
    }
}
