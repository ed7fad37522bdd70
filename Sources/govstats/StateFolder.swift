#if canImport(Glibc)
import Glibc
#endif
import CSVReading
import CPublish
import Dispatch
import Ingest
import Schema

/// The run state's folder (docs/reference.md, "Run state"): `.<out>.state` beside the
/// reports folder, or `--state`. It holds `state`, and the deltas `state.1`, `state.2`, …
/// of the runs since that read only new files. A run writes `state.partial-<pid>` first
/// and renames it, after the reports are published, to `state` (then removes the deltas,
/// which no longer continue it) or to the next delta (removing any deltas after it, which
/// a change to their files left unused).
///
/// Only the run holding the reports' lock touches it. A state that cannot be used is
/// ignored with one warning, and the run reads everything: never a wrong figure, never a
/// failed run because of it.
struct StateFolder {
    let path: String
    /// Whether the user named it (`--state`), rather than the folder beside `--out`.
    let named: Bool
    let key: StateKey

    var statePath: String { path + "/state" }
    /// The reports the last run replaced, whose files the next run writes over (`SpareFiles`).
    var previousReports: String { path + "/previous" }
    var partialPath: String { path + "/" + Self.partialPrefix + String(getpid()) }
    /// The partial file of a run is this and its process number.
    static let partialPrefix = "state.partial-"

    init(path: String, named: Bool, config: GovStatsConfig, data: String) {
        self.path = path
        self.named = named
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
    /// which a missing state is worth a word. `jobs` above 1: the state's checksum is
    /// worked out on a second thread while it loads.
    func load(folder: DataFolder, config: GovStatsConfig, hadReports: Bool, jobs: Int) -> (Resumption, warning: String?) {
        var info = stat()
        guard lstat(statePath, &info) == 0 else {
            let missing = hadReports && errno == ENOENT
            return (Resumption(), missing ? "no run state in \(path) beside the earlier reports: every file is read, and the state is written anew" : nil)
        }
        let ignored = "every file is read, and the state is written anew"
        // What it was made for first (from its start alone), then the whole of it.
        do {
            let made = try RunState.key(path: statePath)
            if made.program != key.program {
                return (Resumption(), "run state \(statePath) was written by another build of govstats: \(ignored)")
            }
            if made.config != key.config {
                return (Resumption(), "run state \(statePath) was written with another configuration (govstats.toml): \(ignored)")
            }
            if made.dataFolder != key.dataFolder {
                return (Resumption(), "run state \(statePath) is for another data folder (\(made.dataFolder)): \(ignored)")
            }
            let saved = try RunState.read(path: statePath, root: folder.root, datasets: config.allDatasets, folder: folder, jobs: jobs)
            return (saved.resumable(in: folder, key: key), nil)
        } catch {
            return (Resumption(), "run state ignored: \(error): \(ignored)")
        }
    }

    /// Refuses (exit 2) a state folder that publishing would remove, that holds the reports
    /// (whose files a run would take for the replaced reports'), that is a file, or that
    /// holds what a run does not keep there (a folder of the user's named by mistake, whose
    /// `previous/` and `state.1` a run would take for its own). Checked before the lock is
    /// taken, so that nothing is made beside a refused folder.
    func check(reports output: String) throws(Failure) {
        let target = resolvedPath(allowingMissing: path)
        let reports = resolvedPath(allowingMissing: output)
        if target == reports || target.hasPrefix(reports + "/") {
            throw .usage(["--state \(path) is inside --out \(output), which each run replaces whole: choose a folder beside it"])
        }
        if reports.hasPrefix(target + "/") {
            throw .usage(["--out \(output) is inside --state \(path), where runs keep the reports they replaced: choose folders side by side"])
        }
        // The folder by default is govstats' own: what is in its way is said so, with what
        // to do; a folder named with --state may be the user's, named by mistake.
        let anew = "a run then reads every file and writes the state anew"
        // A link to a folder (the state kept on another disk) is that folder.
        if isPresentButNotAFolder(path) {
            throw .usage([named ? "--state \(path) is not a folder" : "\(path), where govstats keeps the run state of --out \(output), is not a folder: move it away (\(anew)), or name another folder with --state"])
        }
        guard isDirectory(path) else {
            var info = stat()
            if lstat(path, &info) == 0 { throw .usage(["--state \(path) is a symbolic link to nothing"]) }
            return
        }
        if let foreign = Self.foreignEntry(in: path) {
            throw .usage([
                named
                    ? "--state \(path) holds \(foreign), which is not of a run state: the state's folder must be new, empty, or one where runs kept their state (state, state.1, …, previous/)"
                    : "\(path), where govstats keeps the run state of --out \(output), holds \(foreign), which is not of a run state: move it away; if the folder holds nothing of yours, remove it whole (\(anew))"
            ])
        }
    }

    /// The first entry of the folder at `path` that a run does not keep there, as said in a
    /// message (a folder with a slash); nil when there is none. A run keeps `state`, its
    /// deltas `state.<n>` (files), the folder `previous/`, and, after a kill, its partial
    /// files (`state.partial-<pid>`, `.unnamed-…`), all of which it writes over or removes.
    static func foreignEntry(in path: String) -> String? {
        guard let listing = try? directoryListing(path) else { return nil }
        if let name = listing.notUTF8.min() { return name }
        let isNumber = { (text: Substring) in !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber } }
        for name in listing.names.sorted() {
            var info = stat()
            guard lstat(path + "/" + name, &info) == 0 else { continue }
            let kind = info.st_mode & S_IFMT
            if name.hasPrefix(partialPrefix) && isNumber(name.dropFirst(partialPrefix.count)) { continue }
            if name.hasPrefix(".unnamed-") { continue }
            if kind == S_IFREG && (name == "state" || (name.hasPrefix("state.") && isNumber(name.dropFirst("state.".count)))) { continue }
            if kind == S_IFDIR && name == "previous" { continue }
            return kind == S_IFDIR ? name + "/" : name
        }
        return nil
    }

