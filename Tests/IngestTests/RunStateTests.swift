import CSVReading
import Foundation
import Ingest
import Schema
import Testing
import TestSupport

/// The run state file: what it keeps comes back exactly, a run that goes on from it ends
/// where a run over every file ends, and a damaged or outdated one is never used.
@Suite struct RunStateTests {
    static let key = StateKey(program: "test", config: "none", dataFolder: "/data", runDay: "2018-03-02")

    static func row(_ id: String, _ day: Int, _ district: String, _ category: String) -> String {
        "\(id),2018-02-\(String(format: "%02d", day)) 10:00:00,\(district),街道,报警,\(category),300,已处置\n"
    }

    /// Three daily files: duplicates and a conflict across them, and rows rejected.
    static func write(_ folder: TemporaryDirectory, days: Range<Int>) throws {
        let files = [
            alarmHeader + row("A1", 1, "宝山区", "盗窃") + row("A2", 1, "闵行区", "纠纷") + "A3,not a date,宝山区,,报警,盗窃,,\n",
            alarmHeader + row("A1", 1, "宝山区", "盗窃") + row("A4", 2, "宝山区", "盗窃") + row("A2", 1, "闵行区", "盗窃"),
            alarmHeader + row("A5", 3, "闵行区", "诈骗") + row("A4", 2, "宝山区", "纠纷") + "A6,2018-02-03,,,报警,盗窃,,\n",
        ]
        for day in days { try writeExport(folder, "2018-02-0\(day + 1)", files[day]) }
    }

