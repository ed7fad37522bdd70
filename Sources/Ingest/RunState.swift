#if canImport(Glibc)
import Glibc
#endif
import CSVReading
import Schema

/// What a run state was made for. A state is used only with the same program, the same
/// configuration and the same data folder; the day matters only to files whose outcome
/// names it (`FileOutcome.namesRunDay`).
package struct StateKey: Equatable, Sendable {
    /// The version, and the identity of the executable (another build may read otherwise).
    package var program: String
    /// The sha256 of the configuration file's bytes, or "none".
    package var config: String
    /// The data folder's real path.
    package var dataFolder: String
    /// The day of the run, `YYYY-MM-DD`.
    package var runDay: String

    package init(program: String, config: String, dataFolder: String, runDay: String) {
        self.program = program
        self.config = config
        self.dataFolder = dataFolder
        self.runDay = runDay
    }
}

/// The run state (docs/design.md, "Run state"): a file `state`, written whole by `write`,
/// and deltas `state.1`, `state.2`, … each written by `write(delta:)` after a run that
/// read only new files; read by `read` before the next run, which goes on from it
/// (`resumable`) rather than reading its inputs again.
///
///     state     "govstats run state", format, the file's length, the size from which
///               arrays are mapped, the key (`StateKey`)
///               per dataset: name; per file its name, version, day read and outcome;
///               the record store as it stood (keys, packed columns, interned texts)
///               per dataset: the record groups
///               per dataset: the bytes of rejects/<dataset>.csv
///               CRC-32C of everything before it
///     state.N   "govstats run state delta", format, the file's length, the size from
///               which arrays are mapped, the CRC of the file before it
///               per dataset: the number of files recorded before that it keeps (all,
///               or all but the last, which grew: `GrownFile`), the files added
///               per dataset: what the store gained and replaced
///               per dataset: the groups added and the counts changed
///               per dataset: the bytes added to rejects/<dataset>.csv
///               CRC-32C
package enum RunState {
    static let magic = "govstats run state"
    static let deltaMagic = "govstats run state delta"
    static let format = 8
    /// Deltas after which a run writes the state whole again.
    package static let longestChain = 30

    /// Writes the state of `result`, whose stores still hold their keys, and of the rejects
    /// files in `rejectsFolder` (complete and closed): whole, or with `delta` the delta of
    /// the state it went on from (every dataset of which it went on from, and no other):
    /// the files read, what each store gained and replaced, how their groups changed, the
    /// rejected rows added. The key index is let go once it is written, and the records are
    /// counted in their groups then (`countStanding`, with `jobs`): the index and the
    /// groups are never in memory at once. (`writeRecords` and `writeGroups` are the two
    /// parts, for a caller that does something else between them.)
    package static func write(_ result: inout IngestResult, key: StateKey, delta: Resumption? = nil, rejectsFolder: String, jobs: Int = 1, to writer: StateWriter) throws {
        try writeRecords(result, key: key, delta: delta, to: writer)
        result.releaseKeys()
        result.countStanding(jobs: jobs)
        try writeGroups(result, delta: delta, rejectsFolder: rejectsFolder, to: writer)
    }

    /// The first part of a state (`delta` nil), or of a delta of the state `delta` went on
    /// from: what it was made for, the files read and each store's records, keys included.
    /// `writeGroups` ends it once the records are counted; between the two, the key index
    /// can be let go (by the caller's copy of `result`: this one's is read).
    package static func writeRecords(_ result: IngestResult, key: StateKey, delta resumption: Resumption?, to writer: StateWriter) throws {
        try writer.text(resumption == nil ? magic : deltaMagic)
        try writer.integer(format)
        try writer.reserveLength()
        try writer.integer(writer.mapBytes)
        if let resumption {
            try writer.integer(Int(resumption.chainChecksum))
        } else {
            for part in [key.program, key.config, key.dataFolder, key.runDay] { try writer.text(part) }
        }
        try writer.integer(result.datasets.count)
        guard let resumption else {
            for ingest in result.datasets {
                try writeFiles(ingest, from: 0, day: key.runDay, to: writer)
                try ingest.store.write(to: writer)
            }
            return
        }
        // A delta names every dataset's files before any store's changes, so that a run can
        // tell whether it goes on from the delta before it reads the rest (`read`). A file
        // that grew is among them again, in place of its record before.
        for ingest in result.datasets {
            guard let reused = resumption.reusedFiles[ingest.dataset], ingest.store.isRestored else {
                throw StateError("\(ingest.dataset.name) was not resumed: the state is written whole")
            }
            try writeFiles(ingest, from: reused, day: key.runDay, to: writer, keeping: true)
        }
        for ingest in result.datasets { try ingest.store.writeDelta(to: writer) }
    }

    /// The dataset's name and the outcomes of its files from `first` on; with `keeping`
    /// (a delta), `first` before them: the files it keeps of those recorded before.
    private static func writeFiles(_ ingest: DatasetIngest, from first: Int, day: String, to writer: StateWriter, keeping: Bool = false) throws {
        try writer.text(ingest.dataset.name)
        if keeping { try writer.integer(first) }
        try writer.integer(ingest.files.count - first)
        for outcome in ingest.files[first...] { try write(outcome, day: day, to: writer) }
    }

    /// The rest of what `writeRecords` began: each store's groups (its records counted),
    /// the rejected rows (all of them, or those added since the state `delta` went on
    /// from), and the checksum.
    package static func writeGroups(_ result: IngestResult, delta resumption: Resumption?, rejectsFolder: String, to writer: StateWriter) throws {
        for ingest in result.datasets { try ingest.store.writeGroups(to: writer, delta: resumption != nil) }
        for ingest in result.datasets {
            let prefix = resumption?.rejects[ingest.dataset, default: []].reduce(0) { $0 + $1.range.count } ?? 0
            try copyRejects(rejectsFolder, ingest.dataset, from: prefix, to: writer)
        }
        try writer.finish()
    }

    /// The bytes of the dataset's rejects file from `offset` on, after their count.
    private static func copyRejects(_ folder: String, _ dataset: Dataset, from offset: Int, to writer: StateWriter) throws {
        let path = folder + "/" + dataset.name + ".csv"
        let size: Int
        do { size = try FileBlocks.size(path: path) } catch { throw StateError("cannot read \(path): \((error as? FileReadError)?.reason ?? "\(error)")") }
        guard size >= offset else { throw StateError("\(path) is shorter than the rejects the state holds") }
        try writer.integer(size - offset)
        do {
            try FileBlocks.forEach(path: path, range: offset..<size) { try writer.bytes($0) }
        } catch let error as FileReadError {
            throw StateError("cannot read \(path): \(error.reason)")
        }
    }

    private static func write(_ outcome: FileOutcome, day: String, to writer: StateWriter) throws {
        guard let version = outcome.version else { throw StateError("\(outcome.file.relativePath) has no version to record") }
        try writer.text(outcome.file.relativePath)
        try writer.text(outcome.readOn ?? day)
        for value in [Int(truncatingIfNeeded: version.device), Int(truncatingIfNeeded: version.inode), version.size,
                      version.modifiedSeconds, version.modifiedNanoseconds, version.changedSeconds, version.changedNanoseconds] {
            try writer.integer(value)
        }
        try writer.integer(outcome.bytes)
        try writer.text(outcome.sha256)
        try writer.text(outcome.encoding.rawValue)
        for value in [outcome.decoded ? 1 : 0, outcome.rowsRead, outcome.accepted, outcome.rejected, outcome.duplicates, outcome.conflicts,
                      outcome.filtered, outcome.runOnRecords.count, outcome.runOnRecords.firstLine, outcome.runOnRecords.firstLines,
                      outcome.namesRunDay ? 1 : 0, outcome.endLine] {
            try writer.integer(value)
        }
        let reasons = outcome.rejectReasons.sorted { utf8Less($0.key, $1.key) }
        try writer.integer(reasons.count)
        for (reason, count) in reasons {
            try writer.text(reason)
            try writer.integer(count)
        }
    }

    /// Reads the state at `path`, made for datasets among `datasets` (resolved, as ingest
    /// reads them). Throws when the file is damaged, cut short or of another format; its
    /// key is for the caller to judge. `jobs` above 1: see `StateReader.init(path:jobs:checksumPiece:)`.
    ///
    /// With `folder`, a delta whose files are not those of the folder now, unchanged (one
    /// changed, removed or renamed, or a new file that sorts among them), is not applied,
    /// nor any after it: the state is then the one the night before it left, from which a
    /// run reads that delta's files again (or what replaced them). But for its last file of
    /// a dataset, which grew (`GrownFile`): the delta is applied, and the ones after it
    /// while they record that file again or no file of its dataset. Without, every delta
    /// that continues the state is applied.
    package static func read(path: String, root: String, datasets: [Dataset], folder: DataFolder? = nil, jobs: Int = 1, checksumPiece: Int = 8 << 20) throws -> SavedState {
        let reader = try StateReader(path: path, jobs: jobs, checksumPiece: checksumPiece)
        let key = try readKey(reader)
        var saved: [SavedDataset] = []
        for _ in 0..<(try reader.count(of: 8)) {
            let name = try reader.text()
            guard let dataset = datasets.first(where: { $0.name == name }) else { throw StateError("\(path) holds a dataset this configuration has not: \(name)") }
            var ingest = DatasetIngest(dataset: dataset)
            for _ in 0..<(try reader.count(of: 8)) {
                ingest.files.append(try readOutcome(reader, dataset: dataset, root: root))
            }
            ingest.store = try RecordStore(dataset: dataset, from: reader)
            saved.append(SavedDataset(ingest: ingest, recordedAt: Array(repeating: reader.written, count: ingest.files.count)))
        }
        for index in saved.indices { try saved[index].ingest.store.readGroups(from: reader) }
        for index in saved.indices {
            let size = try reader.count(of: 1)
            saved[index].rejects.append(StateBytes(path: path, range: reader.offset..<reader.offset + size))
            try reader.skip(size)
        }
        try reader.verify()
        // Consumed: a copy left alive would make every array a delta changes be copied whole.
        var state = SavedState(key: key, datasets: consume saved, path: path, checksum: reader.checksum)
        // The deltas, in order, while each continues the one before; a leftover of an
        // earlier chain (the state was written whole since) continues nothing and ends it.
        // Only datasets whose files so far are current can tell a delta's files stale
        // (found at the first delta: a state without deltas needs no look at the files here).
        var current: [Bool]?
        // Per dataset whose last file, as the last delta applied recorded it, grew since: how.
        var grown: [Int: GrownFile] = [:]
        while let delta = try openDelta(path + "." + String(state.chain + 1)) {
            guard try delta.text() == deltaMagic else { throw StateError("\(delta.path) is not a govstats run state delta") }
            let format = try delta.integer()
            guard format == Self.format else { throw anotherFormat(delta.path, format) }
            try delta.checkLength()
            try readMapBytes(delta)
            guard UInt32(truncatingIfNeeded: try delta.integer()) == state.checksum else {
                // A leftover of an earlier chain, whole; or a delta damaged where it names
                // the state before it, which its checksum tells (and the state is ignored).
                try delta.verifyRest()
                break
            }
            let files = try state.files(of: delta, root: root)
            if let folder {
                // After a delta whose last file of a dataset grew since, a delta that recorded
                // files after it for that dataset is not applied: the file's new rows come
                // before theirs. One that records it again, or none of its files, is.
                let keeps = { (index: Int) in files[index].keeping == state.datasets[index].ingest.files.count }
                if let index = grown.keys.sorted().first(where: { keeps($0) && !files[$0].outcomes.isEmpty }) {
                    try delta.verifyRest()
                    if let path = state.datasets[index].ingest.files.last?.file.relativePath {
                        state.readAgain.append("\(path) grew after files that sort after it were read")
                    }
                    break
                }
                let before = current ?? state.datasets.map { $0.filesAreCurrent(in: folder) }
                var judged = before
                // A file the delta records again is judged by its new record.
                for index in state.datasets.indices where files[index].keeping < state.datasets[index].ingest.files.count {
                    judged[index] = state.datasets[index].areCurrent(state.datasets[index].ingest.files[..<files[index].keeping], in: folder)
                }
                let stale = state.datasets.indices.filter { index in
                    judged[index] && !state.datasets[index].areCurrent(files[index], in: folder, recordedAt: delta.written)
                }
                // A delta whose files are current but for its last of a dataset, which grew
                // since (`GrownFile`: its new rows are then read), is applied. Else it is
                // not; but a delta damaged where it names its files would look stale too,
                // and a damaged state is ignored with a warning: its checksum tells the two
                // apart.
                let found = stale.map { state.datasets[$0].grownLast(files[$0], in: folder, recordedAt: delta.written) }
                guard !found.contains(where: { $0 == nil }) else {
                    current = before
                    try delta.verifyRest()
                    for (index, file) in zip(stale, found) where file == nil {
                        if let reason = state.datasets[index].readAgain(files[index], in: folder, recordedAt: delta.written) {
                            state.readAgain.append(reason)
                        }
                    }
                    break
                }
                grown = grown.filter { keeps($0.key) }
                for (index, file) in zip(stale, found) {
                    judged[index] = false
                    grown[index] = file
                }
                current = judged
            }
            try state.apply(delta, files: files)
        }
        if let folder, let current { state.filesCurrent = (folder.files, current, grown) }
        for index in state.datasets.indices { state.datasets[index].ingest.store.markRestored() }
        return state
    }

    /// The delta at `path`, nil when there is none; one there but unreadable, or too short
    /// to be one, is a state that cannot be used.
    private static func openDelta(_ path: String) throws -> StateReader? {
        guard access(path, F_OK) == 0 || errno != ENOENT else { return nil }
        return try StateReader(path: path)
    }

    /// What the state at `path` was made for, read from its start alone (the rest is
    /// checked by `read`).
    package static func key(path: String) throws -> StateKey {
        try readKey(try StateReader(path: path))
    }

    private static func readKey(_ reader: StateReader) throws -> StateKey {
        guard try reader.text() == magic else { throw StateError("\(reader.path) is not a govstats run state") }
        let format = try reader.integer()
        guard format == Self.format else { throw anotherFormat(reader.path, format) }
        try reader.checkLength()
        try readMapBytes(reader)
        return StateKey(program: try reader.text(), config: try reader.text(), dataFolder: try reader.text(), runDay: try reader.text())
    }

    /// A state file of another format than this build's: most often one an earlier build
    /// wrote, which the first run after an upgrade replaces.
    private static func anotherFormat(_ path: String, _ format: Int) -> StateError {
        StateError("\(path) was written by another build of govstats (its format is \(format), this build's \(Self.format))")
    }

    /// The size from which the writer laid arrays out to be mapped (`FlatArray.write`).
    private static func readMapBytes(_ reader: StateReader) throws {
        let bytes = try reader.integer()
        guard bytes > 0 else { throw StateError("\(reader.path) is damaged (arrays mapped from \(bytes) bytes)") }
        reader.mapBytes = bytes
    }

    static func readOutcome(_ reader: StateReader, dataset: Dataset, root: String) throws -> FileOutcome {
        let name = try reader.text()
        let day = try reader.text()
        var numbers: [Int] = []
        for _ in 0..<7 { numbers.append(try reader.integer()) }
        let version = FileVersion(
            device: UInt64(truncatingIfNeeded: numbers[0]), inode: UInt64(truncatingIfNeeded: numbers[1]), size: numbers[2],
            modifiedSeconds: numbers[3], modifiedNanoseconds: numbers[4], changedSeconds: numbers[5], changedNanoseconds: numbers[6])
        let bytes = try reader.integer()
        let sha256 = try reader.text()
        let encodingName = try reader.text()
        guard let encoding = TextEncoding(rawValue: encodingName) else { throw StateError("\(reader.path) is damaged (encoding \(encodingName))") }
        var outcome = FileOutcome(file: InputFile(dataset: dataset, path: root + "/" + name, relativePath: name), bytes: bytes, sha256: sha256, encoding: encoding)
        outcome.version = version
        var values: [Int] = []
        for _ in 0..<12 { values.append(try reader.integer()) }
        outcome.decoded = values[0] != 0
        outcome.rowsRead = values[1]
        outcome.accepted = values[2]
        outcome.rejected = values[3]
        outcome.duplicates = values[4]
        outcome.conflicts = values[5]
        outcome.filtered = values[6]
        outcome.runOnRecords = RunOnRecords(count: values[7], firstLine: values[8], firstLines: values[9])
        outcome.namesRunDay = values[10] != 0
        outcome.endLine = values[11]
        outcome.readOn = day
        for _ in 0..<(try reader.count(of: 16)) {
            let reason = try reader.text()
            outcome.rejectReasons[reason] = try reader.integer()
        }
        return outcome
    }
}

