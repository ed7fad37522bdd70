#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes synthetic exports of the three datasets, shaped like the real nightly exports and
/// calibrated so that the pipeline's figures match those published for Shanghai.
///
/// ```
/// seed ─▶ per-(dataset, district, day) SplitMix64 streams ─▶ records ─▶ export files
///         (calibrated daily counts: 宝山区, 康城, 闵行区)        (each file's own forms:
///                                                              encoding, headers, quirks)
/// ```
///
/// Guarantees:
/// - Deterministic: the same `rows` and `seed` give byte-identical files, on any machine
///   (no system random numbers, no clock, no time zones).
/// - Streaming: memory does not grow with `rows`; a record is regenerated, not remembered,
///   when two overlapping exports both hold it.
/// - Calibrated at every size: the counts behind the published figures are whole multiples
///   of one unit (k = max(1, rows / defaultRows)), so the percentages hold exactly.
/// - `rows` distinct alarm calls when rows ≥ k·4,198 + 1,500 (4,198 calls of 宝山区 per
///   unit, at least 1,500 for the other districts); `rows / 10` burglaries (at least one a
///   day); safe-community rows in proportion to k. Duplicates, revisions and the rows that
///   must be rejected come on top.
public struct SampleDataGenerator: Sendable {
    /// Alarm calls in the committed `datasets/`.
    public static let defaultRows = 30_000
    public static let defaultSeed: UInt64 = 20_180_228

    static let datasetFolders = ["alarm_calls", "burglary_reports", "safe_community"]

    public let rows: Int
    public let seed: UInt64

    public init(rows: Int = defaultRows, seed: UInt64 = defaultSeed) {
        self.rows = max(0, rows)
        self.seed = seed
    }

    /// The files `write` makes, relative to its folder (the same for every size and seed).
    public static var fileNames: [String] {
        AlarmCallExport.files.map { "alarm_calls/" + $0.name }
            + BurglaryExport.files.map { "burglary_reports/" + $0.name }
            + SafeCommunityExport.files.map { "safe_community/" + $0.spec.name }
    }

    /// Writes alarm_calls/, burglary_reports/, safe_community/ under `directory` (created if
    /// needed). Files of the same names are replaced; other files are left alone.
    /// `progress` is called now and then with the rows written so far.
    public func write(to directory: String, progress: (Int) -> Void = { _ in }) throws {
        try writeExports(to: directory, progress: progress)
    }

    func writeExports(to directory: String, progress: (Int) -> Void) throws(SampleDataError) {
        let root = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        for folder in Self.datasetFolders {
            try Self.makeDirectories(root + "/" + folder)
        }
        let scale = Scale(rows: rows)
        var meter = ProgressMeter()
        let calls = AlarmCallExport(source: AlarmCallSource(seed: seed, plan: AlarmCallPlan(scale: scale)))
        try calls.write(into: root + "/alarm_calls", meter: &meter, progress: progress)
        let burglaries = BurglaryExport(source: BurglarySource(seed: seed, scale: scale, plan: BurglaryPlan(scale: scale)))
        try burglaries.write(into: root + "/burglary_reports", meter: &meter, progress: progress)
        try SafeCommunityExport(seed: seed, scale: scale).write(into: root + "/safe_community", meter: &meter, progress: progress)
        meter.finish(progress)
    }

    /// `mkdir -p`.
    static func makeDirectories(_ path: String) throws(SampleDataError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw SampleDataError(path: prefix, message: "cannot create folder: " + String(cString: strerror(errno)))
            }
            var info = stat()
            if stat(prefix, &info) != 0 || (info.st_mode & S_IFMT) != S_IFDIR {
                throw SampleDataError(path: prefix, message: "is not a folder")
            }
            prefix += "/"
        }
    }
}
