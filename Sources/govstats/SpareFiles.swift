#if canImport(Glibc)
import Glibc
#endif
import CSVReading
import Synchronization

/// The files of the reports a run replaced, kept in the run state's folder
/// (`previous/`) for the next run to write over rather than make anew: a file renamed
/// into the staging folder and emptied needs no new inode, and the replaced reports need
/// not be removed file by file. On a file system that looks through its recently freed
/// inodes before giving one out (ext4 without a journal), making and removing a hundred
/// files a night was a large part of a nightly run.
///
/// Only files this user made with the mode a new file would get, and linked nowhere else,
/// are taken: what a reader sees in the published folder is what a new file would be. A
/// file that cannot be taken is made anew.
final class SpareFiles: Sendable {
    private let files: Mutex<[String]>

    /// No spare files: every file is made anew.
    init() {
        files = Mutex([])
    }

    /// The regular files under `folder`, when it is on the file system of `staging`.
    init(folder: String, staging: String) {
        var folderInfo = stat()
        var stagingInfo = stat()
        guard lstat(folder, &folderInfo) == 0, (folderInfo.st_mode & S_IFMT) == S_IFDIR,
              stat(staging, &stagingInfo) == 0, folderInfo.st_dev == stagingInfo.st_dev else {
            files = Mutex([])
            return
        }
        // (Read by setting it back: nothing else runs yet.)
        let mask = umask(0)
        umask(mask)
        let mode = 0o644 & ~mask
        var found: [String] = []
        var folders = [folder]
        while let next = folders.popLast() {
            for name in (try? directoryListing(next).names) ?? [] {
                let path = next + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: folders.append(path)
                case S_IFREG where info.st_nlink == 1 && info.st_uid == geteuid() && info.st_mode & 0o7777 == mode: found.append(path)
                default: break
                }
            }
        }
        files = Mutex(found)
    }

    /// Puts a spare file at `path` (which must not exist), emptied and open for writing;
    /// nil when none is left or the one taken cannot be used (it is then removed).
    func take(as path: String) -> Int32? {
        var info = stat()
        guard lstat(path, &info) != 0 && errno == ENOENT else { return nil }
        while let spare = files.withLock({ $0.popLast() }) {
            guard rename(spare, path) == 0 else { continue }
            // Looked at again once open, and only then emptied: a link made since the folder
            // was listed keeps its bytes.
            let descriptor = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
            if descriptor >= 0 && fstat(descriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && info.st_nlink == 1
                && ftruncate(descriptor, 0) == 0 {
                return descriptor
            }
            if descriptor >= 0 { close(descriptor) }
            unlink(path)
        }
        return nil
    }
}
