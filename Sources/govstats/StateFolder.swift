#if canImport(Glibc)
import Glibc
#endif
import CSVReading
import Ingest
import Schema

/// The run state's folder (docs/reference.md, "Run state"): `.<out>.state` beside the
/// reports folder, or `--state`. It holds one file, `state`, replaced in one rename after
/// the reports are published; a run writes `state.partial-<pid>` first.
///
/// Only the run holding the reports' lock touches it. A state that cannot be used is
/// ignored with one warning, and the run reads everything: never a wrong figure, never a
/// failed run because of it.
struct StateFolder {
    let path: String
    let key: StateKey

    var statePath: String { path + "/state" }
    var partialPath: String { path + "/state.partial-" + String(getpid()) }

    init(path: String, config: GovStatsConfig, data: String) {
        self.path = path
        key = StateKey(
            program: GovStats.version + " " + Self.executableIdentity(), config: config.fingerprint,
            dataFolder: resolvedPath(data) ?? data, runDay: config.runDay.map { "\($0)" } ?? "")
    }

    /// The executable's size, inode and modification time: another build, even of the same
    /// version, may read rows otherwise, so its state is not used.
    private static func executableIdentity() -> String {
        guard let version = try? FileVersion.of("/proc/self/exe") else { return "unknown build" }
        return "build \(version.size) \(version.inode) \(version.modifiedSeconds).\(version.modifiedNanoseconds)"
    }

    /// What the run may go on from, and the warning when the state is there (or should be)
    /// but cannot be used. `hadReports`: the reports folder holds earlier reports, after
    /// which a missing state is worth a word.
    func load(folder: DataFolder, config: GovStatsConfig, hadReports: Bool) -> (Resumption, warning: String?) {
        var info = stat()
        guard lstat(statePath, &info) == 0 else {
            let missing = hadReports && errno == ENOENT
            return (Resumption(), missing ? "no run state in \(path) beside the earlier reports: every file is read, and the state is written anew" : nil)
        }
        let ignored = "every file is read, and the state is written anew"
        let saved: SavedState
        do {
            saved = try RunState.read(path: statePath, root: folder.root, datasets: config.allDatasets)
        } catch {
            return (Resumption(), "run state ignored: \(error): \(ignored)")
        }
        if saved.key.program != key.program {
            return (Resumption(), "run state \(statePath) was written by another build of govstats: \(ignored)")
        }
        if saved.key.config != key.config {
            return (Resumption(), "run state \(statePath) was written with another configuration (govstats.toml): \(ignored)")
        }
        if saved.key.dataFolder != key.dataFolder {
            return (Resumption(), "run state \(statePath) is for another data folder (\(saved.key.dataFolder)): \(ignored)")
        }
        return (saved.resumable(in: folder, key: key), nil)
    }

    /// Removes what runs killed while writing the state left (only under the lock).
    func removeStalePartials() {
        let prefix = "state.partial-"
        for entry in (try? directoryListing(path).names) ?? [] where entry.hasPrefix(prefix) {
            if let pid = pid_t(entry.dropFirst(prefix.count)), pid != getpid(), kill(pid, 0) == 0 || errno == EPERM { continue }
            unlink(path + "/" + entry)
        }
    }

    /// Writes the state of a run that succeeded so far into the partial file; nil (with
    /// the warning) when it cannot be written, which leaves the state as it was.
    func writePartial(_ result: IngestResult, rejectsFolder: String) -> (writer: StateWriter?, warning: String?) {
        do {
            try makeDirectories(path)
        } catch {
            return (nil, "cannot write the run state: \(error.lines.joined(separator: "; ")): the next run reads every file")
        }
        var writer: StateWriter?
        do {
            writer = try StateWriter(path: partialPath)
            try RunState.write(result, key: key, rejectsFolder: rejectsFolder, to: writer!)
            return (writer, nil)
        } catch {
            writer?.discard()
            return (nil, "cannot write the run state: \(error): the next run reads every file")
        }
    }

    /// Puts the partial state in place, after the reports were published.
    func commit(_ writer: StateWriter) -> String? {
        guard rename(writer.path, statePath) == 0 else {
            let reason = String(cString: strerror(errno))
            writer.discard()
            return "cannot put the run state in place (\(statePath): \(reason)): the next run reads every file"
        }
        syncPath(path)
        return nil
    }
}
