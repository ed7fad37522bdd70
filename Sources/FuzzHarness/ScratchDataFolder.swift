#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Schema

/// A data folder of the harness's own, made once per process and removed at exit: the fuzz
/// input is written as `<dataset>/a.csv` and again as `<dataset>/b.csv` (an overlapping
/// export), and the other datasets' folders are emptied.
///
/// It lives under `$GOVSTATS_FUZZ_SCRATCH`, else `/dev/shm` (memory), else `$TMPDIR` or `/tmp`.
final class ScratchDataFolder {
    nonisolated(unsafe) static let shared = ScratchDataFolder()

    let root: String

    private init() {
        let environment = getenv("GOVSTATS_FUZZ_SCRATCH").map { String(cString: $0) }
        let base = environment ?? (Self.isDirectory("/dev/shm") ? "/dev/shm" : getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp")
        var template = Array("\(base)/govstats-fuzz-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            fatalError("FuzzHarness: cannot make a scratch folder under \(base): \(String(cString: strerror(errno)))")
        }
        root = String(cString: made)
        for kind in Dataset.builtIn {
            mkdir(root + "/" + kind.name, 0o700)
        }
        scratchRootForCleanup = root
        atexit(removeScratchFolder)
    }

    /// Writes the file twice into `dataset`'s folder; returns the path of the first copy.
    func place(_ bytes: [UInt8], dataset: Dataset) -> String {
        for kind in Dataset.builtIn where kind != dataset {
            for name in Self.names { unlink(path(kind, name)) }
        }
        for name in Self.names { writeFile(bytes, to: path(dataset, name)) }
        return path(dataset, Self.names[0])
    }

    func path(_ dataset: Dataset, _ name: String) -> String {
        root + "/" + dataset.name + "/" + name
    }

    static let names = ["a.csv", "b.csv"]

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}

nonisolated(unsafe) private var scratchRootForCleanup: String?

private func removeScratchFolder() {
    guard let root = scratchRootForCleanup else { return }
    for kind in Dataset.builtIn {
        for name in ScratchDataFolder.names { unlink(root + "/" + kind.name + "/" + name) }
        rmdir(root + "/" + kind.name)
    }
    rmdir(root)
}

private func writeFile(_ bytes: [UInt8], to path: String) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { fatalError("FuzzHarness: cannot write \(path)") }
    defer { close(descriptor) }
    bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                fatalError("FuzzHarness: cannot write \(path)")
            }
            offset += written
        }
    }
}
