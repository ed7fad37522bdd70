import Synchronization

/// Where output files go: the command's staging folder, or memory in tests. The writers
/// stay pure; only a sink touches the file system.
public protocol OutputSink: Sendable {
    /// Makes the file at `path` (relative to the output folder) from the text `body` appends,
    /// in order; the file is complete when `write` returns.
    func write(_ path: String, _ body: (_ append: (String) throws -> Void) throws -> Void) throws
}

/// One output format: writes its files for a run's `ReportInput`. Adding a format (JSON,
/// Parquet, XLSX) is one type conforming to this and one entry in `Outputs.all`.
public protocol OutputWriter: Sendable {
    func write(_ input: ReportInput, to sink: some OutputSink) throws
    /// Worth a thread of its own while the others are written (with `--jobs` above 1).
    var isLarge: Bool { get }
}

extension OutputWriter {
    public var isLarge: Bool { false }
}

/// Every output of a run (the reference's "Outputs"), in the order they are written.
public enum Outputs {
    public static let all = writers(jobs: 1)

    /// Every writer, those that can use threads given up to `jobs`: the same files.
    public static func writers(jobs: Int) -> [any OutputWriter] {
        [TrendsFile(), ComplianceFile(), QualityFile(), RunManifest(), ReportPages(jobs: jobs)]
    }
}

/// A sink that keeps files in memory, in the order written (which, for writers given
/// threads, is not always the same): for tests, and for callers that want the text.
public final class MemorySink: OutputSink {
    private let files = Mutex<[(path: String, text: String)]>([])

    public init() {}

    public func write(_ path: String, _ body: ((String) throws -> Void) throws -> Void) throws {
        var text = ""
        try body { text += $0 }
        files.withLock { $0.append((path, text)) }
    }

    /// The files written, by path.
    public var contents: [String: String] {
        files.withLock { files in Dictionary(files.map { ($0.path, $0.text) }, uniquingKeysWith: { $1 }) }
    }

    public var paths: [String] { files.withLock { $0.map(\.path) } }
}
