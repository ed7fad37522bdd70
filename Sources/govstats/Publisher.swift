#if canImport(Glibc)
import Glibc
#endif
import CPublish
import CSVReading
import Foundation
import Reports

/// Publishes an output folder atomically (docs/reference.md):
///
///     <parent>/.<name>.lock              held with flock while a run works; the kernel
///                                        drops it when the process dies, so it never goes stale
///     <parent>/.<name>.staging-<pid>/    the new reports, written and synced here
///     <parent>/<name>/                   swapped with staging in one renameat2(RENAME_EXCHANGE)
///
/// A reader sees the previous complete folder or the new complete folder, never a mix, even
/// if the run is killed at any moment; the next run removes what a killed run left.
struct Publisher {
    let output: String
    let parent: String
    let name: String
    private var lockDescriptor: Int32 = -1

    init(output: String) throws(Failure) {
        var path = output
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        guard !path.isEmpty, path != "/", path != ".", path != "..", !path.hasSuffix("/.."), !path.hasSuffix("/.") else {
            throw .usage(["--out must name a folder that govstats may replace, not '\(output)'"])
        }
        self.output = path
        if let slash = path.lastIndex(of: "/") {
            parent = slash == path.startIndex ? "/" : String(path[..<slash])
            name = String(path[path.index(after: slash)...])
        } else {
            parent = "."
            name = path
        }
    }

    var lockPath: String { parent + "/." + name + ".lock" }
    var stagingPrefix: String { "." + name + ".staging-" }

    /// Takes the lock or fails at once (exit 1) naming it.
    mutating func lock() throws(Failure) {
        try makeDirectories(parent)
        lockDescriptor = try Self.takeLock(lockPath, holder: "another govstats run is writing \(output)")
    }