/// A run state as read, before it is judged against the inputs (`resumable`).
package struct SavedState: Sendable {
    package let key: StateKey
    package var datasets: [SavedDataset]
    /// The state file (`state`; its deltas are `state.1`, …).
    package let path: String
    /// The CRC of the last file read, which the next delta names.
    package var checksum: UInt32
    /// The number of deltas read.
    package var chain = 0
    /// Per dataset, whether its recorded files are current in the folder `read` was given,
    /// found as it judged the deltas (nil: not judged), with that folder's listing:
    /// `resumable`, given a folder of the same listing, does not look at every file again.
    /// With the datasets whose last file, as a delta recorded it, grew since (`GrownFile`).
    var filesCurrent: (listing: [Dataset: [InputFile]], current: [Bool], grown: [Int: GrownFile])?
    /// Why the deltas after the last one applied were not (`SavedDataset.readAgain`).
    var readAgain: [String] = []

    /// The outcomes of the files a delta (after its header) recorded, per dataset, after the
    /// files it keeps of those recorded before.
    func files(of delta: StateReader, root: String) throws -> [DeltaFiles] {
        guard try delta.count(of: 8) == datasets.count else { throw StateError("\(delta.path) is damaged (another number of datasets)") }
        return try datasets.map { saved in
            let dataset = saved.ingest.dataset
            guard try delta.text() == dataset.name else { throw StateError("\(delta.path) is damaged (another dataset)") }
            let recorded = saved.ingest.files.count
            let keeping = try delta.integer()
            let outcomes = try (0..<(try delta.count(of: 8))).map { _ in try RunState.readOutcome(delta, dataset: dataset, root: root) }
            // All the files recorded before, or all but the last, which it records again.
            guard keeping == recorded || (keeping >= 0 && keeping == recorded - 1 && outcomes.first?.file.relativePath == saved.ingest.files.last?.file.relativePath) else {
                throw StateError("\(delta.path) is damaged (it keeps \(keeping) of \(dataset.name)'s \(recorded) files)")
            }
            return DeltaFiles(keeping: keeping, outcomes: outcomes)
        }
    }

    /// Applies the rest of a delta, after its `files`, to every dataset.
    mutating func apply(_ delta: StateReader, files: [DeltaFiles]) throws {
        for index in datasets.indices {
            let keeping = files[index].keeping
            datasets[index].ingest.files = Array(datasets[index].ingest.files[..<keeping]) + files[index].outcomes
            datasets[index].recordedAt = Array(datasets[index].recordedAt[..<keeping]) + Array(repeating: delta.written, count: files[index].outcomes.count)
            try datasets[index].ingest.store.readDelta(from: delta)
        }
        for index in datasets.indices { try datasets[index].ingest.store.readGroups(from: delta, delta: true) }
        for index in datasets.indices {
            let size = try delta.count(of: 1)
            datasets[index].rejects.append(StateBytes(path: delta.path, range: delta.offset..<delta.offset + size))
            try delta.skip(size)
        }
        try delta.verify()
        checksum = delta.checksum
        chain += 1
    }
}

