import CSVReading
import Foundation
import Ingest
import Schema
import Testing
import TestSupport

/// A file whose start decodes (as UTF-8, or else as GB18030) is taken to be in that
/// encoding and the rest is checked as it is read (`IngestStage.checkingAhead`), instead of
/// a first pass over the whole file. When a later byte does not decode the ingest starts
/// over with every file checked whole first: the outcomes, the rejected rows (told to start
/// over) and the standing records must equal those of a run that checks every file first,
/// at any number of jobs and chunk size.
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

    /// a.csv: UTF-8 throughout (Chinese district names), after a byte order mark. b.csv: ASCII for 50,000 rows (2.8
    /// MB: past the 1 MiB blocks that the first chunk reads, so that with several jobs a
    /// chunk read on a worker meets the end), then a row in GB18030: the file is GB18030,
    /// which only its last bytes tell.
    static func folder() throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory("ahead")
        try folder.write("alarm_calls/a.csv", "\u{FEFF}" + rows(2_000, prefix: "A", district: "宝山区"))
        try folder.write("alarm_calls/b.csv", bytes: Array(rows(50_000, prefix: "B", district: "Baoshan").utf8)
            + (try gb18030("Z1,2017-03-05 09:07:00,宝山区,罗店镇,报警,盗窃,120,已处置\n")))
        return folder
    }

    /// Text with its header in Chinese, so that in GB18030 its start is not UTF-8, and 30,000
    /// rows (1.8 MB in GB18030).
    static func gbText(_ prefix: String) -> String {
        chineseHeader + rows(30_000, prefix: prefix, district: "宝山区").drop { $0 != "\n" }.dropFirst()
    }
    static let chineseHeader = "接警编号,接警时间,所属区,街镇,警情类型,警情类别,到场用时,处置结果\n"

    /// c.csv: `gbText` in GB18030, then a byte that starts no GB18030 character (0xFF, at `cLastByte`):
    /// taken for GB18030 by its start, it is refused. d.csv: `gbText` in GB18030 alone.
    /// a.csv as in `folder()`.
    static func gb18030Folder() throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory("ahead")
        try folder.write("alarm_calls/a.csv", rows(2_000, prefix: "A", district: "宝山区"))
        try folder.write("alarm_calls/c.csv", bytes: try gb18030(gbText("C")) + Array("Z2,\u{7F}".utf8) + [0xFF, 0x0A])
        try folder.write("alarm_calls/d.csv", bytes: try gb18030(gbText("D")))
        return folder
    }

    static var cLastByte: Int {
        get throws { try gb18030(gbText("C")).count + 4 }
    }

    static func run(_ folder: TemporaryDirectory, config: GovStatsConfig, jobs: Int, chunkBytes: Int, hashing: Bool, ahead: Int?) throws -> (IngestResult, [RejectedRow]) {
        var sink = CollectedRejects()
        let stage = IngestStage(
            config: config, maxRejectPercent: ValueParser.amount("100"[...])!, jobs: jobs, chunkBytes: chunkBytes, hashing: hashing,
            checkingAhead: ahead)
        let result = try stage.run(try DataFolder.discover(root: folder.path), rejects: &sink)
        return (result, sink.rows)
    }

    /// The folder read with the shortcut and with every file checked whole first: the
    /// outcomes, refusals, rejected rows and standing records must be equal. Returns the
    /// former's. With one job and `hashing`, the shortcut's sha256 is worked out by the
    /// reader (`FileScan.hashedAsRead`), the other's by the first pass.
    static func compared(_ folder: TemporaryDirectory, config: GovStatsConfig, jobs: Int, chunkBytes: Int, hashing: Bool) throws -> (IngestResult, [RejectedRow]) {
        let (first, firstRejects) = try run(folder, config: config, jobs: jobs, chunkBytes: chunkBytes, hashing: hashing, ahead: nil)
        let (ahead, aheadRejects) = try run(folder, config: config, jobs: jobs, chunkBytes: chunkBytes, hashing: hashing, ahead: Self.ahead)
        let files = try #require(ahead.dataset(.alarmCalls)?.files)
        #expect(files == first.dataset(.alarmCalls)?.files)
        #expect(ahead.refusals == first.refusals)
        #expect(aheadRejects == firstRejects)
        let store = ahead.dataset(.alarmCalls)!.store
        let reference = first.dataset(.alarmCalls)!.store
        #expect(store.count == reference.count)
        for spec in Dataset.alarmCalls.columns {
            #expect(store.slots(of: spec.name).elementsEqual(reference.slots(of: spec.name)), "\(spec.name)")
        }
        #expect(store.texts(of: "district") == reference.texts(of: "district"))
        // A file refused as undecodable is refused before it is hashed.
        #expect(files.map(\.sha256.count) == files.map { hashing && $0.decoded ? 64 : 0 })
        return (ahead, aheadRejects)
    }

    static func declaring(_ encoding: TextEncoding) -> GovStatsConfig {
        var config = GovStatsConfig()
        var settings = DatasetSettings()
        settings.encoding = .fixed(encoding)
        config.datasets[.alarmCalls] = settings
        return config
    }

    static let readings: [(Int, Int, Bool)] = [(1, 1 << 20, false), (1, 1 << 20, true), (2, 1 << 20, true), (2, 256 << 10, true), (2, 256 << 10, false), (3, 100_000, true)]

    @Test(arguments: readings)
    func lateBytesThatAreNotUTF8GiveTheSameOutcome(jobs: Int, chunkBytes: Int, hashing: Bool) throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let (auto, autoRejects) = try Self.compared(folder, config: GovStatsConfig(), jobs: jobs, chunkBytes: chunkBytes, hashing: hashing)
        // The rejected row of each file once, though b.csv's was met before the start over.
        let files = try #require(auto.dataset(.alarmCalls)?.files)
        #expect(files.map(\.encoding) == [.utf8, .gb18030])
        #expect(files.map(\.accepted) == [2_000, 50_001])
        #expect(autoRejects.map(\.file) == ["alarm_calls/a.csv", "alarm_calls/b.csv"])
        #expect(auto.dataset(.alarmCalls)!.store.texts(of: "district") == ["宝山区", "Baoshan"])

        let (declared, declaredRejects) = try Self.compared(folder, config: Self.declaring(.utf8), jobs: jobs, chunkBytes: chunkBytes, hashing: hashing)
        #expect(declared.dataset(.alarmCalls)?.files.map(\.encoding) == [.utf8, .utf8])
        #expect(declared.refusals == [
            "alarm_calls/b.csv: file refused: not valid utf-8 (declared in the config): byte at offset \(Self.rows(50_000, prefix: "B", district: "Baoshan").utf8.count + "Z1,2017-03-05 09:07:00,".utf8.count) (line 50003) cannot be decoded",
        ])
        #expect(declaredRejects.map(\.file) == ["alarm_calls/a.csv"])
    }

    /// As above for files taken for GB18030 by their start: one whose last byte is not
    /// GB18030 is refused as a whole first pass refuses it, the start over dropping what was
    /// read of it; one that is GB18030 throughout reads as with a whole first pass. Declared
    /// GB18030, a.csv (UTF-8) reads as whatever a whole first pass makes of it.
    @Test(arguments: readings)
    func lateBytesThatAreNotGB18030GiveTheSameOutcome(jobs: Int, chunkBytes: Int, hashing: Bool) throws {
        let folder = try Self.gb18030Folder()
        defer { folder.remove() }
        let (auto, autoRejects) = try Self.compared(folder, config: GovStatsConfig(), jobs: jobs, chunkBytes: chunkBytes, hashing: hashing)
        let files = try #require(auto.dataset(.alarmCalls)?.files)
        #expect(files.map(\.encoding) == [.utf8, .gb18030, .gb18030])
        #expect(files.map(\.decoded) == [true, false, true])
        #expect(files.map(\.accepted) == [2_000, 0, 30_000])
        #expect(auto.refusals == [
            "alarm_calls/c.csv: file refused: not valid gb18030 (not UTF-8 either): byte at offset \(try Self.cLastByte) (line 30003) cannot be decoded",
        ])
        #expect(autoRejects.map(\.file) == ["alarm_calls/a.csv", "alarm_calls/d.csv"])
        _ = try Self.compared(folder, config: Self.declaring(.gb18030), jobs: jobs, chunkBytes: chunkBytes, hashing: hashing)
    }

    /// A file taken for UTF-8 (or GB18030) by its start and refused by its header (a
    /// required column missing) is not read on, yet its refusal names the encoding: the
    /// rest is checked all the same, and GB18030 after all (or a byte that is not GB18030)
    /// makes the ingest start over, so the refusal is the one a whole first pass gives.
    /// A file read whole in one pass (one job; or a file of one chunk, read ahead on a
    /// worker) and taken by its start is hashed by its reader: a byte order mark included,
    /// UTF-8 or GB18030, the sha256 is the file's (by `sha256sum`) and the first pass's. No
    /// file here makes the ingest start over, which would drop the reader's hash.
    @Test(arguments: [1, 2])
    func filesReadWholeAreHashedAsTheyAreRead(jobs: Int) throws {
        let folder = try TemporaryDirectory("ahead")
        defer { folder.remove() }
        try folder.write("alarm_calls/a.csv", "\u{FEFF}" + Self.rows(2_000, prefix: "A", district: "宝山区"))
        try folder.write("alarm_calls/d.csv", bytes: try Self.gb18030(Self.gbText("D")))
        try folder.write("alarm_calls/e.csv", alarmHeader)
        let (result, _) = try Self.compared(folder, config: GovStatsConfig(), jobs: jobs, chunkBytes: 4 << 20, hashing: true)
        let files = try #require(result.dataset(.alarmCalls)?.files)
        #expect(files.map(\.encoding) == [.utf8, .gb18030, .utf8])
        #expect(files.map(\.accepted) == [2_000, 30_000, 0])
        for (name, outcome) in zip(["a.csv", "d.csv", "e.csv"], files) {
            let sha256sum = Process()
            sha256sum.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
            sha256sum.arguments = [folder.path + "/alarm_calls/" + name]
            let out = Pipe()
            sha256sum.standardOutput = out
            try sha256sum.run()
            let sha = String(decoding: out.fileHandleForReading.readDataToEndOfFile().prefix(64), as: UTF8.self)
            sha256sum.waitUntilExit()
            #expect(outcome.sha256 == sha, "\(name)")
        }
        let a = folder.path + "/alarm_calls/a.csv"
        #expect(try FileScan.scan(path: a, setting: .auto, jobs: 1, hashing: true, checkingAhead: Self.ahead).get().hashedAsRead)
    }

    /// In two folders, since the first start over in a folder sends every later file through
    /// a whole first pass: b.csv and c.csv, taken for UTF-8; d.csv and e.csv, for GB18030.
    @Test(arguments: [1, 2])
    func fileRefusedByItsHeaderIsStillCheckedWhole(jobs: Int) throws {
        let header = "call_id,district,street,call_type,category\n"
        var text = header
        // Past the first block read (1 MiB), which is checked whole even where a chunk stops.
        for index in 0..<40_000 { text += "B\(index),Baoshan,Luodian,110,theft\n" }
        #expect(text.utf8.count > 1 << 20)
        let chinese = try Self.gb18030(text.replacingOccurrences(of: "Baoshan", with: "宝山区"))
        let files: [[(String, [UInt8])]] = [
            [("b.csv", Array(text.utf8) + (try Self.gb18030("Z1,宝山区,罗店镇,报警,盗窃\n"))), ("c.csv", Array(text.utf8))],
            [("d.csv", chinese + [0xFF, 0x0A]), ("e.csv", chinese)],
        ]
        let refusals = [
            [
                "alarm_calls/b.csv: file refused: missing required column 'received_at' (the header is: call_id, district, street, call_type, category); if the file has it under another name, say so in govstats.toml, in its [alarm_calls] section: columns = { received_at = \"<header>\" } (read as gb18030)",
                "alarm_calls/c.csv: file refused: missing required column 'received_at' (the header is: call_id, district, street, call_type, category); if the file has it under another name, say so in govstats.toml, in its [alarm_calls] section: columns = { received_at = \"<header>\" } (read as utf-8)",
            ],
            [
                "alarm_calls/d.csv: file refused: not valid gb18030 (not UTF-8 either): byte at offset \(chinese.count) (line \(text.split(separator: "\n", omittingEmptySubsequences: false).count)) cannot be decoded",
                "alarm_calls/e.csv: file refused: missing required column 'received_at' (the header is: call_id, district, street, call_type, category); if the file has it under another name, say so in govstats.toml, in its [alarm_calls] section: columns = { received_at = \"<header>\" } (read as gb18030)",
            ],
        ]
        for (files, expected) in zip(files, refusals) {
            let folder = try TemporaryDirectory("ahead")
            defer { folder.remove() }
            for (name, bytes) in files { try folder.write("alarm_calls/" + name, bytes: bytes) }
            let (first, _) = try Self.run(folder, config: GovStatsConfig(), jobs: jobs, chunkBytes: 4096, hashing: false, ahead: nil)
            let (ahead, _) = try Self.run(folder, config: GovStatsConfig(), jobs: jobs, chunkBytes: 4096, hashing: false, ahead: Self.ahead)
            #expect(ahead.refusals == first.refusals)
            #expect(ahead.dataset(.alarmCalls)?.files == first.dataset(.alarmCalls)?.files)
            #expect(ahead.refusals == expected)
        }
    }

    /// When the shortcut applies: a file larger than what is checked ahead, whose start is
    /// UTF-8 (when UTF-8 may be), or else decodes in the fallback or declared encoding. With
    /// one job and a sha256 to work out, the reader works it out (`hashedAsRead`).
    @Test func whenTheStartAloneIsChecked() throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let a = folder.path + "/alarm_calls/a.csv"
        let b = folder.path + "/alarm_calls/b.csv"
        let small = try folder.write("alarm_calls/c.csv", String(repeating: "x", count: Self.ahead))
        // GB18030 from its header on.
        let notUTF8 = try folder.write("alarm_calls/d.csv", bytes: try Self.gb18030(
            Self.chineseHeader + Self.rows(10, prefix: "D", district: "宝山区").drop { $0 != "\n" }.dropFirst()))
        // Neither UTF-8 nor GB18030 (nor Big5) from its start: 0xFF starts no character.
        let neither = try folder.write("alarm_calls/e.csv", bytes: [0xFF] + Array(Self.rows(10, prefix: "E", district: "宝山区").utf8))
        /// The encoding the file is taken to be in by its start, or nil (a whole first pass).
        func checkedAsRead(_ path: String, _ setting: EncodingSetting = .auto, jobs: Int = 1, hashing: Bool = false, ahead: Int? = Self.ahead) throws -> TextEncoding? {
            let scan = try FileScan.scan(path: path, setting: setting, jobs: jobs, hashing: hashing, checkingAhead: ahead).get()
            return scan.checkedAsRead ? scan.encoding : nil
        }
        #expect(try checkedAsRead(a) == .utf8)
        #expect(try checkedAsRead(b) == .utf8)
        #expect(try checkedAsRead(a, jobs: 2, hashing: true) == .utf8)
        #expect(try checkedAsRead(a, .fixed(.utf8)) == .utf8)
        #expect(try checkedAsRead(a, jobs: 1, hashing: true) == .utf8)
        func hashedAsRead(_ path: String, jobs: Int, hashing: Bool, ahead: Int? = Self.ahead) throws -> Bool {
            try FileScan.scan(path: path, setting: .auto, jobs: jobs, hashing: hashing, checkingAhead: ahead).get().hashedAsRead
        }
        #expect(try hashedAsRead(a, jobs: 1, hashing: true))
        #expect(try hashedAsRead(notUTF8, jobs: 1, hashing: true))
        #expect(try !hashedAsRead(a, jobs: 2, hashing: true))
        #expect(try !hashedAsRead(a, jobs: 1, hashing: false))
        #expect(try !hashedAsRead(a, jobs: 1, hashing: true, ahead: nil))
        #expect(try !hashedAsRead(small, jobs: 1, hashing: true))
        #expect(try checkedAsRead(a, ahead: nil) == nil)
        #expect(try checkedAsRead(b, .fixed(.gb18030)) == .gb18030)
        #expect(try checkedAsRead(b, .fixed(.big5)) == .big5)
        #expect(try checkedAsRead(small) == nil)
        #expect(try checkedAsRead(notUTF8) == .gb18030)
        #expect(try checkedAsRead(notUTF8, .fixed(.gb18030)) == .gb18030)
        // Refused by the whole first pass, which the start sends them to.
        func refusal(_ path: String, _ setting: EncodingSetting) -> FileScan.Failure? {
            if case .failure(let failure) = FileScan.scan(path: path, setting: setting, hashing: false, checkingAhead: Self.ahead) { failure } else { nil }
        }
        #expect(refusal(notUTF8, .fixed(.utf8)) == .undecodable("not valid utf-8 (declared in the config): byte at offset 0 (line 1) cannot be decoded"))
        #expect(refusal(neither, .auto) == .undecodable("not valid gb18030 (not UTF-8 either): byte at offset 0 (line 1) cannot be decoded"))
        #expect(refusal(neither, .fixed(.gb18030)) == .undecodable("not valid gb18030 (declared in the config): byte at offset 0 (line 1) cannot be decoded"))
        // Taken for UTF-8 on the strength of its start, b.csv's scan says UTF-8; a whole
        // first pass says GB18030.
        #expect(try FileScan.scan(path: b, setting: .auto, hashing: false, checkingAhead: Self.ahead).get().encoding == .utf8)
        #expect(try FileScan.scan(path: b, setting: .auto, hashing: false).get().encoding == .gb18030)
    }
}
