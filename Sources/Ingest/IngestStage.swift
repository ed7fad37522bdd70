import CSVReading
import Schema

/// Row outcomes of one input file (a row of `data/quality.csv`).
public struct FileOutcome: Equatable, Sendable {
    public internal(set) var file: InputFile
    public let bytes: Int
    /// Empty when the file was refused before it was hashed, or hashing was off.
    public internal(set) var sha256: String
    public let encoding: TextEncoding
    /// False when the file was refused as undecodable (`encoding` is then the one it was
    /// last tried as).
    public internal(set) var decoded = true
    public var rowsRead = 0
    public var accepted = 0
    public var rejected = 0
    public var duplicates = 0
    public var conflicts = 0
    /// Rows left out by the dataset's `keep` and `drop` filters.
    public var filtered = 0
    /// Rejected rows by column and reason, the value itself left out (`received_at: not a
    /// valid date and time`).
    package var rejectReasons: [String: Int] = [:]
    /// Set when the whole file was refused (no row of it counts).
    public var refusal: String?
    /// Records rejected as a whole that run over several lines.
    public var runOnRecords = RunOnRecords()
    /// The file's version when it was read (nil: refused before it was opened), which the
    /// run state records to know it unchanged.
    package internal(set) var version: FileVersion?
    /// Whether a rejection names the day of the run (a date in the future): the file's
    /// outcome may differ on another day.
    package internal(set) var namesRunDay = false
    /// The day of the run that read the file, when that was an earlier run (restored from
    /// the run state); nil: this run.
    package internal(set) var readOn: String?
    /// The line number after the file's last byte when no record was under way there (the
    /// last one ended by a line break, outside quotes); 0 otherwise, and for a file
    /// refused. Rows appended to the file then read from there as they would in the file
    /// whole (`GrownFile`).
    package internal(set) var endLine = 0

    package init(file: InputFile, bytes: Int, sha256: String, encoding: TextEncoding) {
        self.file = file
        self.bytes = bytes
        self.sha256 = sha256
        self.encoding = encoding
    }
}

/// Records of a file rejected as a whole that run over more than one line in the way a
/// quote left open makes them: not read whole (too large, or open to the end of the file),
/// or with a wrong number of fields and a field whose later lines hold a comma or a quote
/// (`RawCSVRecord.holdsLinesThatLookLikeRecords`). A quote left open makes the lines after
/// it part of one field, up to the next quote or the end of the file. Each such record
/// counts as one rejected row however many lines it took, so the count of rejected rows
/// alone would not show the loss. A record whose quoted line breaks are a writer's, and
/// which has a field too many, is not one.
public struct RunOnRecords: Equatable, Sendable {
    public private(set) var count = 0
    /// The first one's line, and how many lines it runs over.
    public private(set) var firstLine = 0
    public private(set) var firstLines = 0

    init() {}

    init(count: Int, firstLine: Int, firstLines: Int) {
        self.count = count
        self.firstLine = firstLine
        self.firstLines = firstLines
    }

    mutating func note(line: Int, lines: Int) {
        if count == 0 {
            firstLine = line
            firstLines = lines
        }
        count += 1
    }

    /// The warning for `file`, or nil when there is no such record.
    package func warning(file: String) -> String? {
        guard count > 0 else { return nil }
        let more = count > 1 ? " (and \(count - 1) more such \(count == 2 ? "record" : "records") in the file)" : ""
        return "\(file) line \(firstLine): a record rejected whole runs over \(firstLines) lines, which count as one rejected row\(more): a quote may be left open"
    }
}

/// One dataset after ingest: its files' outcomes and its standing records.
public struct DatasetIngest: Sendable {
    public let dataset: Dataset
    public var files: [FileOutcome] = []
    public var store: RecordStore
    /// Set when the ingest goes on from the run state and its last file grew since: its
    /// new rows are read before any file after it (`IngestStage.readGrown`).
    package var grown: GrownFile?