    /// Opens `path` without following a link and locks it, then checks that the path still
    /// names the file locked (it may have been removed or replaced meanwhile), trying again
    /// if not, so that two runs never both hold "the" lock.
    static func takeLock(_ path: String, holder: String) throws(Failure) -> Int32 {
        for _ in 0..<8 {
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
            guard descriptor >= 0 else {
                if errno == ELOOP { throw .error(["the lock \(path) is a symbolic link: remove it (govstats makes the lock itself)"]) }
                throw OutputFile.failure("open lock", path)
            }
            if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                close(descriptor)
                if code == EWOULDBLOCK { throw .error(["\(holder): the lock \(path) is held"]) }
                throw .error(["cannot lock \(path): \(String(cString: strerror(code)))"])
            }
            var held = stat()
            var named = stat()
            if fstat(descriptor, &held) == 0, lstat(path, &named) == 0, held.st_dev == named.st_dev, held.st_ino == named.st_ino {
                return descriptor
            }
            close(descriptor)
        }
        throw .error(["cannot lock \(path): it keeps being removed or replaced"])
    }

    func unlock() {
        if lockDescriptor >= 0 { close(lockDescriptor) }
    }

    /// Refuses (exit 2) an `--out` whose loss would not be earlier reports: publishing swaps
    /// the whole folder into place and removes what stood there, so a data folder or a file
    /// named by mistake would be gone. Replaced are only: nothing, an empty folder, or a
    /// folder holding the `run.json` of a govstats run, and never one that holds `inputs`
    /// (the data folder, the config file). Checked before the lock is taken, so that nothing
    /// is made beside a refused `--out`; a run publishing meanwhile swaps reports for
    /// reports in one step, so what is seen here stays true. Returns whether the folder
    /// holds earlier reports.
    @discardableResult
    func checkReplaceable(inputs: [String]) throws(Failure) -> Bool {
        // Reports inside the data folder would be read as data by the next run, or fail it.
        let target = resolvedPath(allowingMissing: output)
        for input in inputs {
            guard let folder = resolvedPath(input), isDirectory(folder), target.hasPrefix(folder + "/") else { continue }
            throw .usage(["--out \(output) is inside the data folder \(input), where the reports would be read as data (or stand in its way) next time: choose a folder outside it"])
        }
        var info = stat()
        guard lstat(output, &info) == 0 else {
            if errno == ENOENT { return false }
            throw OutputFile.failure("read", output)
        }
        let rule = "govstats replaces the whole --out folder, so it must be a new or empty folder or earlier reports"
        switch info.st_mode & S_IFMT {
        case S_IFDIR: break
        case S_IFLNK: throw .usage(["--out \(output) is a symbolic link: name the folder itself (\(rule))"])
        default: throw .usage(["--out \(output) is a file, not a folder (\(rule))"])
        }
        // A mount point cannot be swapped with a folder beside it: refused before any work.
        var above = stat()
        if stat(parent, &above) == 0, above.st_dev != info.st_dev {
            throw .usage(["--out \(output) is a mount point, which cannot be replaced in one step: name a folder inside it (\(rule))"])
        }
        if let folder = resolvedPath(output) {
            for input in inputs {
                guard let path = resolvedPath(input), path == folder || path.hasPrefix(folder + "/") else { continue }
                throw .usage(["--out \(output) \(path == folder ? "is" : "holds") the input \(input) (\(rule))"])
            }
        }
        let entries: DirectoryListing
        do { entries = try directoryListing(output) } catch { throw .error([error.description]) }
        if entries.isEmpty { return false }
        if Self.isManifest(output + "/run.json") { return true }
        throw .usage(["--out \(output) holds files but no run.json of a govstats run (\(rule))"])
    }

    /// Whether the file at `path` is a `run.json` that govstats wrote.
    static func isManifest(_ path: String) -> Bool {
        RunManifest.isManifest(Data(FileBlocks.head(path: path, count: 1 << 20)))
    }

    /// Removes staging folders that killed runs left behind (only while holding the lock):
    /// those of processes that are gone, never a live run's.
    func removeStaleStaging() {
        for entry in leftoversOfDeadRuns(in: parent, prefix: stagingPrefix) { removeTree(parent + "/" + entry) }
    }

    /// A new, empty staging folder, with the mode (setgid included) and group of the
    /// folder it will replace, as rsync and install(1) keep them: reports restricted to a
    /// group stay so.
    ///
    /// A folder this user may not write would make a staging folder it may not write
    /// either: that is said of the folder the user named, before anything is read.
    func makeStaging() throws(Failure) -> String {
        let path = parent + "/" + stagingPrefix + String(getpid())
        var info = stat()
        let replacing = lstat(output, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
        if replacing, access(output, W_OK) != 0 {
            guard errno == EACCES else { throw OutputFile.failure("write", output) }
            let mode = String(info.st_mode & 0o7777, radix: 8)
            throw .error(["cannot replace \(output): this user may not write it (mode \(mode)), and the folder that replaces it gets its mode; make it writable (chmod u+w \(output)) or run as its owner"])
        }
        removeTree(path)
        guard mkdir(path, 0o755) == 0 else { throw OutputFile.failure("create folder", path) }
        if replacing {
            // The group first: a change of group may clear the setgid bit.
            if chown(path, uid_t.max, info.st_gid) != 0 && errno != EPERM { throw OutputFile.failure("set the group of", path) }
            guard chmod(path, info.st_mode & 0o7777) == 0 else { throw OutputFile.failure("set the mode of", path) }
        }
        return path
    }

    /// Syncs the staging folder and swaps it into place. The previous reports are kept as
    /// `keeping` (for the next run's `SpareFiles`, whatever was there before removed) when
    /// it is given and can be, else removed.
    func publish(staging: String, keeping: String? = nil) throws(Failure) {
        // Every file of the staging folder, written without a sync of its own, reaches the
        // disk before the swap, all of them at once.
        guard govstats_sync_tree(staging) == 0 else { throw OutputFile.failure("sync", staging) }
        var info = stat()
        if lstat(output, &info) == 0 {
            guard govstats_exchange_paths(staging, output) == 0 else {
                throw OutputFile.failure("swap \(staging) with", output)
            }
            keepOrRemove(staging, as: keeping)
        } else if rename(staging, output) != 0 {
            // A folder put there since the look above (by a run whose lock was taken away)
            // is swapped with, as it would have been had it been there before.
            guard errno == ENOTEMPTY || errno == EEXIST else { throw OutputFile.failure("rename \(staging) to", output) }
            guard govstats_exchange_paths(staging, output) == 0 else {
                throw OutputFile.failure("swap \(staging) with", output)
            }
            keepOrRemove(staging, as: keeping)
        }
        syncPath(parent)
    }

    private func keepOrRemove(_ replaced: String, as kept: String?) {
        if let kept {
            removeTree(kept)
            if rename(replaced, kept) == 0 { return }
        }
        removeTree(replaced)
    }
}

/// The entries of `folder` named `<prefix><pid>` that no other live process owns: a run
/// killed left them (one named after this process is a leftover of an earlier process
/// that had its number).
func leftoversOfDeadRuns(in folder: String, prefix: String) -> [String] {
    ((try? directoryListing(folder).names) ?? []).filter { entry in
        guard entry.hasPrefix(prefix) else { return false }
        if let pid = pid_t(entry.dropFirst(prefix.count)), pid != getpid(), kill(pid, 0) == 0 || errno == EPERM { return false }
        return true
    }
}

/// Removes a file or a folder and everything in it; never follows symbolic links. Names are
/// taken as bytes (in C), so a file whose name is not UTF-8, left in earlier reports, goes
/// with them instead of keeping their folder.
func removeTree(_ path: String) {
    _ = govstats_remove_tree(path)
}

func syncPath(_ path: String) {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    fsync(descriptor)
    close(descriptor)
}

/// Whether `path` is a folder (after links).
func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
}

/// Whether something other than a folder is at `path` (a link is followed): a folder an
/// option names that cannot be one.
func isPresentButNotAFolder(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFDIR
}