/// What a delta says of a dataset's files: how many of those recorded before it keeps, and
/// the outcomes of the files it recorded after them.
struct DeltaFiles {
    let keeping: Int
    let outcomes: [FileOutcome]
}

package struct SavedDataset: Sendable {
    /// The files' outcomes and the store, as the last run left them.
    package var ingest: DatasetIngest
    /// Where the bytes of its rejects file are, in order.
    package var rejects: [StateBytes] = []
    /// Per file, when the state file that recorded it was written (seconds, nanoseconds).
    package var recordedAt: [(seconds: Int, nanoseconds: Int)] = []

    /// Whether the files recorded are the first files of the dataset in `folder`, each
    /// unchanged.
    func filesAreCurrent(in folder: DataFolder) -> Bool {
        areCurrent(ingest.files[...], in: folder)
    }

    /// Whether `recorded`, the first of the files recorded, are the first files of the
    /// dataset in `folder`, each unchanged.
    func areCurrent(_ recorded: ArraySlice<FileOutcome>, in folder: DataFolder) -> Bool {
        areCurrent(Array(recorded), from: 0, in: folder) { recordedAt[$0] }
    }

    /// Whether the outcomes of `files` (a delta's), recorded at `written`, are of the files
    /// of the dataset in `folder` that follow those it keeps, each unchanged.
    func areCurrent(_ files: DeltaFiles, in folder: DataFolder, recordedAt written: (seconds: Int, nanoseconds: Int)) -> Bool {
        areCurrent(files.outcomes, from: files.keeping, in: folder) { _ in written }
    }

    /// How the last of the outcomes of `files` (a delta's) grew since (`GrownFile.check`),
    /// when they are, recorded at `written`, of the files of the dataset in `folder` that
    /// follow those it keeps, each unchanged but that one.
    func grownLast(_ files: DeltaFiles, in folder: DataFolder, recordedAt written: (seconds: Int, nanoseconds: Int)) -> GrownFile? {
        let outcomes = files.outcomes
        guard let last = outcomes.last, last.endLine > 0, areCurrent(Array(outcomes.dropLast()), from: files.keeping, in: folder, written: { _ in written }),
              let file = folder.files[ingest.dataset]?.dropFirst(files.keeping + outcomes.count - 1).first
        else { return nil }
        return GrownFile.check(last, now: file)
    }

    /// Whether `outcomes` are of the dataset's files in `folder` from its `first` on, each
    /// unchanged since the state file that recorded outcome `i` was written (`written(i)`):
    /// nothing stands in their way (`readAgain`), and the dataset has files there.
    private func areCurrent(
        _ outcomes: [FileOutcome], from first: Int, in folder: DataFolder, written: (Int) -> (seconds: Int, nanoseconds: Int)
    ) -> Bool {
        folder.files[ingest.dataset] != nil && readAgain(outcomes, from: first, in: folder, runDay: nil, written: written) == nil
    }

    /// Why the files recorded are not all reused by a run on `folder` on `runDay`
    /// (`SavedState.resumable`): the first that stands in the way, and how, as the end of a
    /// run on a terminal says it; nil when none does.
    func readAgain(in folder: DataFolder, runDay: String) -> String? {
        readAgain(ingest.files, from: 0, in: folder, runDay: runDay) { recordedAt[$0] }
    }

    /// Why the outcomes of `files` (a delta's), recorded at `written`, are not all of the
    /// files of the dataset in `folder` that follow those it keeps, each unchanged.
    func readAgain(_ files: DeltaFiles, in folder: DataFolder, recordedAt written: (seconds: Int, nanoseconds: Int)) -> String? {
        readAgain(files.outcomes, from: files.keeping, in: folder, runDay: nil) { _ in written }
    }

    /// The first of `outcomes` (of the dataset's files from its `first` on, outcome `i`
    /// recorded at `written(i)`) that stands in the way of a run on `folder` on `runDay`
    /// (nil: any day), and how.
    private func readAgain(
        _ outcomes: [FileOutcome], from first: Int, in folder: DataFolder, runDay: String?, written: (Int) -> (seconds: Int, nanoseconds: Int)
    ) -> String? {
        let files = folder.files[ingest.dataset] ?? []
        for (index, outcome) in outcomes.enumerated() {
            let path = outcome.file.relativePath
            guard first + index < files.count, files[first + index].relativePath == path else {
                // The files before are those recorded: this one is new, or the recorded one gone.
                if first + index < files.count, files.contains(where: { $0.relativePath == path }) {
                    return "\(files[first + index].relativePath) is new and sorts before \(path)"
                }
                return "\(path) is gone"
            }
            if let change = Self.change(outcome, now: files[first + index], recordedAt: written(index)) { return change }
            if let runDay, !SavedState.mayBeReused(outcome, on: runDay) {
                let day = outcome.readOn ?? ""
                return runDay < day
                    ? "\(path) was read on \(day), a day later than this run's"
                    : "\(path) has rows refused as dated after \(day), the day it was read on"
            }
        }
        return nil
    }

    /// Why `file` (of the name `outcome` records) may not be the one `outcome` was read
    /// from, or nil when it is: same size, times and inode, and modified before the state
    /// file that recorded it was written (a change in the same clock tick as the recorded
    /// version would leave them all as they were). One `stat`.
    static func change(_ outcome: FileOutcome, now file: InputFile, recordedAt written: (seconds: Int, nanoseconds: Int)) -> String? {
        let path = file.relativePath
        guard let recorded = outcome.version, let current = try? FileVersion.of(file.path), current == recorded else {
            return "\(path) changed since it was read"
        }
        guard (recorded.modifiedSeconds, recorded.modifiedNanoseconds) < (written.seconds, written.nanoseconds) else {
            return "\(path) is dated no earlier than the run state that recorded it, so may have changed after it was read"
        }
        return nil
    }
}

