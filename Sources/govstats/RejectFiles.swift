#if canImport(Glibc)
import Glibc
#endif
import CSVReading
import Ingest
import Schema

/// Streams rejected rows to `<folder>/<dataset>.csv` (docs/reference.md), one file
/// per dataset present, header alone when nothing was rejected. Rows arrive in file then
/// line order, which is the contract's sort order, so nothing is held in memory.
///
/// `replacing` (for `validate --rejects`, whose folder is not staged): the rows go to a
/// hidden `.<dataset>.csv.partial-<pid>` beside each file, renamed over it by `close()`; a
/// run that fails calls `discard()`, so the files there stay what they were rather than a
/// part of the rejects. Partial files a killed run left are removed first.
struct RejectFiles: RejectSink {
    static let columns = ["file", "line", "column", "reason", "record"]
    static let header = CSVText.line(columns)

    private var files: [Dataset: OutputFile] = [:]
    /// Per dataset, the path the file is renamed to by `close()` (replacing only).
    private var finalPaths: [Dataset: String] = [:]

    /// `resuming`: the datasets whose first files the run state reuses; their files start
    /// with the rows those files had rejected (header included), copied from the state.
    /// `spares`: files to write over rather than make anew (`SpareFiles`).
    init(folder: String, datasets: [Dataset], replacing: Bool = false, resuming: Resumption = Resumption(), spares: SpareFiles = SpareFiles()) throws {
        let present = replacing ? (try? directoryListing(folder).names) ?? [] : []
        for dataset in datasets {
            let path = folder + "/" + dataset.name + ".csv"
            var written = path
            if replacing {
                let prefix = "." + dataset.name + ".csv.partial-"
                for name in present where name.hasPrefix(prefix) { unlink(folder + "/" + name) }
                written = folder + "/" + prefix + String(getpid())
                finalPaths[dataset] = path
            }
            if let parts = resuming.rejects[dataset] {
                files[dataset] = try Self.continued(written, from: parts, syncing: replacing, spares: spares)
            } else {
                files[dataset] = try Self.started(written, syncing: replacing, spares: spares)
            }
        }
    }

    /// A rejects file at `path` that starts with the bytes of `parts` of the run state.
    private static func continued(_ path: String, from parts: [StateBytes], syncing: Bool, spares: SpareFiles) throws -> OutputFile {
        let file = try OutputFile(path: path, syncing: syncing, spares: spares)
        for part in parts {
            do {
                try FileBlocks.forEach(path: part.path, range: part.range) { try file.write(bytes: $0) }
            } catch let error as FileReadError {
                throw Failure.error(["cannot read the run state \(part.path): \(error.reason)"])
            }
        }
        return file
    }

    /// A new (or emptied) rejects file at `path`, holding its header.
    private static func started(_ path: String, syncing: Bool, spares: SpareFiles = SpareFiles()) throws -> OutputFile {
        let file = try OutputFile(path: path, syncing: syncing, spares: spares)
        try file.write(header)
        return file
    }

    mutating func reject(_ row: RejectedRow, dataset: Dataset) throws {
        try files[dataset]!.write(CSVText.line([row.file, String(row.line), row.column, row.reason, row.record]))
    }

    /// Empties every file again, down to its header (the ingest reads everything again).
    mutating func startOver() throws {
        for (dataset, file) in files { files[dataset] = try Self.started(file.path, syncing: !finalPaths.isEmpty) }
    }

    /// Flushes and closes every file; they are complete only after this (and, replacing,
    /// in place only after it). Replacing, every file is closed before any is renamed, so
    /// a write that fails (a full disk) leaves every earlier file as it was; only a rename
    /// failing after another succeeded can leave some replaced, and the error says which.
    func close() throws {
        let datasets = files.keys.sorted()
        for dataset in datasets { try files[dataset]!.close() }
        var replaced: [String] = []
        for dataset in datasets {
            guard let path = finalPaths[dataset] else { continue }
            let file = files[dataset]!
            if rename(file.path, path) != 0 {
                var failure = OutputFile.failure("rename \(file.path) to", path)
                if !replaced.isEmpty {
                    failure = .error(failure.lines.map { $0 + " (\(replaced.joined(separator: " and ")) already replaced; the others are as they were)" })
                }
                throw failure
            }
            replaced.append(path)
        }
    }

    /// Removes the partial files of a run that failed (replacing only).
    func discard() {
        guard !finalPaths.isEmpty else { return }
        for file in files.values { unlink(file.path) }
    }
}
