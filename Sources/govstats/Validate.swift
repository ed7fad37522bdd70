import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import CSVReading
import Ingest
import Schema

/// `govstats validate`: ingest only, a table of per-file outcomes.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read every export and print what became of its rows.",
        discussion: """
            One row per input file: encoding, rows read, accepted, rejected, duplicates, \
            conflicts and rows filtered out by keep and drop; then one total line per dataset. \
            rows_read = accepted + rejected + duplicates + filtered for every file. With --rejects DIR, writes DIR/<dataset>.csv listing \
            each rejected row with its file, line, column and reason; they replace the files \
            there only once every input was read (exit 0 or 3), so a failed run (exit 1) \
            leaves the earlier ones as they were. A warning on standard error names a file \
            where a record rejected whole runs over several lines: most often a quote left \
            open, which makes the lines after it one rejected row.

            Exit codes: 0 the data would be accepted; 1 a file cannot be read; 2 usage; \
            3 data refused (a file rejected whole, more than --max-reject-pct rejected, or \
            more distinct districts than [report] max_districts).

            Example: govstats validate --data datasets --rejects /tmp/rejects
            """
    )

    @OptionGroup var input: InputOptions

    @Option(name: .customLong("rejects"), help: ArgumentHelp("Write the rejected rows to DIR/<dataset>.csv (made if missing; not the data folder or one of its <dataset>/ folders).", valueName: "dir"))
    var rejects: String?

    func run() throws {
        let config = try input.loadConfig()
        let folder = try input.discover(config)
        // No sha256: validate reports none (run.json does), and it is a pass over every byte.
        var stage = IngestStage(config: config, maxRejectPercent: input.maxRejectDecimal, jobs: input.jobs, hashing: false)
        stage.countsGroups = false
        let progress = ProgressDisplay(enabled: ProgressDisplay.isTerminal(2))
        let result: IngestResult
        do {
            if let rejects {
                try Self.checkRejectsFolder(rejects, data: folder, config: input.configPath)
                try makeDirectories(rejects)
                // One writer at a time, as for run's --out: a lock beside the folder.
                let lock = try Self.lockRejects(rejects)
                defer { close(lock) }
                // Written beside the files they replace and renamed over them once every
                // file was read: a failure leaves the folder's rejects as they were.
                var sink = try RejectFiles(folder: rejects, datasets: folder.presentDatasets, replacing: true)
                do {
                    result = try stage.run(folder, rejects: &sink, progress: progress.update)
                    try sink.close()
                } catch {
                    sink.discard()
                    throw error
                }
            } else {
                var sink = DiscardRejects()
                result = try stage.run(folder, rejects: &sink, progress: progress.update)
            }
        } catch let error as IngestError {
            progress.clear()
            throw Failure(error)
        }
        progress.clear()
        print(OutcomeTable.render(result), terminator: "")
        for warning in result.warnings { writeError("govstats: warning: " + escapedLine(warning) + "\n") }
        if !result.refusals.isEmpty {
            var lines = result.refusals
            if let rejects, !result.refusedForRejects.isEmpty {
                let files = result.refusedForRejects.map { "\(rejects)/\($0).csv" }
                lines.append("every rejected row is listed, with its file, line and reason, in \(files.joined(separator: " and "))")
            } else if !result.refusedForRejects.isEmpty {
                lines.append("to see every rejected row with its file, line and reason: add --rejects DIR")
            }
            throw Failure.refused(lines)
        }
    }
}

extension Validate {
    /// Locks `.<name>.lock` beside the rejects folder, or fails at once (exit 1).
    static func lockRejects(_ rejects: String) throws(Failure) -> Int32 {
        let publisher = try Publisher(output: rejects)
        return try Publisher.takeLock(publisher.lockPath, holder: "another govstats validate is writing \(rejects)")
    }