/// A stretch of bytes of a file of the run state.
package struct StateBytes: Sendable, Equatable {
    package let path: String
    package let range: Range<Int>
}

/// What a run goes on from: per dataset, the ingest of its first files, which are read no
/// more, and the bytes its rejects file starts with.
package struct Resumption: Sendable {
    package var datasets: [Dataset: DatasetIngest] = [:]
    package var rejects: [Dataset: [StateBytes]] = [:]
    /// Per dataset, the number of its files reused.
    package var reusedFiles: [Dataset: Int] = [:]
    /// The number of input files reused.
    package var files: Int { reusedFiles.values.reduce(0, +) }
    /// Why recorded files were read again: per change that stood in the way, the file and
    /// how it changed (`SavedDataset.readAgain`), in the order found.
    package var readAgain: [String] = []
    /// The files that grew since they were recorded (`GrownFile`), of which only the new
    /// rows are read; they are not among those reused (a delta records them again).
    package var grownFiles: [String] = []
    /// Whether every dataset of the state was reused: with no file read besides, the
    /// state stays true as it is; with new files, a delta can be written.
    package var isWhole = false
    /// The deltas the state has, and the CRC of its last file (which a delta names).
    package var chain = 0
    package var chainChecksum: UInt32 = 0

    package init() {}
}