    package init(dataset: Dataset) {
        self.dataset = dataset
        self.store = RecordStore(dataset: dataset)
    }

    public var rowsRead: Int { files.reduce(0) { $0 + $1.rowsRead } }
    public var accepted: Int { files.reduce(0) { $0 + $1.accepted } }
    public var rejected: Int { files.reduce(0) { $0 + $1.rejected } }
    public var duplicates: Int { files.reduce(0) { $0 + $1.duplicates } }
    public var conflicts: Int { files.reduce(0) { $0 + $1.conflicts } }
    public var filtered: Int { files.reduce(0) { $0 + $1.filtered } }
    /// Rejected rows by column and reason (the value left out), for the refusal that names
    /// the commonest.
    package var rejectReasons: [String: Int] {
        files.reduce(into: [:]) { total, file in total.merge(file.rejectReasons, uniquingKeysWith: +) }
    }
}

/// What ingest hands to the transform stage.
package struct IngestResult: Sendable {
    package let folder: DataFolder
    /// In contract order; only the datasets present.
    package private(set) var datasets: [DatasetIngest]
    /// Why the data is refused (exit 3), one line per cause; empty when it is not.
    package let refusals: [String]
    /// The datasets refused for their share of rejected rows, whose rows the command should
    /// say where to find.
    package let refusedForRejects: [String]

    /// Files whose own share of rejected rows is above the limit, in a dataset that is not
    /// refused (`IngestStage.mostlyRejected`): one warning line each.
    package let mostlyRejected: [String]

    /// What a cron job's mail should also say, whatever the exit code: files with records
    /// rejected whole that run over several lines, in file order, then files mostly rejected.
    package var warnings: [String] {
        folder.warnings + datasets.flatMap(\.files).compactMap { $0.runOnRecords.warning(file: $0.file.relativePath) } + mostlyRejected
    }

    /// Lets every store's key index go (`IngestStage.keepsKeys`), once the run state is written.
    package mutating func releaseKeys() {
        for index in datasets.indices { datasets[index].store.releaseKeys() }
    }

    /// Counts every store's records in their groups (`RecordStore.countStanding`), where
    /// ingest left it to the run state's writer (`IngestStage.countsGroups`).
    package mutating func countStanding(jobs: Int) {
        for index in datasets.indices { datasets[index].store.countStanding(jobs: jobs) }
    }

    /// The result with stores `RecordStore.withoutGroups`.
    package func withoutGroups() -> IngestResult {
        var records = self
        for index in records.datasets.indices { records.datasets[index].store = records.datasets[index].store.withoutGroups() }
        return records
    }

    package func dataset(_ kind: Dataset) -> DatasetIngest? {
        datasets.first { $0.dataset == kind }
    }
}

/// Receives rejected rows, in file order then line order.
package protocol RejectSink {
    mutating func reject(_ row: RejectedRow, dataset: Dataset) throws
    /// Forgets every row received: the ingest reads everything again (see `IngestStage.run`).
    mutating func startOver() throws
}

/// Counts nothing, keeps nothing: for `validate` without `--rejects`.
package struct DiscardRejects: RejectSink {
    package init() {}
    package mutating func reject(_ row: RejectedRow, dataset: Dataset) throws {}
    package mutating func startOver() throws {}
}

/// Progress of ingest, in bytes of input, for a terminal display.
package struct IngestProgress: Sendable {
    package let file: String
    package let bytesDone: Int
    package let bytesTotal: Int
    /// Which of the files this run reads it is (from 1), and how many that is: a run that
    /// goes on from its state reads only its new files.
    package var fileNumber = 1
    package var fileCount = 1
}