    /// Refuses (exit 2) a `--rejects` folder whose `<dataset>.csv` files would overwrite an
    /// input (or the config), or be read as data by the next run: the data folder itself
    /// and its `<dataset>/` folders; one where a `<dataset>.csv` is a folder, which the
    /// file could not be renamed over; and a file.
    static func checkRejectsFolder(_ rejects: String, data: DataFolder, config: String?) throws(Failure) {
        if isPresentButNotAFolder(rejects) { throw .usage(["--rejects \(rejects) is not a folder"]) }
        let target = resolvedPath(allowingMissing: rejects)
        // The rejects of published reports must stay the ones their run.json counts.
        var folder = target
        while folder != "/" && !folder.isEmpty {
            if Publisher.isManifest(folder + "/run.json") {
                throw .usage(["--rejects \(rejects) is \(folder == target ? "" : "inside ")a reports folder that govstats run published (\(folder)), whose rejects must match its run.json; choose another folder"])
            }
            folder = String(folder[..<(folder.lastIndex(of: "/") ?? folder.startIndex)])
        }
        let root = resolvedPath(data.root) ?? data.root
        if target == root {
            throw .usage(["--rejects \(rejects) is the data folder, where the rejects files (<dataset>.csv) would replace inputs or be read as data next time; choose another folder"])
        }
        for kind in data.datasets {
            let folder = data.root + "/" + kind.name
            if target == resolvedPath(folder) ?? root + "/" + kind.name {
                throw .usage(["--rejects \(rejects) is the data folder's \(kind.name)/, where the rejects files would be read as data next time; choose another folder"])
            }
        }
        let inputs = data.presentDatasets.flatMap { data.files[$0]! }.map(\.path) + (config.map { [$0] } ?? [])
        for kind in data.presentDatasets {
            let file = rejects + "/" + kind.name + ".csv"
            if let input = inputs.first(where: { sameFile(file, $0) }) {
                throw .usage(["--rejects \(rejects): \(file) is the input \(input), which the rejected rows would replace; choose another folder"])
            }
            // Checked now, not when the file is renamed into place after every row was read.
            var status = stat()
            if lstat(file, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
                throw .usage(["--rejects \(rejects): \(file) is a folder, where the rejected rows of \(kind.name) would go; move it or choose another folder"])
            }
        }
    }
}

/// The text table `validate` prints.
enum OutcomeTable {
    static let header = ["file", "encoding", "rows_read", "accepted", "rejected", "duplicates", "conflicts", "filtered"]

    static func render(_ result: IngestResult) -> String {
        var rows: [[String]] = [header]
        for dataset in result.datasets {
            for file in dataset.files {
                // A file's name is the user's: a control character in it is shown, not sent.
                let name = escapedLine(file.file.relativePath)
                if file.refusal != nil {
                    rows.append([name, file.decoded ? file.encoding.rawValue : "-", "refused", "", "", "", "", ""])
                } else {
                    rows.append([name, file.encoding.rawValue] + counts(file.rowsRead, file.accepted, file.rejected, file.duplicates, file.conflicts, file.filtered))
                }
            }
            rows.append(["\(dataset.dataset.name) total", ""] + counts(dataset.rowsRead, dataset.accepted, dataset.rejected, dataset.duplicates, dataset.conflicts, dataset.filtered))
        }
        let widths = header.indices.map { column in rows.map { displayWidth($0[column]) }.max()! }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - displayWidth(cell))
                return column < 2 ? cell + padding : padding + cell
            }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }.joined()
    }

    private static func counts(_ values: Int...) -> [String] { values.map(String.init) }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}

/// Columns on a terminal: East Asian wide characters take two.
func displayWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { width, scalar in
        let value = scalar.value
        let wide = (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value)
            || (0xAC00...0xD7A3).contains(value) || (0xF900...0xFAFF).contains(value)
            || (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value)
            || (0xFFE0...0xFFE6).contains(value) || (0x20000...0x3FFFD).contains(value)
        return width + (wide ? 2 : 1)
    }
}
