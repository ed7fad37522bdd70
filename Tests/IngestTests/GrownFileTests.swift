import CSVReading
import Foundation
import Ingest
import Schema
import Testing
import TestSupport

/// A file the run state recorded that grew in place since (an export appended to, or
/// written again longer): a run reads only its rows after the recorded end, and ends where
/// a run over every file ends; a file that changed before that end, or whose rows could
/// read otherwise once longer, is read whole.
@Suite struct GrownFileTests {
    static let row = RunStateTests.row

    /// The first night: two exports, the second to be appended to.
    static let first = alarmHeader + row("A1", 1, "宝山区", "盗窃") + row("A2", 1, "闵行区", "纠纷") + "A3,not a date,宝山区,,报警,盗窃,,\n"
    static let second = alarmHeader + row("A4", 2, "宝山区", "盗窃") + row("A1", 1, "宝山区", "盗窃") + "\n" + row("A5", 2, "闵行区", "诈骗")
    /// Appended: a duplicate, a conflict of each file's records, a rejected row, a new record.
    static let appended = row("A1", 1, "宝山区", "盗窃") + row("A2", 1, "闵行区", "诈骗") + row("A5", 2, "闵行区", "纠纷")
        + "A6,2018-02-31 10:00:00,宝山区,,报警,盗窃,,\n" + row("A7", 3, "宝山区", "盗窃")

    static func stage(jobs: Int) -> IngestStage {
        var config = GovStatsConfig()
        config.runDay = LocalDate(year: 2018, month: 3, day: 2)
        var stage = IngestStage(config: config, maxRejectPercent: ValueParser.amount("100"[...])!, jobs: jobs, chunkBytes: 64)
        stage.keepsKeys = true
        return stage
    }