extension SavedState {
    /// Which datasets a run on `folder` may go on from, for a run whose key is `key`
    /// (which must be this state's but for the day): those whose recorded files are the
    /// first files of the dataset now, each unchanged, and whose outcomes do not depend
    /// on the day when the day is another. The others are read whole.
    package consuming func resumable(in folder: DataFolder, key: StateKey) -> Resumption {
        var resumption = Resumption()
        resumption.chain = chain
        resumption.chainChecksum = checksum
        resumption.readAgain = readAgain
        let judged = filesCurrent.flatMap { $0.listing == folder.files ? $0.current : nil }
        let grownLast = filesCurrent.flatMap { $0.listing == folder.files ? $0.grown : nil } ?? [:]
        for index in datasets.indices {
            let dataset = datasets[index].ingest.dataset
            let recorded = datasets[index].ingest.files
            let files = folder.files[dataset] ?? []
            var current = false
            var grown: GrownFile?
            if files.count >= recorded.count, recorded.allSatisfy({ Self.mayBeReused($0, on: key.runDay) }) {
                if judged?[index] ?? datasets[index].filesAreCurrent(in: folder) {
                    current = true
                } else if let last = recorded.indices.last, datasets[index].areCurrent(recorded[..<last], in: folder),
                          let found = grownLast[index] ?? GrownFile.check(recorded[last], now: files[last]) {
                    (current, grown) = (true, found)
                }
            }
            guard current else {
                if let reason = datasets[index].readAgain(in: folder, runDay: key.runDay), !resumption.readAgain.contains(reason) {
                    resumption.readAgain.append(reason)
                }
                continue
            }
            var ingest = DatasetIngest(dataset: dataset)
            swap(&ingest, &datasets[index].ingest)
            for number in ingest.files.indices { ingest.files[number].file = files[number] }
            ingest.grown = grown
            resumption.reusedFiles[dataset] = ingest.files.count - (grown == nil ? 0 : 1)
            if grown != nil { resumption.grownFiles.append(files[ingest.files.count - 1].relativePath) }
            resumption.datasets[dataset] = ingest
            resumption.rejects[dataset] = datasets[index].rejects
        }
        resumption.isWhole = resumption.datasets.count == datasets.count
        return resumption
    }

    /// Whether the outcome of a file read on its day may stand in a run on `runDay`: a date
    /// accepted before may be in the future on an earlier day; one refused as in the future
    /// may be accepted on a later day.
    static func mayBeReused(_ outcome: FileOutcome, on runDay: String) -> Bool {
        outcome.readOn == runDay || (runDay > outcome.readOn ?? "" && !outcome.namesRunDay)
    }
}
