#if canImport(Glibc)
import Glibc
#endif
import Ingest

/// Progress on a terminal's standard error: one line rewritten in place. Silent when
/// standard error is not a terminal (cron) or under `--quiet`.
final class ProgressDisplay: Sendable {
    let enabled: Bool

    init(enabled: Bool) {
        self.enabled = enabled
    }

    static func isTerminal(_ descriptor: Int32) -> Bool {
        isatty(descriptor) == 1
    }

    func update(_ progress: IngestProgress) {
        guard enabled else { return }
        let percent = progress.bytesTotal == 0 ? 100 : progress.bytesDone * 100 / progress.bytesTotal
        let of = progress.fileCount > 1 ? " (file \(progress.fileNumber) of \(progress.fileCount))" : ""
        // A file's name is the user's: a control character in it is shown, not sent.
        writeError("\r\u{1B}[Kreading \(escapedLine(progress.file)) \(percent)%\(of)")
    }

    func say(_ text: String) {
        guard enabled else { return }
        writeError("\r\u{1B}[K\(text)")
    }

    func clear() {
        guard enabled else { return }
        writeError("\r\u{1B}[K")
    }
}

func makeDirectories(_ path: String) throws(Failure) {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") {
        prefix += component + "/"
        if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
            throw OutputFile.failure("create folder", prefix)
        }
    }
}
