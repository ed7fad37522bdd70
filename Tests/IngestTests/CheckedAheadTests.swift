import CSVReading
import Foundation
import Ingest
import Schema
import Testing
import TestSupport

/// A file whose start is UTF-8 is taken for UTF-8 and the rest is checked as it is read
/// (`IngestStage.checkingAhead`), instead of a first pass over the whole file. When a later
/// byte is not UTF-8 the ingest starts over with every file checked whole first: the
/// outcomes, the rejected rows (told to start over) and the standing records must equal
/// those of a run that checks every file first, at any number of jobs and chunk size.
@Suite struct CheckedAheadTests {
    static let ahead = 64

    /// Rows of `district` after the header, one rejected (a row of two fields) at line 2.
    static func rows(_ count: Int, prefix: String, district: String) -> String {
        var text = alarmHeader + "bad,row\n"
        for index in 0..<count { text += "\(prefix)\(index),2017-03-05 09:07:00,\(district),Luodian,110,theft,120,done\n" }
        return text
    }

    static func gb18030(_ text: String) throws -> [UInt8] {
        let encoder = try Transcoder(from: .utf8, to: .gb18030)
        var bytes: [UInt8] = []
        try Array(text.utf8).withUnsafeBytes { try encoder.convert($0, final: true, into: &bytes) }
        return bytes
    }