    /// The path of the delta `state.<number>`.
    private func deltaPath(_ number: Int) -> String { statePath + "." + String(number) }

    /// For a run that will not read the state (`--full`, or a state it cannot use) and will
    /// write it anew: lets the kernel drop the pages of the state and its deltas from its
    /// cache, on a thread of its own. The files stay as they are (a run that fails leaves
    /// them so), and their memory is free again before the new state is written, instead
    /// of being freed when it replaces them.
    func dropCachedPages() {
        let paths = [statePath] + (1...RunState.longestChain).map(deltaPath)
        DispatchQueue.global().async {
            for path in paths {
                let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
                guard descriptor >= 0 else { return }
                posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
                close(descriptor)
            }
        }
    }

    /// Removes what runs killed while writing the state left (only under the lock): their
    /// partial files, and the lists of a grown key table where the file system has no
    /// unnamed files (`govstats_unnamed_file`: such a file is removed as soon as it is made,
    /// and only a kill between the two leaves it; no other run writes here meanwhile).
    func removeStalePartials() {
        for entry in leftoversOfDeadRuns(in: path, prefix: Self.partialPrefix) { unlink(path + "/" + entry) }
        for entry in ((try? directoryListing(path).names) ?? []) where entry.hasPrefix(".unnamed-") { unlink(path + "/" + entry) }
    }

    /// A state under way in the partial file (`startPartial`), then written, to be put in
    /// place after the reports are published. (Sendable: its writer is used by one thread at
    /// a time, the one that writes it and then, once that one is done, the one that
    /// publishes.)
    struct Pending: @unchecked Sendable {
        let writer: StateWriter
        /// The delta's number; nil: the whole state.
        let delta: Int?
        /// What the delta goes on from; nil: the whole state.
        fileprivate let resumption: Resumption?
    }