    /// Writes `text` as the alarm export `data/alarm_calls/<name>.csv`, modified an hour
    /// ago: an export of an earlier night, written well before the state.
    static func writeExport(_ root: TemporaryDirectory, _ name: String, _ text: String) throws {
        let path = try root.write("data/alarm_calls/\(name).csv", text)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: path)
    }

    static func stage(keepingKeys: Bool = true) -> IngestStage {
        var config = GovStatsConfig()
        config.runDay = LocalDate(year: 2018, month: 3, day: 2)
        var stage = IngestStage(config: config, maxRejectPercent: ValueParser.amount("100"[...])!)
        stage.keepsKeys = keepingKeys
        return stage
    }

    static func folder(_ root: TemporaryDirectory) throws -> DataFolder {
        try DataFolder.discover(root: root.path + "/data")
    }

    /// Ingests the folder (going on from `resuming`) and writes its state with a rejects
    /// file per dataset holding one line per rejected row.
    /// `mapBytes`: the writer's (1: every array laid out to be mapped).
    static func ingestAndSave(_ root: TemporaryDirectory, resuming: inout [Dataset: DatasetIngest], mapBytes: Int = 4096) throws -> (IngestResult, [RejectedRow]) {
        var sink = CollectedRejects()
        var result = try stage().run(try folder(root), resuming: &resuming, rejects: &sink)
        try FileManager.default.createDirectory(atPath: root.path + "/rejects", withIntermediateDirectories: true)
        for ingest in result.datasets {
            _ = try root.write("rejects/\(ingest.dataset.name).csv", "rejected\n" + sink.rows.map { "\($0.file):\($0.line)\n" }.joined())
        }
        let writer = try StateWriter(path: root.path + "/state", mapBytes: mapBytes)
        try RunState.write(&result, key: key, rejectsFolder: root.path + "/rejects", to: writer)
        return (result, sink.rows)
    }

    /// Everything a store holds, column by column: slots and texts; and its groups.
    static func contents(_ store: RecordStore) -> [String] {
        store.columns.map { column in
            "\(column.name): \(Array(store.slots(of: column.name))) \(store.texts(of: column.name))"
        } + Grouping.allCases.compactMap { grouping in
            store.groups(grouping).map { "\(grouping): " + $0.lines.joined(separator: "; ") }
        }
    }

    /// Goes on from the state at `path` (and its deltas) with the files not in it, checks
    /// the warm ingest against a full one, and writes it as delta `delta` of that state, or
    /// whole at `/whole` when `delta` is nil. Returns the full ingest.
    @discardableResult
    static func goOn(_ root: TemporaryDirectory, from path: String = "/state", delta: Int?, mapBytes: Int, jobs: Int = 1, checksumPiece: Int = 8 << 20) throws -> IngestResult {
        let folder = try Self.folder(root)
        var resumption = try RunState.read(path: root.path + path, root: folder.root, datasets: GovStatsConfig().allDatasets, jobs: jobs, checksumPiece: checksumPiece).resumable(in: folder, key: Self.key)
        #expect(resumption.isWhole && resumption.files == folder.fileCount - 1)
        var sink = CollectedRejects()
        var warm = try Self.stage().run(folder, resuming: &resumption.datasets, rejects: &sink)
        let full = try Self.stage().run(folder, rejects: &sink)
        #expect(warm.datasets[0].files.map(Self.summary) == full.datasets[0].files.map(Self.summary))
        #expect(Self.contents(warm.datasets[0].store) == Self.contents(full.datasets[0].store))
        _ = try root.write("rejects/alarm_calls.csv", "rejected\n")
        let writer = try StateWriter(path: root.path + (delta.map { path + ".\($0)" } ?? "/whole"), mapBytes: mapBytes)
        try RunState.write(&warm, key: Self.key, delta: delta == nil ? nil : resumption, rejectsFolder: root.path + "/rejects", to: writer)
        return full
    }

    /// The state of `days` of exports, written whole in `root`: its path and its bytes.
    static func savedState(_ root: TemporaryDirectory, days: Range<Int>, mapBytes: Int = 4096) throws -> (path: String, bytes: [UInt8]) {
        try Self.write(root, days: days)
        var none: [Dataset: DatasetIngest] = [:]
        _ = try Self.ingestAndSave(root, resuming: &none, mapBytes: mapBytes)
        let path = root.path + "/state"
        return (path, Array(try #require(FileManager.default.contents(atPath: path))))
    }

    static func summary(_ outcome: FileOutcome) -> String {
        "\(outcome.file.relativePath) \(outcome.bytes) \(outcome.sha256) \(counts(outcome)) \(outcome.filtered) \(outcome.rejectReasons.sorted { $0.key < $1.key }) \(outcome.runOnRecords) \(outcome.encoding)"
    }

    @Test func crc32cIsTheCastagnoliChecksumWhereverTheStreamIsCut() throws {
        // The check value of CRC-32C (RFC 3720 B.4): "123456789" -> 0xE3069283, as the last
        // four bytes of a state holding nothing else.
        let folder = try TemporaryDirectory("crc")
        defer { folder.remove() }
        for cuts in [[9], [1, 8], [4, 4, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1]] {
            let writer = try StateWriter(path: folder.path + "/state")
            var start = 0
            let bytes = Array("123456789".utf8)
            for cut in cuts {
                try bytes[start..<start + cut].withUnsafeBytes { try writer.bytes($0) }
                start += cut
            }
            try writer.finish()
            let written = try #require(FileManager.default.contents(atPath: folder.path + "/state"))
            #expect(Array(written) == bytes + [0x83, 0x92, 0x06, 0xE3], "cut as \(cuts)")
        }
    }

    @Test func crc32cOfALongStreamIsTheBitwiseOne() throws {
        // Long enough for the three-lane path (12 KiB blocks), and a remainder after them;
        // checked against CRC-32C worked out a bit at a time, fed whole and in small cuts
        // (which take the one-lane path).
        var state: UInt64 = 20180301
        let bytes = (0..<100_003).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        var reference: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            reference ^= UInt32(byte)
            for _ in 0..<8 { reference = reference & 1 == 1 ? (reference >> 1) ^ 0x82F6_3B78 : reference >> 1 }
        }
        reference = ~reference
        let folder = try TemporaryDirectory("crc-long")
        defer { folder.remove() }
        for cut in [bytes.count, 12_288, 7] {
            let writer = try StateWriter(path: folder.path + "/state")
            for start in stride(from: 0, to: bytes.count, by: cut) {
                try bytes[start..<min(start + cut, bytes.count)].withUnsafeBytes { try writer.bytes($0) }
            }
            try writer.finish()
            let written = try #require(FileManager.default.contents(atPath: folder.path + "/state"))
            #expect(Array(written.suffix(4)) == withUnsafeBytes(of: reference.littleEndian) { Array($0) }, "cut every \(cut) bytes")
        }
    }

    /// The writer gathers small writes in a 1 MiB buffer and writes a large one straight
    /// from the caller's memory: whatever the length and however the bytes were cut, around
    /// the buffer's end too, the file is the bytes fed and their checksum, nothing more.
    @Test func aStateIsTheBytesFedWhateverTheirLength() throws {
        let folder = try TemporaryDirectory("blocks")
        defer { folder.remove() }
        let buffer = 1 << 20
        var state: UInt64 = 20171231
        // A random run of a prime length, repeated: no block starts like another.
        let run = (0..<4099).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let longest = 2 * buffer + 1
        let bytes = [UInt8](unsafeUninitializedCapacity: longest) { target, count in
            for start in stride(from: 0, to: longest, by: run.count) {
                let taken = min(run.count, longest - start)
                run.withUnsafeBytes { UnsafeMutableRawPointer(target.baseAddress! + start).copyMemory(from: $0.baseAddress!, byteCount: taken) }
            }
            count = longest
        }
        for length in [0, 1, 4093, buffer - 4, buffer - 1, buffer, buffer + 1, 2 * buffer - 4, longest] {
            var trailers: [[UInt8]] = []
            // Cut in pieces of these lengths, in turn: a large piece after a small one too.
            for cuts in [[max(length, 1)], [buffer + 3], [buffer - 3], [4095], [5, buffer + 3]] {
                let writer = try StateWriter(path: folder.path + "/state")
                var (start, piece) = (0, 0)
                while start < length {
                    let end = min(start + cuts[piece % cuts.count], length)
                    try bytes[start..<end].withUnsafeBytes { try writer.bytes($0) }
                    (start, piece) = (end, piece + 1)
                }
                try writer.finish()
                let written = try #require(FileManager.default.contents(atPath: folder.path + "/state"))
                #expect(written.count == length + 4, "\(length) bytes cut as \(cuts)")
                let same = written.withUnsafeBytes { file in bytes.withUnsafeBytes { fed in length == 0 || memcmp(file.baseAddress!, fed.baseAddress!, length) == 0 } }
                #expect(same, "\(length) bytes cut as \(cuts)")
                trailers.append(Array(written.suffix(4)))
            }
            #expect(Set(trailers).count == 1, "\(length) bytes: one checksum however they were cut")
        }
    }

    /// An array mapped privately from a file is written a part at a time, and each part's
    /// pages are dropped from the process where they still hold the file's bytes: the
    /// state holds the run's changes, the mapping still reads them, and a page left as
    /// the file has it is no longer in the process once written.
    @Test func aMappedArrayIsWrittenWithItsChangesAndKeepsThem() throws {
        let folder = try TemporaryDirectory("mapped")
        defer { folder.remove() }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        // Two parts, the second not of whole pages.
        let count = StateWriter.releasedBytes + 5 * page + 123
        let original = (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 7) }
        try folder.write("source", bytes: original)
        let descriptor = open(folder.path + "/source", O_RDONLY)
        defer { close(descriptor) }
        let mapping = try #require(mmap(nil, count, PROT_READ | PROT_WRITE, MAP_PRIVATE, descriptor, 0))
        try #require(mapping != MAP_FAILED)
        defer { munmap(mapping, count) }
        var expected = original
        let changed = [7, StateWriter.releasedBytes + page + 1, count - 1]
        for index in changed {
            mapping.storeBytes(of: ~original[index], toByteOffset: index, as: UInt8.self)
            expected[index] = ~original[index]
        }
        let writer = try StateWriter(path: folder.path + "/state")
        try writer.mappedBytes(UnsafeRawBufferPointer(start: mapping, count: count))
        try writer.finish()

        /// Whether the page at `offset` of the mapping is in the process (pagemap's bit 63).
        func present(_ offset: Int) throws -> Bool {
            let pagemap = open("/proc/self/pagemap", O_RDONLY)
            defer { close(pagemap) }
            var entry: UInt64 = 0
            let address = Int(bitPattern: mapping) + offset
            try #require(pread(pagemap, &entry, 8, off_t(address / page * 8)) == 8)
            return entry & (1 << 63) != 0
        }
        #expect(try !present(3 * page))
        #expect(try !present(StateWriter.releasedBytes + 3 * page))
        #expect(try changed.allSatisfy(present))
        let written = try #require(FileManager.default.contents(atPath: folder.path + "/state"))
        // The first byte that differs, if any (the arrays are too long to print).
        #expect(zip(written.prefix(count), expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset == nil)
        #expect(written.count >= count)
        #expect(zip(UnsafeRawBufferPointer(start: mapping, count: count), expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset == nil)
    }

    /// With the arrays read (`mapBytes` 2^30), mapped (1), and mapped with their checksum
    /// worked out on a second thread (`jobs` 2) in pieces of a page.
    @Test(arguments: [(1 << 30, 1), (1, 1), (1, 2)])
    func aRunThatGoesOnFromTheStateEndsWhereAFullRunEnds(mapBytes: Int, jobs: Int) throws {
        let root = try TemporaryDirectory("state")
        defer { root.remove() }
        try Self.write(root, days: 0..<2)
        var none: [Dataset: DatasetIngest] = [:]
        let (first, firstRejects) = try Self.ingestAndSave(root, resuming: &none, mapBytes: mapBytes)
        #expect(firstRejects.count == 1)

        // A third night's export arrives; the state is read back and goes on.
        try Self.write(root, days: 2..<3)
        let folder = try Self.folder(root)
        let saved = try RunState.read(path: root.path + "/state", root: folder.root, datasets: GovStatsConfig().allDatasets, jobs: jobs, checksumPiece: 4096)
        #expect(saved.key == Self.key)
        var resumption = saved.resumable(in: folder, key: Self.key)
        #expect(resumption.files == 2)
        #expect(resumption.isWhole && resumption.datasets.count == 1)
        let rejects = try #require(resumption.rejects[Dataset.alarmCalls])
        #expect(rejects.map(\.path) == [root.path + "/state"])
        let stateBytes = try #require(FileManager.default.contents(atPath: root.path + "/state"))
        #expect(String(decoding: stateBytes[rejects[0].range], as: UTF8.self) == "rejected\nalarm_calls/2018-02-01.csv:4\n")
        var sink = CollectedRejects()
        let warm = try Self.stage().run(folder, resuming: &resumption.datasets, rejects: &sink)
        #expect(resumption.datasets.isEmpty, "the resumed ingest is taken, not copied")
        #expect(sink.rows.map { "\($0.file):\($0.line)" } == ["alarm_calls/2018-02-03.csv:4"])

        var fullSink = CollectedRejects()
        let full = try Self.stage().run(folder, rejects: &fullSink)
        #expect(fullSink.rows.map { "\($0.file):\($0.line)" } == ["alarm_calls/2018-02-01.csv:4", "alarm_calls/2018-02-03.csv:4"])
        let warmAlarms = try #require(warm.dataset(.alarmCalls))
        let fullAlarms = try #require(full.dataset(.alarmCalls))
        #expect(warmAlarms.files.map(Self.summary) == fullAlarms.files.map(Self.summary))
        #expect(Self.contents(warmAlarms.store) == Self.contents(fullAlarms.store))
        #expect(warmAlarms.files.map(counts) == [[3, 2, 1, 0, 0], [3, 1, 0, 2, 1], [3, 1, 1, 1, 1]])
        #expect(first.dataset(.alarmCalls)!.store.count == 3)
        #expect(warmAlarms.store.count == 4)
    }

    /// A run that read only new files writes a delta; read back, the base and the delta
    /// are the state a full run would write. A delta left from another state is not read.
    @Test(arguments: [1 << 30, 1])
    func aDeltaContinuesTheStateItNames(mapBytes: Int) throws {
        let root = try TemporaryDirectory("state")
        defer { root.remove() }
        try Self.write(root, days: 0..<1)
        var none: [Dataset: DatasetIngest] = [:]
        _ = try Self.ingestAndSave(root, resuming: &none, mapBytes: mapBytes)
        try Self.write(root, days: 1..<3)
        let folder = try Self.folder(root)
        let datasets = GovStatsConfig().allDatasets
        var resumption = try RunState.read(path: root.path + "/state", root: folder.root, datasets: datasets).resumable(in: folder, key: Self.key)
        #expect(resumption.files == 1 && resumption.isWhole && resumption.chain == 0)
        var sink = CollectedRejects()
        var warm = try Self.stage().run(folder, resuming: &resumption.datasets, rejects: &sink)
        _ = try root.write("rejects/alarm_calls.csv", "rejected\nalarm_calls/2018-02-01.csv:4\n" + sink.rows.map { "\($0.file):\($0.line)\n" }.joined())
        let writer = try StateWriter(path: root.path + "/state.1", mapBytes: mapBytes)
        try RunState.write(&warm, key: Self.key, delta: resumption, rejectsFolder: root.path + "/rejects", to: writer)

        let chained = try RunState.read(path: root.path + "/state", root: folder.root, datasets: datasets)
        #expect(chained.chain == 1)
        let full = try Self.stage().run(folder, rejects: &sink)
        #expect(chained.datasets[0].ingest.files.map(Self.summary) == full.datasets[0].files.map(Self.summary))
        #expect(Self.contents(chained.datasets[0].ingest.store) == Self.contents(full.datasets[0].store))
        let parts = chained.datasets[0].rejects
        #expect(parts.map(\.path) == [root.path + "/state", root.path + "/state.1"])
        let text = try parts.map { part in String(decoding: try #require(FileManager.default.contents(atPath: part.path))[part.range], as: UTF8.self) }.joined()
        #expect(text == "rejected\nalarm_calls/2018-02-01.csv:4\nalarm_calls/2018-02-03.csv:4\n")

        // The state written whole again: the delta names the old one and is not read.
        _ = try Self.ingestAndSave(root, resuming: &none)
        #expect(try RunState.read(path: root.path + "/state", root: folder.root, datasets: datasets).chain == 0)

        // A delta damaged where it names the state before it is told from a leftover by its
        // checksum: the state is not used.
        let deltaPath = root.path + "/state.1"
        var bytes = Array(try #require(FileManager.default.contents(atPath: deltaPath)))
        let chainAt = 8 + "govstats run state delta".utf8.count + 8 + 8 + 8
        bytes[chainAt] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: deltaPath))
        let damaged = #expect(throws: StateError.self) { try RunState.read(path: root.path + "/state", root: folder.root, datasets: datasets) }
        #expect(damaged?.description == "\(deltaPath) is damaged (its checksum does not match)")

        // Cut short to less than a checksum, or to nothing, it is no less damaged.
        for cut in [4, 0] {
            try Data(bytes[..<cut]).write(to: URL(fileURLWithPath: deltaPath))
            let short = #expect(throws: StateError.self) { try RunState.read(path: root.path + "/state", root: folder.root, datasets: datasets) }
            #expect(short?.description == "\(deltaPath) is cut short (\(cut) bytes)")
        }
    }

    /// Keys of one length are kept without the end of each; once a key of another length
    /// comes, in the files a state goes on with or in those it was made from, every end is
    /// kept. Either way a run that goes on from the state finds every key a full run finds.
    @Test(arguments: [1 << 30, 1])
    func keysOfAnotherLengthAreFoundAfterTheState(mapBytes: Int) throws {
        let root = try TemporaryDirectory("state")
        defer { root.remove() }
        let nights = [
            alarmHeader + Self.row("A1", 1, "宝山区", "盗窃") + Self.row("A2", 1, "闵行区", "纠纷"),
            // A key of three bytes after keys of two: new, then a duplicate and a conflict.
            alarmHeader + Self.row("A10", 2, "宝山区", "盗窃") + Self.row("A1", 1, "宝山区", "盗窃") + Self.row("A2", 1, "闵行区", "盗窃"),
            alarmHeader + Self.row("B300", 3, "闵行区", "诈骗") + Self.row("A10", 2, "宝山区", "纠纷") + Self.row("A2", 1, "闵行区", "纠纷"),
            alarmHeader + Self.row("A10", 2, "宝山区", "纠纷") + Self.row("C4", 4, "宝山区", "盗窃") + Self.row("B300", 3, "闵行区", "诈骗"),
        ]
        func write(_ night: Int) throws { try Self.writeExport(root, "2018-02-0\(night + 1)", nights[night]) }
        func goOn(delta: Int) throws {
            try Self.goOn(root, delta: delta, mapBytes: mapBytes, jobs: 2, checksumPiece: 4096)
        }
        let datasets = GovStatsConfig().allDatasets
        try write(0)
        var none: [Dataset: DatasetIngest] = [:]
        _ = try Self.ingestAndSave(root, resuming: &none, mapBytes: mapBytes)
        try write(1)
        try goOn(delta: 1)
        try write(2)
        try goOn(delta: 2)
        let folder = try Self.folder(root)
        let chained = try RunState.read(path: root.path + "/state", root: folder.root, datasets: datasets)
        #expect(chained.chain == 2)
        #expect(chained.datasets[0].ingest.files.map(counts) == [[2, 2, 0, 0, 0], [3, 1, 0, 2, 1], [3, 1, 0, 2, 2]])

        // Written whole with keys of three lengths, and read back.
        _ = try Self.ingestAndSave(root, resuming: &none, mapBytes: mapBytes)
        try write(3)
        try goOn(delta: 1)
        var sink = CollectedRejects()
        let full = try Self.stage().run(try Self.folder(root), rejects: &sink)
        #expect(full.datasets[0].files.map(counts).last == [3, 1, 0, 2, 0])
        #expect(full.datasets[0].store.count == 5)
    }

    /// Nights whose rows repeat thousands of old records, half of them with other values:
    /// a warm run lets go of the mapped pages it read them from every 1,024 such rows,
    /// and keeps what conflicts replaced (that night's, and the deltas' before it) beside
    /// the columns.
    @Test(arguments: [4096, 1])
    func rowsThatRepeatThousandsOfOldRecordsEndWhereAFullRunEnds(mapBytes: Int) throws {
        let root = try TemporaryDirectory("state")
        defer { root.remove() }
        let districts = ["宝山区", "闵行区", "长宁区"], categories = ["盗窃", "纠纷", "诈骗", "其他"]
        func rows(_ ids: some Sequence<Int>, shift: Int) -> String {
            ids.map { id in
                Self.row(String(format: "R%05d", id), 1 + id % 28, districts[id % 3], categories[(id / 3 + shift) % 4])
            }.joined()
        }
        func write(_ name: String, _ body: String) throws { try Self.writeExport(root, name, alarmHeader + body) }
        try write("2018-02-01", rows(0..<6_000, shift: 0))
        var none: [Dataset: DatasetIngest] = [:]
        _ = try Self.ingestAndSave(root, resuming: &none, mapBytes: mapBytes)
        func goOn(delta: Int) throws {
            try Self.goOn(root, delta: delta, mapBytes: mapBytes)
        }
        // A night of 400 conflicts (a delta), then one of 2,800 rows that repeat old
        // records, every other one with another category.
        try write("2018-02-02", rows(stride(from: 7, to: 6_000, by: 15), shift: 1))
        try goOn(delta: 1)
        try write("2018-02-03", rows(stride(from: 0, to: 5_600, by: 4), shift: 0) + rows(stride(from: 2, to: 5_600, by: 4), shift: 2))
        try goOn(delta: 2)
        // A night of new records: the two deltas' conflicts are applied again from them.
        try write("2018-02-04", rows(6_000..<6_010, shift: 0))
        try goOn(delta: 3)
        var sink = CollectedRejects()
        let full = try Self.stage().run(try Self.folder(root), rejects: &sink)
        #expect(full.datasets[0].files.map(counts) == [[6_000, 6_000, 0, 0, 0], [400, 0, 0, 400, 400], [2_800, 0, 0, 2_800, 1_493], [10, 10, 0, 0, 0]])
    }

    /// Conflicts with records of the state are kept beside its columns: written in a delta
    /// from there, read back into them, replaced again, and written into the columns when
    /// the state is written whole; one a column cannot hold as it is packed (a response
    /// time past two bytes) widens the column it is written into.
    @Test(arguments: [1 << 30, 4096, 1])
    func replacedRecordsOfTheStateAreWrittenWhenItIsWrittenWhole(mapBytes: Int) throws {
        let root = try TemporaryDirectory("state")
        defer { root.remove() }
        let categories = ["盗窃", "纠纷", "诈骗"]
        func rows(_ ids: some Sequence<Int>, shift: Int, seconds: Int = 300) -> String {
            ids.map { id in
                Self.row(String(format: "R%04d", id), 1 + id % 28, id % 2 == 0 ? "宝山区" : "闵行区", categories[(id + shift) % 3])
                    .replacingOccurrences(of: ",300,", with: ",\(seconds),")
            }.joined()
        }
        func write(_ name: String, _ body: String) throws { try Self.writeExport(root, name, alarmHeader + body) }
        let datasets = GovStatsConfig().allDatasets
        try write("2018-02-01", rows(0..<3_000, shift: 0))
        var none: [Dataset: DatasetIngest] = [:]
        _ = try Self.ingestAndSave(root, resuming: &none, mapBytes: mapBytes)
        // 300 conflicts, in a delta; then 200 of them again with yet another category and
        // 100 more, one of which the response column, packed in two bytes, cannot hold.
        try write("2018-02-02", rows(stride(from: 0, to: 3_000, by: 10), shift: 1))
        try Self.goOn(root, delta: 1, mapBytes: mapBytes)
        try write("2018-02-03", rows(stride(from: 0, to: 2_000, by: 10), shift: 2) + rows(stride(from: 5, to: 1_000, by: 10), shift: 1) + rows([2_999], shift: 0, seconds: 70_000))
        let full = try Self.goOn(root, delta: nil, mapBytes: mapBytes)
        #expect(full.datasets[0].files.map(counts) == [[3_000, 3_000, 0, 0, 0], [300, 0, 0, 300, 300], [301, 0, 0, 301, 301]])

        // The state written whole, read back with a night of new records.
        try write("2018-02-04", rows(3_000..<3_005, shift: 0))
        try Self.goOn(root, from: "/whole", delta: 1, mapBytes: mapBytes)
        let whole = try RunState.read(path: root.path + "/whole", root: try Self.folder(root).root, datasets: datasets)
        #expect(whole.chain == 1)
        var sink = CollectedRejects()
        let last = try Self.stage().run(try Self.folder(root), rejects: &sink)
        #expect(Self.contents(whole.datasets[0].ingest.store) == Self.contents(last.datasets[0].store))
        #expect(Array(last.datasets[0].store.slots(of: "response_seconds")[2_995..<3_001]) == [300, 300, 300, 300, 70_000, 300])
    }

    @Test func aChangedFileIsNotReused() throws {
        let root = try TemporaryDirectory("state")
        defer { root.remove() }
        try Self.write(root, days: 0..<2)
        var none: [Dataset: DatasetIngest] = [:]
        _ = try Self.ingestAndSave(root, resuming: &none)
        let folder = try Self.folder(root)
        let read = { try RunState.read(path: root.path + "/state", root: folder.root, datasets: GovStatsConfig().allDatasets) }
        #expect(try read().resumable(in: folder, key: Self.key).files == 2)

        // Another day: reused, as no outcome names the day of the run.
        var tomorrow = Self.key
        tomorrow.runDay = "2018-03-03"
        #expect(try read().resumable(in: folder, key: tomorrow).files == 2)
        // An earlier day may make an accepted date one in the future.
        var yesterday = Self.key
        yesterday.runDay = "2018-03-01"
        #expect(try read().resumable(in: folder, key: yesterday).files == 0)
        #expect(try read().resumable(in: folder, key: yesterday).readAgain == ["alarm_calls/2018-02-01.csv was read on 2018-03-02, a day later than this run's"])

        // The same bytes written again: the change time moved.
        let path = folder.files[Dataset.alarmCalls]![1].path
        let bytes = try #require(FileManager.default.contents(atPath: path))
        let modified = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date
        try bytes.write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: path)
        #expect(try read().resumable(in: folder, key: Self.key).files == 0)
        #expect(try read().resumable(in: folder, key: Self.key).readAgain == ["alarm_calls/2018-02-02.csv changed since it was read"])

        // A file modified after the state was written, even if it looks the same otherwise.
        _ = try Self.ingestAndSave(root, resuming: &none)
        #expect(try read().resumable(in: folder, key: Self.key).files == 2)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 3600)], ofItemAtPath: root.path + "/state")
        #expect(try read().resumable(in: folder, key: Self.key).files == 2)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: root.path + "/state")
        #expect(try read().resumable(in: folder, key: Self.key).files == 0)
        #expect(try read().resumable(in: folder, key: Self.key).readAgain == [
            "alarm_calls/2018-02-01.csv is dated no earlier than the run state that recorded it, so may have changed after it was read"
        ])

        // A file gone, and one new that sorts before a recorded one.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 3600)], ofItemAtPath: root.path + "/state")
        try FileManager.default.moveItem(atPath: path, toPath: root.path + "/data/alarm_calls/2018-02-00.csv")
        let renamed = try Self.folder(root)
        #expect(try read().resumable(in: renamed, key: Self.key).readAgain == ["alarm_calls/2018-02-00.csv is new and sorts before alarm_calls/2018-02-01.csv"])
        try FileManager.default.moveItem(atPath: root.path + "/data/alarm_calls/2018-02-00.csv", toPath: root.path + "/data/alarm_calls/2018-02-03.csv")
        #expect(try read().resumable(in: try Self.folder(root), key: Self.key).readAgain == ["alarm_calls/2018-02-02.csv is gone"])
    }

    @Test func filesJudgedInOneFolderAreJudgedAgainInAnother() throws {
        // What `read` found of the files as it judged a delta holds for the folder it was
        // given: a copy of the data elsewhere (other inodes) is judged afresh.
        let root = try TemporaryDirectory("state")
        defer { root.remove() }
        try Self.writeExport(root, "2018-02-01", alarmHeader + Self.row("A1", 1, "宝山区", "盗窃") + Self.row("A2", 1, "闵行区", "纠纷"))
        try Self.writeExport(root, "2018-02-02", alarmHeader + Self.row("A1", 1, "宝山区", "盗窃") + Self.row("A3", 2, "宝山区", "盗窃"))
        var none: [Dataset: DatasetIngest] = [:]
        _ = try Self.ingestAndSave(root, resuming: &none)
        try Self.writeExport(root, "2018-02-03", alarmHeader + Self.row("A2", 1, "闵行区", "诈骗"))
        try Self.goOn(root, delta: 1, mapBytes: 4096)
        let folder = try Self.folder(root)
        let read = { try RunState.read(path: root.path + "/state", root: folder.root, datasets: GovStatsConfig().allDatasets, folder: folder) }
        #expect(try read().chain == 1)
        #expect(try read().resumable(in: folder, key: Self.key).files == 3)
        let copy = try TemporaryDirectory("copy")
        defer { copy.remove() }
        try FileManager.default.copyItem(atPath: root.path + "/data", toPath: copy.path + "/data")
        #expect(try read().resumable(in: try Self.folder(copy), key: Self.key).files == 0)
        #expect(try read().resumable(in: try Self.folder(copy), key: Self.key).readAgain == ["alarm_calls/2018-02-01.csv changed since it was read"])
    }

    @Test func aFileRejectedAsInTheFutureIsReadAgainOnAnotherDay() throws {
        let root = try TemporaryDirectory("state")
        defer { root.remove() }
        _ = try root.write("data/alarm_calls/a.csv", alarmHeader + Self.row("A1", 1, "宝山区", "盗窃") + "A2,2018-03-05 10:00:00,宝山区,,报警,盗窃,,\n")
        var none: [Dataset: DatasetIngest] = [:]
        let (result, rejected) = try Self.ingestAndSave(root, resuming: &none)
        #expect(rejected.map(\.reason) == ["'2018-03-05 10:00:00' is in the future (after 2018-03-02, the day of this run)"])
        #expect(result.datasets[0].files[0].namesRunDay)
        let folder = try Self.folder(root)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: root.path + "/state")
        let saved = { try RunState.read(path: root.path + "/state", root: folder.root, datasets: GovStatsConfig().allDatasets) }
        #expect(try saved().resumable(in: folder, key: Self.key).files == 1)
        var tomorrow = Self.key
        tomorrow.runDay = "2018-03-03"
        #expect(try saved().resumable(in: folder, key: tomorrow).files == 0)
        #expect(try saved().resumable(in: folder, key: tomorrow).readAgain == ["alarm_calls/a.csv has rows refused as dated after 2018-03-02, the day it was read on"])
    }

    /// A state whose arrays span many pages, its checksum worked out in pieces of a page on
    /// two threads: the same state as read by one, and a byte changed in any array found.
    @Test func aChecksumInPiecesIsTheChecksumOfTheWhole() throws {
        let root = try TemporaryDirectory("state")
        defer { root.remove() }
        let rows = (0..<3_000).map { Self.row("P\($0)", 1 + $0 % 28, $0 % 3 == 0 ? "宝山区" : "闵行区", $0 % 5 == 0 ? "盗窃" : "纠纷") }
        try Self.writeExport(root, "2018-02-01", alarmHeader + rows.joined())
        var none: [Dataset: DatasetIngest] = [:]
        _ = try Self.ingestAndSave(root, resuming: &none, mapBytes: 1)
        let state = root.path + "/state"
        let datasets = GovStatsConfig().allDatasets
        let one = try RunState.read(path: state, root: root.path, datasets: datasets)
        let two = try RunState.read(path: state, root: root.path, datasets: datasets, jobs: 2, checksumPiece: 4096)
        #expect(two.checksum == one.checksum)
        let store = try #require(one.datasets.first?.ingest.store)
        #expect(Self.contents(try #require(two.datasets.first?.ingest.store)) == Self.contents(store))
        #expect(store.count == 3_000)
        let good = Array(try #require(FileManager.default.contents(atPath: state)))
        #expect(good.count > 16 * 4096)
        for at in stride(from: 4096 * 3 + 17, to: good.count - 4, by: 4096 * 2) {
            var bytes = good
            bytes[at] ^= 0x40
            try Data(bytes).write(to: URL(fileURLWithPath: state))
            #expect(throws: StateError.self, "a byte changed at \(at)") {
                try RunState.read(path: state, root: root.path, datasets: datasets, jobs: 2, checksumPiece: 4096)
            }
        }
    }

    @Test func aCountOfMoreThanTheFileHoldsIsCalledDamage() throws {
        let root = try TemporaryDirectory("state")
        defer { root.remove() }
        let path = root.path + "/state"
        let writer = try StateWriter(path: path)
        try writer.text("abc")
        try writer.finish()
        // Cut after the text's count, in a file without its length: it counts 3 bytes, none
        // of them left, and a cut cannot be told from damage.
        let whole = try #require(FileManager.default.contents(atPath: path))
        try Data(whole.prefix(8) + whole.suffix(4)).write(to: URL(fileURLWithPath: path))
        let reader = try StateReader(path: path)
        let text = #expect(throws: StateError.self) { try reader.text() }
        #expect(text?.description == "\(path) is damaged or cut short (a count of 3 of 1 byte each, with 0 bytes left)")
        // With its length, of the right size: a count of 8-byte items one short is damage.
        let counted = try StateWriter(path: path)
        try counted.reserveLength()
        try counted.integer(2)
        try counted.integer(7)
        try counted.finish()
        let countedReader = try StateReader(path: path)
        try countedReader.checkLength()
        let count = #expect(throws: StateError.self) { try countedReader.count(of: 8) }
        #expect(count?.description == "\(path) is damaged (a count of 2 of 8 bytes each, with 8 bytes left)")
    }

    /// A state records its length: one cut short anywhere after it says so, with both
    /// sizes, and one with bytes added is damaged.
    @Test func aStateCutShortIsNamedSo() throws {
        let root = try TemporaryDirectory("state")
        defer { root.remove() }
        let (path, good) = try Self.savedState(root, days: 0..<3, mapBytes: 1)
        let datasets = GovStatsConfig().allDatasets
        // The length follows the magic text (its count and 18 bytes) and the format; the
        // last 4 bytes of a file are taken for its checksum.
        let lengthEnd = 8 + 18 + 8 + 8
        for cut in [lengthEnd + 4, good.count / 2, good.count - 1] {
            try Data(good[..<cut]).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: StateError.self) { try RunState.read(path: path, root: root.path, datasets: datasets) }
            #expect(error?.description == "\(path) is cut short (\(cut) of \(good.count) bytes)")
        }
        // Cut before its length is whole: its size alone.
        try Data(good[..<lengthEnd]).write(to: URL(fileURLWithPath: path))
        let early = #expect(throws: StateError.self) { try RunState.read(path: path, root: root.path, datasets: datasets) }
        #expect(early?.description == "\(path) is cut short (\(lengthEnd) bytes)")
        try Data(good + [0]).write(to: URL(fileURLWithPath: path))
        let grown = #expect(throws: StateError.self) { try RunState.read(path: path, root: root.path, datasets: datasets) }
        #expect(grown?.description == "\(path) is damaged (\(good.count + 1) bytes, \(good.count) when written)")
    }

    /// A state of another format (an earlier build's, after an upgrade) says so, before
    /// anything else is read of it.
    @Test func aStateOfAnotherFormatIsAnotherBuilds() throws {
        let root = try TemporaryDirectory("state")
        defer { root.remove() }
        var (path, bytes) = try Self.savedState(root, days: 0..<1)
        // The format follows the magic text (its count and 18 bytes).
        bytes[8 + 18] -= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StateError.self) { try RunState.key(path: path) }
        #expect(error?.description == "\(path) was written by another build of govstats (its format is \(bytes[8 + 18]), this build's \(bytes[8 + 18] + 1))")
    }

    @Test(arguments: [(1 << 30, 1), (1, 1), (1, 2)])
    func aDamagedStateIsRefusedWhereverItIsDamaged(mapBytes: Int, jobs: Int) throws {
        let root = try TemporaryDirectory("state")
        defer { root.remove() }
        let (path, good) = try Self.savedState(root, days: 0..<3, mapBytes: mapBytes)
        let datasets = GovStatsConfig().allDatasets
        #expect(try RunState.read(path: path, root: root.path, datasets: datasets, jobs: jobs, checksumPiece: 4096).datasets.count == 1)
        var random = SplitMix(state: 7)
        // Cut short anywhere, a byte changed anywhere, bytes added: each is an error, never
        // a state read (nor a crash, nor a vast allocation).
        var damaged: [[UInt8]] = [Array(good.dropLast()), good + [0], good + good]
        for cut in stride(from: 0, to: good.count, by: max(1, good.count / 97)) { damaged.append(Array(good[..<cut])) }
        for _ in 0..<200 {
            var bytes = good
            let at = Int(random.next() % UInt64(bytes.count))
            bytes[at] ^= UInt8(1 + random.next() % 255)
            damaged.append(bytes)
        }
        for bytes in damaged {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(throws: StateError.self) { try RunState.read(path: path, root: root.path, datasets: datasets, jobs: jobs, checksumPiece: 4096) }
        }
        // And one of another format or for other datasets.
        #expect(throws: StateError.self) { try RunState.read(path: root.path + "/data/alarm_calls/2018-02-01.csv", root: root.path, datasets: datasets) }
        try Data(good).write(to: URL(fileURLWithPath: path))
        #expect(throws: StateError.self) { try RunState.read(path: path, root: root.path, datasets: [.burglaryReports]) }
    }
}