/// The ingest stage: files -> records -> typed rows -> standing records, with every row
/// accounted for as accepted, rejected or duplicate.
package struct IngestStage: Sendable {
    package let config: GovStatsConfig
    /// Percent of a dataset's rows read that may be rejected before it is refused, as text
    /// (`5`, `2.5`) so that the comparison is exact.
    package let maxRejectPercent: ExactDecimal

    /// Threads for decoding: with more than one, files are opened ahead (`FilesAhead`),
    /// large ones are validated as UTF-8 in parts, and files are cut into chunks of about
    /// `chunkBytes` at record boundaries (`ChunkedReading`) decoded in parallel; rows are
    /// still applied in file order, so the outcome is the same for any value.
    package let jobs: Int
    package let chunkBytes: Int
    /// Whether each file's sha256 is worked out (for `run.json`); `validate` reports none.
    package let hashing: Bool
    /// A file larger than this is checked only this far before it is read, and the rest as
    /// it is read (`FileScan.scan`); nil: every file is checked whole first. A file whose
    /// rest does not decode after all makes `run` start over. 64 KiB by default: an export
    /// with Chinese text shows it in its first rows, and a folder of daily files of about
    /// 1 MiB each would otherwise have most of every file read twice.
    package private(set) var checkingAhead: Int?
    /// Row batches given back once applied, for the next chunk or file to fill again.
    let batches: BatchPool
    /// Whether the stores keep their key index after ingest, for the run state to be
    /// written (the caller lets it go then, `RecordStore.releaseKeys`).
    package var keepsKeys = false
    /// Whether each dataset's records are counted in groups once read
    /// (`RecordStore.countStanding`), which the transform stage reads. `validate` has no use
    /// for them; `run` leaves them to the run state's writer (`IngestResult.countStanding`),
    /// which counts them once the key index is written and let go.
    package var countsGroups = true

    package init(
        config: GovStatsConfig, maxRejectPercent: ExactDecimal, jobs: Int = 1, chunkBytes: Int = 1 << 20, hashing: Bool = true,
        checkingAhead: Int? = 1 << 16
    ) {
        self.config = config
        self.maxRejectPercent = maxRejectPercent
        self.jobs = max(1, jobs)
        self.chunkBytes = max(1, chunkBytes)
        self.hashing = hashing
        self.checkingAhead = checkingAhead.map { max(0, $0) }
        // The chunk being applied, `jobs` chunks being read, the bytes re-read after a wrong
        // guess, and the first chunks of the `jobs` + 1 files opened ahead.
        batches = BatchPool(limit: 2 * self.jobs + 3)
    }

    /// Reads every file of every dataset. Throws `.io` for an unreadable file; refused files
    /// and datasets are listed in the result's `refusals`, after everything was read.
    ///
    /// A large file whose start decodes is taken to be in that encoding and checked as it is
    /// read (`checkingAhead`), which saves reading it once more first. Should a later byte
    /// not decode (UTF-8 by its start, the file is GB18030 after all; or it is corrupt, or
    /// not in the encoding declared), the rows read so far are dropped and everything is
    /// read again with every file checked whole first, as if there were no such shortcut:
    /// the outcome is the same, and `rejects` is told to start over. Progress then starts
    /// again from the first file.
    ///
    /// `resuming` (from the run state): per dataset, the ingest of its first files, which
    /// are not read again; its rejected rows are already in `rejects`. Each is taken out of
    /// the dictionary as it is used (so that its store has no other holder and is changed in
    /// place); on starting over, the rest are dropped and every file is read.
    package func run(
        _ folder: DataFolder,
        resuming: inout [Dataset: DatasetIngest],
        rejects: inout some RejectSink,
        progress: (IngestProgress) -> Void = { _ in }
    ) throws -> IngestResult {
        do {
            return try readAll(folder, resuming: &resuming, rejects: &rejects, progress: progress)
        } catch is NotDecodableAfterAll {
            resuming.removeAll()
            try rejects.startOver()
            var again = self
            again.checkingAhead = nil
            return try again.readAll(folder, resuming: &resuming, rejects: &rejects, progress: progress)
        }
    }

    package func run(
        _ folder: DataFolder,
        rejects: inout some RejectSink,
        progress: (IngestProgress) -> Void = { _ in }
    ) throws -> IngestResult {
        var none: [Dataset: DatasetIngest] = [:]
        return try run(folder, resuming: &none, rejects: &rejects, progress: progress)
    }

    private func readAll(
        _ folder: DataFolder,
        resuming: inout [Dataset: DatasetIngest],
        rejects: inout some RejectSink,
        progress: (IngestProgress) -> Void
    ) throws -> IngestResult {
        var datasets: [DatasetIngest] = []
        var causes: [String] = []
        var refusedForRejects: [String] = []
        var mostlyRejected: [String] = []
        let fileCount = folder.presentDatasets.reduce(0) { count, listed in
            let resumed = resuming[config.resolve(listed)]
            return count + (folder.files[listed]?.count ?? 0) - (resumed?.files.count ?? 0) + (resumed?.grown == nil ? 0 : 1)
        }
        var fileNumber = 0
        func numbered(_ step: IngestProgress) {
            var step = step
            (step.fileNumber, step.fileCount) = (fileNumber, fileCount)
            progress(step)
        }
        for listed in folder.presentDatasets {
            let kind = config.resolve(listed)
            var ingest = resuming.removeValue(forKey: kind) ?? DatasetIngest(dataset: kind)
            let files = Array((folder.files[listed] ?? []).dropFirst(ingest.files.count))
            if let grown = ingest.grown {
                fileNumber += 1
                try readGrown(grown, into: &ingest, rejects: &rejects, progress: numbered)
                ingest.grown = nil
            }
            // With several jobs, the files after the one being applied are opened ahead.
            let ahead = FilesAhead(stage: self, files: files, depth: jobs > 1 ? jobs + 1 : 0)
            for (index, file) in files.enumerated() {
                fileNumber += 1
                let outcome: FileOutcome
                let prepared = try ahead.take(index) ?? open(file)
                // Consumed, so that the opened file `complete` is given is the only holder of
                // the rows read ahead, which `RecordStore.apply` then changes in place.
                switch consume prepared {
                case .refused(let refused): outcome = refused
                case .opened(let opened): outcome = try complete(consume opened, into: &ingest.store, rejects: &rejects, progress: numbered)
                }
                if let refusal = outcome.refusal { causes.append(refusal) }
                ingest.files.append(outcome)
            }
            batches.drain()
            if countsGroups { ingest.store.countStanding(jobs: jobs) }
            if let share = excessiveRejects(ingest) {
                causes.append(share)
                refusedForRejects.append(ingest.dataset.name)
            } else if ingest.files.count > 1 {
                mostlyRejected += ingest.files.compactMap { self.mostlyRejected($0) }
            }
            if let many = tooManyDistricts(ingest) { causes.append(many) }
            if !keepsKeys { ingest.store.releaseKeys() }
            datasets.append(ingest)
        }
        return IngestResult(folder: folder, datasets: datasets, refusals: causes, refusedForRejects: refusedForRejects, mostlyRejected: mostlyRejected)
    }

    /// Opens a file: its version, then its first pass (`FileScan`): size, encoding and
    /// sha256 (for a file larger than a chunk, with several jobs, validated in parts and
    /// hashed on a thread of its own). A file that no encoding reads is refused here.
    func open(_ file: InputFile) throws(IngestError) -> PreparedFile {
        let dataset = config.resolve(file.dataset)
        let settings = dataset.settings
        let version: FileVersion
        do { version = try FileVersion.of(file.path) } catch { throw .io(error) }
        // A file of one chunk is scanned and hashed in one pass, on the calling thread.
        switch FileScan.scan(path: file.path, setting: settings.encoding, jobs: version.size > chunkBytes ? jobs : 1, hashing: hashing, checkingAhead: checkingAhead) {
        case .success(let scan):
            return .opened(OpenedFile(version: version, reader: FileRowReader(file: file, dataset: dataset, scan: scan, batches: batches)))
        case .failure(.io(let error)):
            // A file cut short while it was scanned fails as one changed while it is read.
            try Self.checkUnchanged(file.path, since: version, reached: version.size)
            throw .io(error)
        case .failure(.undecodable(let message)):
            // The encoding it was last tried as: the declared one, or the fallback.
            let tried: TextEncoding = if case .fixed(let declared) = settings.encoding { declared } else { .gb18030 }
            var outcome = FileOutcome(file: file, bytes: 0, sha256: "", encoding: tried)
            outcome.decoded = false
            outcome.refusal = "\(file.relativePath): file refused: \(message)"
            return .refused(outcome)
        }
    }

    /// Whether a file is cut into chunks read on workers: a file larger than a chunk, with
    /// several jobs, in any encoding (a line feed is never part of another character in
    /// UTF-8, GB18030 or Big5). Otherwise it is read whole in one pass.
    func isCut(_ scan: FileScan) -> Bool {
        jobs > 1 && scan.bytes > chunkBytes
    }

    /// Reads an opened file's rows into `store`: the first chunk (the whole file when it is
    /// not cut) unless it was read ahead and is held, then the rest in chunks decoded on
    /// workers and applied in order; then checks the file did not change and finishes it.
    func complete(
        _ opened: consuming OpenedFile,
        into store: inout RecordStore,
        rejects: inout some RejectSink,
        progress: (IngestProgress) -> Void
    ) throws -> FileOutcome {
        let (version, held) = (opened.version, opened.held)
        let file = opened.reader.file
        let scan = opened.reader.scan
        progress(IngestProgress(file: file.relativePath, bytesDone: 0, bytesTotal: scan.bytes))
        var endLine = 0
        // The reader is changed in place, not copied: its rows read ahead must have no other
        // holder when `RecordStore.apply` changes them.
        try Self.reading(file, version: version, into: &opened.reader, checkingEnd: true) { reader in
            // The first chunk holds the header. A file refused while it was read ahead is not
            // read again.
            let atOffset = { (offset: Int) in progress(IngestProgress(file: file.relativePath, bytesDone: offset, bytesTotal: scan.bytes)) }
            let first: CSVFileReader.End
            if let held {
                first = held
            } else if reader.outcome.refusal == nil {
                var hasher = scan.hashedAsRead ? FileHasher() : nil
                first = try CSVFileReader.readRaw(
                    path: file.path, encoding: scan.encoding, stopAfter: isCut(scan) ? chunkBytes : nil, afterBlock: atOffset, checking: scan.checkedAsRead,
                    eachBlock: hasher == nil ? nil : { hasher!.feed($0) }
                ) { record in
                    try reader.take(record, store: &store, rejects: &rejects)
                }
                if let hasher { reader.hashed(hasher) }
            } else {
                return 0
            }
            try reader.flush(store: &store, rejects: &rejects)
            var reached = first.offset
            var last = first
            if first.offset < scan.bytes && reader.outcome.refusal == nil {
                progress(IngestProgress(file: file.relativePath, bytesDone: first.offset, bytesTotal: scan.bytes))
                if let decoder = reader.decoder {
                    let chunks = ChunkedReading(
                        path: file.path, encoding: scan.encoding, fileBytes: scan.bytes, chunkBytes: chunkBytes, decoder: decoder, pool: batches,
                        checking: scan.checkedAsRead)
                    let end = try chunks.run(jobs: jobs, from: first.offset, line: first.nextLine) { batch, firstLine, end in
                        try reader.apply(&batch, firstLine: firstLine, store: &store, rejects: &rejects)
                        batches.give(&batch)
                        reached = end
                        progress(IngestProgress(file: file.relativePath, bytesDone: end, bytesTotal: scan.bytes))
                    }
                    if let end { last = end }
                } else {
                    // No header in the first chunk (only blank lines): read the rest here.
                    last = try CSVFileReader.readRaw(
                        path: file.path, encoding: scan.encoding, range: first.offset..<scan.bytes, firstLine: first.nextLine, afterBlock: atOffset,
                        checking: scan.checkedAsRead
                    ) { record in
                        try reader.take(record, store: &store, rejects: &rejects)
                    }
                    reached = last.offset
                    try reader.flush(store: &store, rejects: &rejects)
                }
            }
            if reader.outcome.refusal != nil && scan.checkedAsRead && reached < scan.bytes {
                // Refused by its header, the rest is not read; but a refusal names the
                // encoding, and one taken to be in it by its start must decode throughout.
                try FileScan.checkRest(path: file.path, range: reached..<scan.bytes, as: scan.encoding)
            }
            if last.offset == scan.bytes && last.betweenRecords { endLine = last.nextLine }
            return reached
        }
        try opened.reader.finish()
        opened.reader.releaseBatch()
        opened.reader.outcome.version = version
        // (Where a file refused by its header ends depends on how much of it was read.)
        if opened.reader.outcome.refusal == nil { opened.reader.outcome.endLine = endLine }
        progress(IngestProgress(file: file.relativePath, bytesDone: scan.bytes, bytesTotal: scan.bytes))
        return opened.reader.outcome
    }

    /// Runs `body`, which reads the rows of `file` into `reader` and returns the offset it
    /// read to. A failed read fails as the file's (naming a file cut short as one that
    /// changed); text the encoding cannot decode refuses the file. Then, with
    /// `checkingEnd`, the file must still be `version`, read to its end.
    static func reading(_ file: InputFile, version: FileVersion, into reader: inout FileRowReader, checkingEnd: Bool, _ body: (inout FileRowReader) throws -> Int) throws {
        do {
            let reached = try body(&reader)
            if checkingEnd && reader.outcome.refusal == nil { try checkUnchanged(file.path, since: version, reached: reached) }
        } catch let error as FileReadError {
            // A read that failed because the file was cut short says so, the same way at
            // any number of jobs.
            try checkUnchanged(file.path, since: version, reached: version.size)
            throw IngestError.io(error)
        } catch let error as TranscodeError {
            reader.outcome.refusal = "\(file.relativePath): file refused: \(error.description)"
        } catch let error as NotDecodableAfterAll {
            // A file cut short or rewritten while it was read may end inside a character:
            // that it changed is said, rather than starting over on what it has become.
            try checkUnchanged(file.path, since: version, reached: version.size)
            throw error
        }
    }


    /// Fails when the file at `path` is not `version` any more (seen before its first pass),
    /// or was read to another offset than its size: rows read from a file that changed
    /// meanwhile are neither the file before nor the file after. With `--jobs` above 1 each
    /// chunk opens the file again, so a file replaced by a rename would be read in part.
    static func checkUnchanged(_ path: String, since version: FileVersion, reached: Int) throws(IngestError) {
        let now: FileVersion
        do { now = try FileVersion.of(path) } catch { throw .io(error) }
        if now.size != version.size || reached != version.size {
            throw .io(.changedSize(path: path, from: version.size, to: now.size != version.size ? now.size : reached))
        }
        if now != version { throw .io(.changed(path: path)) }
    }

    /// The warning for a file whose own rejected rows exceed the share allowed a dataset,
    /// when its dataset's do not: a night's export in a wrong form, among years of good ones.
    func mostlyRejected(_ file: FileOutcome) -> String? {
        guard file.rowsRead > 0, file.rejected > 0, Self.share(file.rejected * 100, of: file.rowsRead, exceeds: maxRejectPercent) else { return nil }
        let shown = Self.percentShown(file.rejected, of: file.rowsRead, above: maxRejectPercent)
        return "\(file.file.relativePath): \(shown)% of its rows rejected (\(file.rejected) of \(file.rowsRead)), more than --max-reject-pct \(maxRejectPercent.canonical), which its dataset keeps within; commonest: \(Self.commonest(file.rejectReasons))"
    }

    /// The three commonest reasons with their counts, the commonest first.
    static func commonest(_ reasons: [String: Int]) -> String {
        reasons.sorted { $0.value != $1.value ? $0.value > $1.value : utf8Less($0.key, $1.key) }.prefix(3)
            .map { "\($0.key) (\($0.value))" }.joined(separator: "; ")
    }

    /// The refusal line when a dataset's rejected rows exceed the allowed share.
    func excessiveRejects(_ ingest: DatasetIngest) -> String? {
        let read = ingest.rowsRead
        let rejected = ingest.rejected
        guard read > 0, rejected > 0, Self.share(rejected * 100, of: read, exceeds: maxRejectPercent) else { return nil }
        let shown = Self.percentShown(rejected, of: read, above: maxRejectPercent)
        let reasons = Self.commonest(ingest.rejectReasons)
        // Where to look first: the file with the most (the first of them, in reading order).
        let files = ingest.files.filter { $0.rejected > 0 }
        let most = files.max { $0.rejected < $1.rejected }!
        let place = files.count == 1 ? "all in \(most.file.relativePath)" : "most in \(most.file.relativePath) (\(most.rejected))"
        return "\(ingest.dataset.name): \(shown)% of rows rejected (\(rejected) of \(read)), more than --max-reject-pct \(maxRejectPercent.canonical); \(place); commonest: \(reasons)"
    }

    /// Whether `numerator / denominator` is more than `limit` (at most 100, with any number
    /// of decimals), exactly: the quotient's digits, by long division, against the limit's.
    package static func share(_ numerator: Int, of denominator: Int, exceeds limit: ExactDecimal) -> Bool {
        let parts = limit.canonical.split(separator: ".", maxSplits: 1)
        let whole = Int(parts[0]) ?? 0
        let quotient = numerator / denominator
        if quotient != whole { return quotient > whole }
        var remainder = numerator % denominator
        for digit in parts.dropFirst().first?.utf8 ?? Substring().utf8 {
            remainder *= 10
            let (next, wanted) = (remainder / denominator, Int(digit) - 0x30)
            remainder %= denominator
            if next != wanted { return next > wanted }
        }
        return remainder > 0
    }

    /// `rejected / read` as a percentage, rounded half away from zero to the fewest decimals
    /// (one at least, six at most) that show it above `limit`: 1 of 20 above 4.9 is `5.0`,
    /// 6 of 32,249 above 0.01 is `0.02`, not `0.0`.
    package static func percentShown(_ rejected: Int, of read: Int, above limit: ExactDecimal) -> String {
        let most = 6
        var (units, power, decimals) = (0, 1, 0)
        while decimals < most {
            (power, decimals) = (power * 10, decimals + 1)
            units = (rejected * 100 * power * 2 + read) / (2 * read)
            if share(units, of: power, exceeds: limit) { break }
        }
        if units == 0 { return "less than 0." + String(repeating: "0", count: most - 1) + "1" }
        let fraction = String(units % power)
        return String(units / power) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// The refusal line when a dataset's standing records name more districts than
    /// `[report] max_districts`: most likely a wrong column mapped as the district, which
    /// would make a page and a row per value.
    func tooManyDistricts(_ ingest: DatasetIngest) -> String? {
        let dataset = ingest.dataset
        let column = dataset.areas.district
        let store = ingest.store
        guard store.count > 0, store.texts(of: column).count > config.maxDistricts else { return nil }
        var seen = Set<Int>()
        // The grouping with the fewest groups, when they are counted: each names the district.
        if store.isCounted, let groups = store.fewestGroups() {
            let districts = groups.texts(dataset.places.district)
            let codes = districts.codes
            withExtendedLifetime(districts) {
                for group in 0..<groups.count where codes[group] >= 0 { seen.insert(codes[group]) }
            }
        } else {
            for slot in store.slots(of: column) where !Slot.isEmpty(slot) { seen.insert(Int(slot)) }
        }
        guard seen.count > config.maxDistricts else { return nil }
        let source = dataset.settings.columns[column].map { "column '\($0)'" } ?? "column '\(column)' (or an alias)"
        return "\(dataset.name): the records name \(seen.count) distinct districts, read from \(source), more than \(config.maxDistricts): the column mapped as district is most likely not one (if it is, raise max_districts under [report] in govstats.toml)"
    }
}