    /// Opens the partial file for the state of a run that succeeded so far: a delta when
    /// the run went on from every dataset of the state and read only new files (up to
    /// `RunState.longestChain` deltas) and no table it mapped outgrew it
    /// (`RecordStore.outgrewItsState`), else the whole state. Nil (with the warning) when
    /// it cannot be written, which leaves the state as it was. The state is then written in
    /// two parts, `writeRecords` and `writeGroups`.
    func startPartial(_ result: IngestResult, resumption: Resumption) -> (Pending?, warning: String?) {
        do {
            try makeDirectories(path)
        } catch {
            return (nil, "cannot write the run state: \(error.lines.joined(separator: "; ")): it is left as it was")
        }
        // (A run that started over, having found a file not in the encoding its start
        // showed, read everything: its stores were not restored.)
        let resumedAll = resumption.isWhole && result.datasets.allSatisfy { resumption.reusedFiles[$0.dataset] != nil && $0.store.isRestored }
        let outgrown = result.datasets.contains { $0.store.outgrewItsState }
        let delta = resumedAll && !outgrown && resumption.chain < RunState.longestChain ? resumption.chain + 1 : nil
        do {
            return (Pending(writer: try StateWriter(path: partialPath), delta: delta, resumption: delta == nil ? nil : resumption), nil)
        } catch {
            return (nil, "cannot write the run state: \(error): it is left as it was")
        }
    }

    /// The first part of the state (`RunState.writeRecords`): the stores of `result` still
    /// hold their keys. The warning when it cannot be written (the partial file is then
    /// removed, and the state left as it was).
    func writeRecords(_ pending: Pending, _ result: IngestResult) -> String? {
        failure(pending) { try RunState.writeRecords(result, key: key, delta: pending.resumption, to: pending.writer) }
    }

    /// The rest (`RunState.writeGroups`), once the records of `result` are counted and the
    /// rejects files in `rejectsFolder` complete: the state is then ready for `commit`.
    func writeGroups(_ pending: Pending, _ result: IngestResult, rejectsFolder: String) -> String? {
        failure(pending) { try RunState.writeGroups(result, delta: pending.resumption, rejectsFolder: rejectsFolder, to: pending.writer) }
    }

    private func failure(_ pending: Pending, _ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            pending.writer.discard()
            return "cannot write the run state: \(error): it is left as it was"
        }
    }

    /// Puts the partial state in place, after the reports were published: as the next
    /// delta, or as the whole state, whose deltas are then removed (left behind by a kill,
    /// they name another state as the one they continue, and are not read).
    ///
    /// A run that went on from the state as an earlier night left it (a later delta's files
    /// had changed: `RunState.read`) writes the delta after that night's: the deltas after
    /// its number are removed first, the last first, so that a kill at any moment leaves a
    /// chain whose every delta continues the one before.
    func commit(_ pending: Pending) -> String? {
        let target = pending.delta.map(deltaPath) ?? statePath
        if let delta = pending.delta {
            var last = delta
            while access(deltaPath(last + 1), F_OK) == 0 { last += 1 }
            for number in stride(from: last, to: delta, by: -1) { unlink(deltaPath(number)) }
        }
        // A whole state is swapped with the one it replaces, which is then removed (a kill
        // in between leaves it as a partial file, which the next run removes). A rename
        // over a file would make ext4 start writing the new state out within the rename
        // (auto_da_alloc, for files replaced without a sync), and the state needs no sync.
        var info = stat()
        if pending.delta == nil, lstat(target, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
           govstats_exchange_paths(pending.writer.path, target) == 0 {
            unlink(pending.writer.path)
        } else if rename(pending.writer.path, target) != 0 {
            let reason = String(cString: strerror(errno))
            pending.writer.discard()
            return "cannot put the run state in place (\(target): \(reason)): it is left as it was"
        }
        if pending.delta == nil {
            var number = 1
            while unlink(deltaPath(number)) == 0 { number += 1 }
        }
        syncPath(path)
        return nil
    }
}