    /// a.csv: UTF-8 throughout (Chinese district names). b.csv: ASCII for 50,000 rows (2.8
    /// MB: past the 1 MiB blocks that the first chunk reads, so that with several jobs a
    /// chunk read on a worker meets the end), then a row in GB18030: the file is GB18030,
    /// which only its last bytes tell.
    static func folder() throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory("ahead")
        try folder.write("alarm_calls/a.csv", rows(2_000, prefix: "A", district: "宝山区"))
        try folder.write("alarm_calls/b.csv", bytes: Array(rows(50_000, prefix: "B", district: "Baoshan").utf8)
            + (try gb18030("Z1,2017-03-05 09:07:00,宝山区,罗店镇,报警,盗窃,120,已处置\n")))
        return folder
    }

    static func run(_ folder: TemporaryDirectory, config: GovStatsConfig, jobs: Int, chunkBytes: Int, hashing: Bool, ahead: Int?) throws -> (IngestResult, [RejectedRow]) {
        var sink = CollectedRejects()
        let stage = IngestStage(
            config: config, maxRejectPercent: ValueParser.amount("100"[...])!, jobs: jobs, chunkBytes: chunkBytes, hashing: hashing,
            checkingAhead: ahead)
        let result = try stage.run(try DataFolder.discover(root: folder.path), rejects: &sink)
        return (result, sink.rows)
    }

    @Test(arguments: [(1, 1 << 20, false), (2, 1 << 20, true), (2, 256 << 10, true), (2, 256 << 10, false), (3, 100_000, true)])
    func lateBytesThatAreNotUTF8GiveTheSameOutcome(jobs: Int, chunkBytes: Int, hashing: Bool) throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        var declared = GovStatsConfig()
        var settings = DatasetSettings()
        settings.encoding = .fixed(.utf8)
        declared.datasets[.alarmCalls] = settings
        for config in [GovStatsConfig(), declared] {
            let (first, firstRejects) = try Self.run(folder, config: config, jobs: jobs, chunkBytes: chunkBytes, hashing: hashing, ahead: nil)
            let (ahead, aheadRejects) = try Self.run(folder, config: config, jobs: jobs, chunkBytes: chunkBytes, hashing: hashing, ahead: Self.ahead)
            let files = try #require(ahead.dataset(.alarmCalls)?.files)
            #expect(files == first.dataset(.alarmCalls)?.files)
            #expect(ahead.refusals == first.refusals)
            #expect(aheadRejects == firstRejects)
            let store = ahead.dataset(.alarmCalls)!.store
            let reference = first.dataset(.alarmCalls)!.store
            #expect(store.count == reference.count)
            for spec in DatasetKind.alarmCalls.columns {
                #expect(store.slots(of: spec.name).elementsEqual(reference.slots(of: spec.name)), "\(spec.name)")
            }
            #expect(store.texts(of: "district") == reference.texts(of: "district"))
            if config == declared {
                #expect(files.map(\.encoding) == [.utf8, .utf8])
                #expect(ahead.refusals == [
                    "alarm_calls/b.csv: file refused: not valid utf-8 (declared in the config): byte at offset \(Self.rows(50_000, prefix: "B", district: "Baoshan").utf8.count + "Z1,2017-03-05 09:07:00,".utf8.count) cannot be decoded",
                ])
                #expect(aheadRejects.map(\.file) == ["alarm_calls/a.csv"])
            } else {
                // The rejected row of each file once, though b.csv's was met before the start over.
                #expect(files.map(\.encoding) == [.utf8, .gb18030])
                #expect(files.map(\.accepted) == [2_000, 50_001])
                #expect(aheadRejects.map(\.file) == ["alarm_calls/a.csv", "alarm_calls/b.csv"])
                #expect(store.texts(of: "district") == ["宝山区", "Baoshan"])
            }
            #expect(files[0].sha256.count == (hashing ? 64 : 0))
        }
    }

    /// A file taken for UTF-8 by its start and refused by its header (a required column
    /// missing) is not read on, yet its refusal names the encoding: the rest is checked
    /// all the same, and GB18030 after all makes the ingest start over, so the refusal is
    /// the one a whole first pass gives.
    @Test(arguments: [1, 2])
    func fileRefusedByItsHeaderIsStillCheckedWhole(jobs: Int) throws {
        let folder = try TemporaryDirectory("ahead")
        defer { folder.remove() }
        let header = "call_id,district,street,call_type,category\n"
        var text = header
        // Past the first block read (1 MiB), which is checked whole even where a chunk stops.
        for index in 0..<40_000 { text += "B\(index),Baoshan,Luodian,110,theft\n" }
        try folder.write("alarm_calls/b.csv", bytes: Array(text.utf8) + (try Self.gb18030("Z1,宝山区,罗店镇,报警,盗窃\n")))
        try folder.write("alarm_calls/c.csv", text)
        #expect(text.utf8.count > 1 << 20)
        let (first, _) = try Self.run(folder, config: GovStatsConfig(), jobs: jobs, chunkBytes: 4096, hashing: false, ahead: nil)
        let (ahead, _) = try Self.run(folder, config: GovStatsConfig(), jobs: jobs, chunkBytes: 4096, hashing: false, ahead: Self.ahead)
        #expect(ahead.refusals == first.refusals)
        #expect(ahead.dataset(.alarmCalls)?.files == first.dataset(.alarmCalls)?.files)
        #expect(ahead.refusals == [
            "alarm_calls/b.csv: file refused: missing required column 'received_at' (read as gb18030)",
            "alarm_calls/c.csv: file refused: missing required column 'received_at' (read as utf-8)",
        ])
    }

    /// When the shortcut applies: a file that may be UTF-8, larger than what is checked
    /// ahead, whose start is UTF-8; and not with one job and a sha256 to work out (the file
    /// is read first for it anyway).
    @Test func whenTheStartAloneIsChecked() throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let a = folder.path + "/alarm_calls/a.csv"
        let b = folder.path + "/alarm_calls/b.csv"
        let small = try folder.write("alarm_calls/c.csv", String(repeating: "x", count: Self.ahead))
        // GB18030 from its header on.
        let notUTF8 = try folder.write("alarm_calls/d.csv", bytes: try Self.gb18030(
            "接警编号,接警时间,所属区,街镇,警情类型,警情类别,到场用时,处置结果\n" + Self.rows(10, prefix: "D", district: "宝山区").drop { $0 != "\n" }.dropFirst()))
        func checkedAsRead(_ path: String, _ setting: EncodingSetting = .auto, jobs: Int = 1, hashing: Bool = false, ahead: Int? = Self.ahead) throws -> Bool {
            try FileScan.scan(path: path, setting: setting, jobs: jobs, hashing: hashing, checkingAhead: ahead).get().utf8CheckedAsRead
        }
        #expect(try checkedAsRead(a))
        #expect(try checkedAsRead(b))
        #expect(try checkedAsRead(a, jobs: 2, hashing: true))
        #expect(try checkedAsRead(a, .fixed(.utf8)))
        #expect(try !checkedAsRead(a, jobs: 1, hashing: true))
        #expect(try !checkedAsRead(a, ahead: nil))
        #expect(try !checkedAsRead(b, .fixed(.gb18030)))
        #expect(try !checkedAsRead(small))
        #expect(try !checkedAsRead(notUTF8))
        // Taken for UTF-8 on the strength of its start, b.csv's scan says UTF-8; a whole
        // first pass says GB18030.
        #expect(try FileScan.scan(path: b, setting: .auto, hashing: false, checkingAhead: Self.ahead).get().encoding == .utf8)
        #expect(try FileScan.scan(path: b, setting: .auto, hashing: false).get().encoding == .gb18030)
    }
}