    /// Reads the folder (going on from its state with `goingOn`) and writes its state: whole
    /// (beside the state it went on from, which its store maps, then put in its place), or
    /// as delta `delta`. Returns what it went on from.
    @discardableResult
    static func save(_ root: TemporaryDirectory, jobs: Int = 1, goingOn: Bool = false, delta: Int? = nil) throws -> Resumption {
        var resumption = goingOn ? try resumption(root) : Resumption()
        var sink = CollectedRejects()
        var result = try stage(jobs: jobs).run(try RunStateTests.folder(root), resuming: &resumption.datasets, rejects: &sink)
        try FileManager.default.createDirectory(atPath: root.path + "/rejects", withIntermediateDirectories: true)
        for ingest in result.datasets { _ = try root.write("rejects/\(ingest.dataset.name).csv", "rejected\n") }
        let path = root.path + (delta.map { "/state.\($0)" } ?? "/state.new")
        let writer = try StateWriter(path: path, mapBytes: 4096)
        try RunState.write(&result, key: RunStateTests.key, delta: delta == nil ? nil : resumption, rejectsFolder: root.path + "/rejects", to: writer)
        if delta == nil { #expect(rename(path, root.path + "/state") == 0) }
        return resumption
    }

    /// The first export recorded by `state`, then the second by `state.1`.
    static func twoNights(_ root: TemporaryDirectory, jobs: Int = 1) throws {
        try RunStateTests.writeExport(root, "2018-02-01", first)
        try save(root, jobs: jobs)
        try RunStateTests.writeExport(root, "2018-02-02", second)
        try save(root, jobs: jobs, goingOn: true, delta: 1)
    }

    static func resumption(_ root: TemporaryDirectory) throws -> Resumption {
        let folder = try RunStateTests.folder(root)
        return try RunState.read(path: root.path + "/state", root: folder.root, datasets: GovStatsConfig().allDatasets, folder: folder)
            .resumable(in: folder, key: RunStateTests.key)
    }

    static func append(_ root: TemporaryDirectory, _ name: String, _ text: String) throws {
        try append(root, name, bytes: Array(text.utf8))
    }

    static func append(_ root: TemporaryDirectory, _ name: String, bytes: [UInt8]) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: root.path + "/data/alarm_calls/\(name).csv"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes))
        try handle.close()
        // Modified well before the state that records it is written (not in its clock tick).
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: root.path + "/data/alarm_calls/\(name).csv")
    }

    /// Goes on from the state and checks the run against one over every file: the same
    /// outcomes, store and rejected rows. Returns the rejected rows the run read.
    /// `readAgain`: why recorded files are read again, as the run says it.
    @discardableResult
    static func goOnAsAFullRun(_ root: TemporaryDirectory, jobs: Int, grown: [String], reused: Int, readAgain: [String] = []) throws -> [String] {
        var resumption = try resumption(root)
        #expect(resumption.grownFiles == grown)
        #expect(resumption.files == reused)
        #expect(resumption.readAgain == readAgain)
        var sink = CollectedRejects()
        let folder = try RunStateTests.folder(root)
        let warm = try stage(jobs: jobs).run(folder, resuming: &resumption.datasets, rejects: &sink)
        var fullSink = CollectedRejects()
        let full = try stage(jobs: jobs).run(folder, rejects: &fullSink)
        let (warmAlarms, fullAlarms) = (try #require(warm.dataset(.alarmCalls)), try #require(full.dataset(.alarmCalls)))
        #expect(warmAlarms.files.map(RunStateTests.summary) == fullAlarms.files.map(RunStateTests.summary))
        #expect(warmAlarms.files.map(\.endLine) == fullAlarms.files.map(\.endLine))
        #expect(warmAlarms.files.map(\.version) == fullAlarms.files.map(\.version))
        #expect(RunStateTests.contents(warmAlarms.store) == RunStateTests.contents(fullAlarms.store))
        let rows = { (sink: CollectedRejects) in sink.rows.map { "\($0.file):\($0.line) \($0.reason)" } }
        #expect(Array(rows(fullSink).suffix(sink.rows.count)) == rows(sink))
        return rows(sink)
    }

    @Test(arguments: [1, 2])
    func aFileThatGrewIsReadFromWhereItEnded(jobs: Int) throws {
        let root = try TemporaryDirectory("grown")
        defer { root.remove() }
        try RunStateTests.writeExport(root, "2018-02-01", Self.first)
        try RunStateTests.writeExport(root, "2018-02-02", Self.second)
        try Self.save(root, jobs: jobs)

        try Self.append(root, "2018-02-02", Self.appended)
        let read = try Self.goOnAsAFullRun(root, jobs: jobs, grown: ["alarm_calls/2018-02-02.csv"], reused: 1)
        // Its header and first rows were not read again: only the row appended is rejected.
        #expect(read == ["alarm_calls/2018-02-02.csv:9 '2018-02-31 10:00:00' is not a valid date and time"])
    }

    /// The night's export, recorded by a delta, sent again longer, and the next night's
    /// after it: the delta is read, the rows appended and the new file then.
    @Test(arguments: [1, 2])
    func aFileADeltaRecordedGrowsAndANewFileFollows(jobs: Int) throws {
        let root = try TemporaryDirectory("grown")
        defer { root.remove() }
        try Self.twoNights(root, jobs: jobs)
        try Self.append(root, "2018-02-02", Self.appended)
        try RunStateTests.writeExport(root, "2018-02-03", alarmHeader + Self.row("A2", 1, "闵行区", "盗窃") + Self.row("A8", 3, "宝山区", "诈骗"))
        let read = try Self.goOnAsAFullRun(root, jobs: jobs, grown: ["alarm_calls/2018-02-02.csv"], reused: 1)
        #expect(read == ["alarm_calls/2018-02-02.csv:9 '2018-02-31 10:00:00' is not a valid date and time"])
    }

    /// A file that grows night after night is read from where it ended each night, its
    /// state written whole, or by each night's delta recording it again (as a nightly run
    /// does); a night with no change reuses it.
    @Test(arguments: [1, 2], [false, true])
    func aFileThatGrowsNightAfterNightIsReadFromWhereItEndedEachNight(jobs: Int, byDeltas: Bool) throws {
        let root = try TemporaryDirectory("grown")
        defer { root.remove() }
        try RunStateTests.writeExport(root, "2018-02-01", Self.first)
        try RunStateTests.writeExport(root, "2018-02-02", Self.second)
        try Self.save(root, jobs: jobs)
        for night in 1...3 {
            try Self.append(root, "2018-02-02", Self.row("B\(night)", night, "闵行区", "盗窃") + Self.row("A4", 2, "宝山区", "纠纷"))
            try Self.goOnAsAFullRun(root, jobs: jobs, grown: ["alarm_calls/2018-02-02.csv"], reused: 1)
            #expect(try Self.save(root, jobs: jobs, goingOn: true, delta: byDeltas ? night : nil).chain == (byDeltas ? night - 1 : 0))
        }
        #expect(try Self.resumption(root).chain == (byDeltas ? 3 : 0))
        try Self.goOnAsAFullRun(root, jobs: jobs, grown: [], reused: 2)
    }

    /// A file a delta recorded, which grew (a second delta recorded it again), then changed
    /// at its new size (found by RunStatePropertyTests): the second delta is not applied.
    /// Changed before the first recorded end, the first is not either, and the run goes
    /// back to the state before that night; changed after it, the run goes on from the
    /// first delta and reads the rows after its end.
    @Test(arguments: [true, false])
    func aGrownFileChangedAgainGoesBackAsFarAsItMust(beforeTheFirstEnd: Bool) throws {
        let root = try TemporaryDirectory("grown")
        defer { root.remove() }
        try Self.twoNights(root)
        try Self.append(root, "2018-02-02", Self.appended)
        #expect(try Self.save(root, goingOn: true, delta: 2).grownFiles == ["alarm_calls/2018-02-02.csv"])
        #expect(try Self.resumption(root).chain == 2)

        // The same size, other bytes: its first two rows swapped, or a call's district
        // changed in the rows appended.
        let text = Self.second + Self.appended
        let rows = text.split(separator: "\n", omittingEmptySubsequences: false)
        let changed = beforeTheFirstEnd
            ? ([rows[0], rows[2], rows[1]] + rows[3...]).joined(separator: "\n")
            : Self.second + Self.appended.replacingOccurrences(of: "A7,2018-02-03 10:00:00,宝山区", with: "A7,2018-02-03 10:00:00,闵行区")
        #expect(changed.utf8.count == text.utf8.count && changed != text)
        try RunStateTests.writeExport(root, "2018-02-02", changed)
        #expect(try Self.resumption(root).chain == (beforeTheFirstEnd ? 0 : 1))
        try Self.goOnAsAFullRun(root, jobs: 1, grown: beforeTheFirstEnd ? [] : ["alarm_calls/2018-02-02.csv"], reused: 1, readAgain: ["alarm_calls/2018-02-02.csv changed since it was read"])
    }

    /// A night's export sent again longer, but with a row inserted before its end (found by
    /// `make bench`'s night sent again): the run goes back to the state before that night
    /// and reads the file whole, not the dataset.
    @Test func aNightsFileLongerButChangedBeforeItsEndGoesBackANight() throws {
        let root = try TemporaryDirectory("grown")
        defer { root.remove() }
        try Self.twoNights(root)
        try RunStateTests.writeExport(root, "2018-02-02", Self.second.replacingOccurrences(of: "\n\n", with: "\n" + Self.row("A9", 2, "宝山区", "诈骗")))
        #expect(try Self.resumption(root).chain == 0)
        try Self.goOnAsAFullRun(root, jobs: 1, grown: [], reused: 1, readAgain: ["alarm_calls/2018-02-02.csv changed since it was read"])
    }

    /// A GB18030 export and a UTF-8 one with a byte order mark grow as any other; an ASCII
    /// export read as UTF-8 that grows by GB18030 rows is read whole (as GB18030 then).
    @Test(arguments: ["gb18030", "bom", "ascii then gb18030"])
    func encodingsAndAByteOrderMark(_ kind: String) throws {
        let root = try TemporaryDirectory("grown")
        defer { root.remove() }
        let path = root.path + "/data/alarm_calls/2018-02-01.csv"
        let ascii = alarmHeader + "A1,2018-02-01 10:00:00,Baoshan,,110,theft,300,done\n"
        let before: [UInt8] = switch kind {
        case "gb18030": try CheckedAheadTests.gb18030(Self.first)
        case "bom": Array(("\u{FEFF}" + Self.first).utf8)
        default: Array(ascii.utf8)
        }
        try RunStateTests.writeExport(root, "2018-02-01", "")
        try Data(before).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: path)
        try Self.save(root)
        try Self.append(root, "2018-02-01", bytes: kind == "bom" ? Array(Self.appended.utf8) : try CheckedAheadTests.gb18030(Self.appended))
        let grown = kind == "ascii then gb18030" ? [] : ["alarm_calls/2018-02-01.csv"]
        let readAgain = grown.isEmpty ? ["alarm_calls/2018-02-01.csv changed since it was read"] : []
        let read = try Self.goOnAsAFullRun(root, jobs: 1, grown: grown, reused: 0, readAgain: readAgain)
        if !grown.isEmpty { #expect(read == ["alarm_calls/2018-02-01.csv:8 '2018-02-31 10:00:00' is not a valid date and time"]) }
    }

    /// The grown file's delta, then nights that added another dataset's files only: those
    /// deltas are applied too, and only the rows appended are read.
    @Test func nightsOfAnotherDatasetAfterAGrownFilesAreReused() throws {
        let root = try TemporaryDirectory("grown")
        defer { root.remove() }
        let burglaryHeader = "case_id,reported_at,district,street,community,premises,loss_yuan,status\n"
        func burglary(_ day: Int) throws {
            let path = try root.write("data/burglary_reports/2018-02-0\(day).csv", burglaryHeader + "K\(day),2018-02-0\(day) 09:00:00,宝山区,,康城,住宅,100,已立案\n")
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: path)
        }
        try RunStateTests.writeExport(root, "2018-02-01", Self.first)
        try burglary(1)
        try Self.save(root)
        try RunStateTests.writeExport(root, "2018-02-02", Self.second)
        for night in 1...3 {
            if night > 1 { try burglary(night) }
            #expect(try Self.save(root, goingOn: true, delta: night).chain == night - 1)
        }
        try Self.append(root, "2018-02-02", Self.appended)
        #expect(try Self.resumption(root).chain == 3)
        try Self.goOnAsAFullRun(root, jobs: 1, grown: ["alarm_calls/2018-02-02.csv"], reused: 4)
        // Once an alarm export came after it, rows appended to it are a change to a file the
        // state recorded: its dataset is read whole (the other goes on).
        try Self.save(root)
        try RunStateTests.writeExport(root, "2018-02-03", alarmHeader + Self.row("A9", 3, "宝山区", "盗窃"))
        try Self.save(root, goingOn: true, delta: 1)
        try Self.append(root, "2018-02-02", Self.row("B1", 2, "宝山区", "盗窃"))
        try Self.goOnAsAFullRun(root, jobs: 1, grown: [], reused: 3, readAgain: ["alarm_calls/2018-02-02.csv changed since it was read"])
    }

    /// A file that grew after others came after it is read with them, in order.
    @Test func aGrownFileThatIsNotTheLastIsReadWhole() throws {
        let root = try TemporaryDirectory("grown")
        defer { root.remove() }
        try RunStateTests.writeExport(root, "2018-02-01", Self.first)
        try RunStateTests.writeExport(root, "2018-02-02", Self.second)
        try Self.save(root)
        try Self.append(root, "2018-02-01", Self.appended)
        try Self.goOnAsAFullRun(root, jobs: 1, grown: [], reused: 0, readAgain: ["alarm_calls/2018-02-01.csv changed since it was read"])
    }

    /// A delta's file that grew after the next night's file came: the run goes back to that
    /// delta, reads the rows appended, then the next night's file again, and says why.
    @Test func aFileThatGrewAfterTheNextNightIsReadBeforeItAgain() throws {
        let root = try TemporaryDirectory("grown")
        defer { root.remove() }
        try Self.twoNights(root)
        try RunStateTests.writeExport(root, "2018-02-03", alarmHeader + Self.row("A8", 3, "宝山区", "诈骗"))
        try Self.save(root, goingOn: true, delta: 2)
        try Self.append(root, "2018-02-02", Self.appended)
        #expect(try Self.resumption(root).chain == 1)
        try Self.goOnAsAFullRun(root, jobs: 1, grown: ["alarm_calls/2018-02-02.csv"], reused: 1, readAgain: ["alarm_calls/2018-02-02.csv grew after files that sort after it were read"])
    }

    /// Grown, but not by rows appended after the recorded end (or not sure to read the same).
    static let changes: [(String, before: String, after: [UInt8])] = [
        ("the recorded bytes changed", first, Array((first.replacingOccurrences(of: "A2,", with: "A8,") + appended).utf8)),
        ("no line break after the last record", String(first.dropLast()), Array((String(first.dropLast()) + appended).utf8)),
        ("a quote left open at the end", first + "A9,\"2018-02-01\n", Array((first + "A9,\"2018-02-01\n" + appended).utf8)),
        ("bytes after the end that are not UTF-8", first, Array((first + "A9,2018-02-03 10:00:00,宝山区,").utf8) + [0xFF] + Array(",报警,盗窃,,\n".utf8)),
        ("no longer", first, Array(first.replacingOccurrences(of: "A2,", with: "A8,").utf8)),
        ("shorter", first, Array((String(first.dropLast(20)) + "\n").utf8)),
    ]

    @Test(arguments: changes.indices)
    func aFileChangedOtherwiseIsReadWhole(_ index: Int) throws {
        let (change, before, after) = Self.changes[index]
        let root = try TemporaryDirectory("grown")
        defer { root.remove() }
        try RunStateTests.writeExport(root, "2018-02-01", before)
        try Self.save(root)
        let path = root.path + "/data/alarm_calls/2018-02-01.csv"
        try Data(after).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: path)
        let resumption = try Self.resumption(root)
        #expect(resumption.grownFiles == [], "\(change)")
        #expect(resumption.datasets.isEmpty, "\(change)")
        #expect(resumption.readAgain == ["alarm_calls/2018-02-01.csv changed since it was read"], "\(change)")
    }
}
