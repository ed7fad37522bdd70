import CSVReading
import Foundation
import Ingest
import Schema
import Testing
import TestSupport

/// Collects rejected rows in memory.
struct CollectedRejects: RejectSink {
    var rows: [RejectedRow] = []
    mutating func reject(_ row: RejectedRow, dataset: Dataset) throws { rows.append(row) }
    mutating func startOver() throws { rows.removeAll() }
}

func ingest(
    _ files: [String: String], config: GovStatsConfig = GovStatsConfig(), maxRejectPercent: String = "100",
    jobs: Int = 1, chunkBytes: Int = 1 << 20
) throws -> (IngestResult, [RejectedRow]) {
    let folder = try TemporaryDirectory("ingest")
    defer { folder.remove() }
    for (path, text) in files { try folder.write(path, text) }
    return try ingest(folder: folder, config: config, maxRejectPercent: maxRejectPercent, jobs: jobs, chunkBytes: chunkBytes)
}

func ingest(
    folder: TemporaryDirectory, config: GovStatsConfig = GovStatsConfig(), maxRejectPercent: String = "100",
    jobs: Int = 1, chunkBytes: Int = 1 << 20
) throws -> (IngestResult, [RejectedRow]) {
    let data = try DataFolder.discover(root: folder.path, datasets: config.allDatasets)
    var sink = CollectedRejects()
    let stage = IngestStage(config: config, maxRejectPercent: ValueParser.amount(maxRejectPercent[...])!, jobs: jobs, chunkBytes: chunkBytes)
    let result = try stage.run(data, rejects: &sink)
    return (result, sink.rows)
}

extension GovStatsConfig {
    /// Dates and periods of every year, 1 to 9999, read in every dataset.
    static var allYears: GovStatsConfig {
        var config = GovStatsConfig()
        for kind in Dataset.builtIn { config.datasets[kind, default: DatasetSettings()].years = 1...9999 }
        return config
    }
}

func counts(_ outcome: FileOutcome) -> [Int] {
    [outcome.rowsRead, outcome.accepted, outcome.rejected, outcome.duplicates, outcome.conflicts]
}

let alarmHeader = "call_id,received_at,district,street,call_type,category,response_seconds,disposition\n"

@Suite struct IngestStageTests {
    /// Exports joined into one file keep each one's header: such a row is rejected as the
    /// header again, for the whole row (before: "'received_at' is not a valid date and time",
    /// blamed on received_at). The same with a byte order mark, other case and spaces, at
    /// any number of jobs, and from the one-record decoder.
    @Test(arguments: [(1, 1 << 20), (2, 60)])
    func aRepeatedHeaderIsNamedAsSuch(jobs: Int, chunkBytes: Int) throws {
        let row = { (id: String) in "\(id),2017-03-05 09:07:00,宝山区,罗店镇,报警,盗窃,300,已处置\n" }
        let text = alarmHeader + row("A1") + row("A2") + alarmHeader + row("A3")
            + "\u{FEFF}CALL_ID, received_at ,District,street,call_type,category,response_seconds,disposition\r\n" + row("A4")
            + "call_id,received_at,district,street,call_type,category,response_seconds,note\n"
        let (result, rejects) = try ingest(["alarm_calls/joined.csv": text], jobs: jobs, chunkBytes: chunkBytes)
        #expect(counts(result.dataset(.alarmCalls)!.files[0]) == [7, 4, 3, 0, 0])
        let reason = "this row is the header again (exports joined into one file?)"
        #expect(rejects.map { [String($0.line), $0.column, $0.reason] } == [
            ["4", "", reason], ["6", "", reason],
            ["8", "received_at", "'received_at' is not a valid date and time"],
        ])
        // The one-record decoder says the same.
        let header = alarmHeader.dropLast().split(separator: ",").map(String.init)
        let decoder = RowDecoder(layout: FileLayout(dataset: .alarmCalls, header: header, settings: DatasetSettings()), settings: DatasetSettings())
        #expect(decoder.decode(CSVRecord(line: 4, fields: header)) == .rejected(column: "", reason: reason))
    }

    /// A date or number typed with full-width digits (as a Chinese input method gives them)
    /// is rejected, and the reason says why no form or pattern can read it.
    @Test func fullWidthDigitsAreNamedInTheReason() throws {
        let (_, rejects) = try ingest(["alarm_calls/a.csv": alarmHeader
            + "A1,２017/3/7 10:00,宝山区,,报警,盗窃,,\n"
            + "A2,2017-03-07 10:00,宝山区,,报警,盗窃,１２０,\n"
            + "A3,2017-03-07 10:00,宝山区,,报警,盗窃,12O,\n"])
        let hint = { (digit: String) in " (it holds full-width digits, such as '\(digit)': the export must write digits as 0-9)" }
        #expect(rejects.map { [$0.column, $0.reason] } == [
            ["received_at", "'２017/3/7 10:00' is not a valid date and time" + hint("２")],
            ["response_seconds", "'１２０' is not a whole number >= 0 (digits only)" + hint("１")],
            ["response_seconds", "'12O' is not a whole number >= 0 (digits only)"],
        ])
    }

    @Test func duplicatesAndConflictsAcrossFiles() throws {
        let (result, rejects) = try ingest([
            "alarm_calls/a_2018-01-01.csv": alarmHeader
                + "A1,2017-03-05 09:07:00,宝山区,罗店镇,报警,盗窃,300,已处置\n"
                + "A2,2017-03-06 10:00,宝山区,,报警,纠纷,,\n"
                + "A1,2017/3/5 9:07,宝山区,罗店镇,报警,盗窃,300,已处置\n",
            // Overlapping export: A1 equal (dates written differently), A2 changed, A3 new.
            "alarm_calls/b_2018-01-02.csv": "call_id,received_at,district,category,disposition\n"
                + "A1,2017-03-05T09:07:00,宝山区,盗窃,已处置\n"
                + "A2,2017-03-06 10:00:00,宝山区,纠纷,调解\n"
                + "A3,2017-03-07,闵行区,诈骗,\n",
        ])
        let dataset = try #require(result.dataset(.alarmCalls))
        #expect(result.refusals.isEmpty)
        #expect(rejects.isEmpty)
        #expect(dataset.files.map(\.file.relativePath) == ["alarm_calls/a_2018-01-01.csv", "alarm_calls/b_2018-01-02.csv"])
        #expect(dataset.files.map(counts) == [[3, 2, 0, 1, 0], [3, 1, 0, 2, 1]])
        #expect(dataset.store.count == 3)
        // The conflict replaced A2's standing version: its disposition is now 调解, and the
        // street column (absent from file b) is absent from the standing version.
        let dispositions = dataset.store.slots(of: "disposition").map { dataset.store.text(of: "disposition", slot: $0) }
        #expect(dispositions == ["已处置", "调解", nil])
        #expect(dataset.store.slots(of: "street")[1] == Slot.absent)
    }

    @Test func rejectReasonsNameLineAndColumn() throws {
        let (result, rejects) = try ingest([
            "alarm_calls.csv": alarmHeader
                + "A1,2017-02-30 08:00,宝山区,,报警,盗窃,,\n"      // line 2: impossible date
                + "A2,2017-03-01,,,报警,盗窃,-5,\n"                // line 3: district missing (before -5)
                + "A3,2017-03-01,宝山区,,报警,盗窃,\"1,000\",\n"   // line 4: thousands separator
                + "A4,2017-03-01,宝山区\n"                         // line 5: field count
                + "\n"                                             // line 6: blank
                + ",2017-03-01,宝山区,,报警,盗窃,,\n"              // line 7: key missing
                + "A5,\"2017-03-01\n\",宝山区,,报警,盗窃,,x\n"     // line 8-9: fine (trimmed)
                + "A6,2017-03-01,宝山区,,报警,　,,\n",             // line 10: ideographic space only
        ])
        let dataset = try #require(result.dataset(.alarmCalls))
        #expect(rejects.map { [$0.file, String($0.line), $0.column, $0.reason] } == [
            ["alarm_calls.csv", "2", "received_at", "'2017-02-30 08:00' is not a valid date and time"],
            ["alarm_calls.csv", "3", "district", "required value missing"],
            ["alarm_calls.csv", "4", "response_seconds", "'1,000' is not a whole number >= 0 (digits only)"],
            ["alarm_calls.csv", "5", "", "expected 8 fields, found 3"],
            ["alarm_calls.csv", "7", "call_id", "required value missing"],
            ["alarm_calls.csv", "10", "category", "required value missing"],
        ])
        #expect(counts(dataset.files[0]) == [7, 1, 6, 0, 0])
        #expect(rejects[2].record == "A3,2017-03-01,宝山区,,报警,盗窃,\"1,000\",")
    }

    @Test func missingRequiredColumnRefusesTheFileWhole() throws {
        let (result, _) = try ingest([
            "alarm_calls/a.csv": "call_id,district,category\nA1,宝山区,盗窃\n",
            "alarm_calls/b.csv": alarmHeader + "A2,2017-03-01,宝山区,,报警,盗窃,,\n",
        ])
        #expect(result.refusals == ["alarm_calls/a.csv: file refused: missing required column 'received_at' (the header is: call_id, district, category); if the file has it under another name, say so in govstats.toml, in its [alarm_calls] section: columns = { received_at = \"<header>\" } (read as utf-8)"])
        #expect(result.dataset(.alarmCalls)?.store.count == 1)
    }

    /// A header of one field holding semicolons, tabs or full-width commas: the refusal says
    /// why no column was found. A one-field header without them says nothing more.
    @Test func otherSeparatorIsNamedInTheRefusal() throws {
        let (result, _) = try ingest([
            "alarm_calls/a.csv": "call_id;received_at;district;category\nA1;2017-03-05;宝山区;盗窃\n",
            "alarm_calls/b.csv": "call_id\treceived_at\tdistrict\tcategory\nA1\t2017-03-05\t宝山区\t盗窃\n",
            "alarm_calls/c.csv": "call_id\nA1\n",
            "alarm_calls/d.csv": "接警编号，接警时间，所属区，警情类别\nA1，2017-03-05，宝山区，盗窃\n",
        ])
        let missing = "missing required columns 'call_id', 'received_at', 'district', 'category'"
        #expect(result.refusals == [
            "alarm_calls/a.csv: file refused: \(missing): the header is one field with ';' in it, and fields must be separated by commas (read as utf-8)",
            "alarm_calls/b.csv: file refused: \(missing): the header is one field with tabs in it, and fields must be separated by commas (read as utf-8)",
            "alarm_calls/c.csv: file refused: missing required columns 'received_at', 'district', 'category' (the header is: call_id); if the file has it under another name, say so in govstats.toml, in its [alarm_calls] section: columns = { received_at = \"<header>\", district = \"<header>\", category = \"<header>\" } (read as utf-8)",
            "alarm_calls/d.csv: file refused: \(missing): the header is one field with '，' (full-width commas) in it, and fields must be separated by commas (read as utf-8)",
        ])
    }

    /// Two headers that could be one column (its name, an alias, the same name twice) refuse
    /// the file: reading the first would be a guess. The header named in govstats.toml
    /// settles it, and wins over the built-in names.
    @Test func ambiguousHeadersRefuseTheFileUnlessTheConfigNamesOne() throws {
        let files = [
            "alarm_calls/a.csv": "call_id,接警编号,received_at,district,street,call_type,category,response_seconds,disposition\n"
                + "A1,X1,2017-03-05,宝山区,,报警,盗窃,,\n",
            "alarm_calls/b.csv": "Call_ID,received_at,District,street,call_type,category,response_seconds,disposition, district ,CALL_ID\n"
                + "A2,2017-03-05,宝山区,,报警,盗窃,,,宝山区,x\n",
        ]
        let (refused, _) = try ingest(files)
        #expect(refused.refusals == [
            "alarm_calls/a.csv: file refused: header columns 1 and 2 could each be 'call_id': name the one to read under columns in govstats.toml, or keep one (read as utf-8)",
            "alarm_calls/b.csv: file refused: header columns 1 and 10 could each be 'call_id'; header columns 3 and 9 could each be 'district': name the one to read under columns in govstats.toml, or keep one (read as utf-8)",
        ])
        #expect(refused.dataset(.alarmCalls)?.store.count == 0)
        // The config names 接警编号 for call_id: the key is read from it, so rows A1/X1 and
        // A1/X2 are two records, not a duplicate.
        var config = GovStatsConfig()
        var alarm = DatasetSettings()
        alarm.columns["call_id"] = "接警编号"
        config.datasets[.alarmCalls] = alarm
        let (read, _) = try ingest(["alarm_calls/a.csv": files["alarm_calls/a.csv"]! + "A1,X2,2017-03-06,宝山区,,报警,盗窃,,\n"], config: config)
        #expect(read.refusals.isEmpty)
        let file = try #require(read.dataset(.alarmCalls)?.files.first)
        #expect(counts(file) == [2, 2, 0, 0, 0])
        let layout = FileLayout(dataset: .alarmCalls, header: ["call_id", "接警编号", "received_at", "district", "category"], settings: alarm)
        #expect(layout.fieldIndex.first == 1)
        #expect(layout.ambiguous.isEmpty && layout.refusal == nil)
        // A configured header the file does not have: the built-in names are matched.
        let fallback = FileLayout(dataset: .alarmCalls, header: ["call_id", "received_at", "district", "category"], settings: alarm)
        #expect(fallback.fieldIndex.first == 0)
    }

    @Test func chineseHeadersInGB18030AreDetected() throws {
        let folder = try TemporaryDirectory("ingest")
        defer { folder.remove() }
        let text = "接警编号,接警时间,所属区,街镇,警情类型,警情类别,到场用时,处置结果\r\nB1,2017/3/5 9:07,宝山区,罗店镇,报警,盗窃,120,已处置\r\n"
        let encoder = try Transcoder(from: .utf8, to: .gb18030)
        var bytes: [UInt8] = []
        try Array(text.utf8).withUnsafeBytes { try encoder.convert($0, final: true, into: &bytes) }
        try folder.write("alarm_calls/gb.csv", bytes: bytes)
        let (result, _) = try ingest(folder: folder)
        let file = try #require(result.dataset(.alarmCalls)?.files.first)
        #expect(file.encoding == .gb18030)
        #expect(counts(file) == [1, 1, 0, 0, 0])
        let store = result.dataset(.alarmCalls)!.store
        #expect(store.texts(of: "district") == ["宝山区"])
    }

    @Test func undecodableFileIsRefusedNamingEncodingAndOffset() throws {
        let folder = try TemporaryDirectory("ingest")
        defer { folder.remove() }
        try folder.write("alarm_calls/bad.csv", bytes: Array(alarmHeader.utf8) + [0x41, 0x31, 0x2C, 0xFF, 0xFF])
        let (result, _) = try ingest(folder: folder)
        let offset = alarmHeader.utf8.count + 3
        #expect(result.refusals == ["alarm_calls/bad.csv: file refused: not valid gb18030 (not UTF-8 either): byte at offset \(offset) (line 2) cannot be decoded"])
        #expect(result.dataset(.alarmCalls)?.files.first?.rowsRead == 0)
        #expect(result.dataset(.alarmCalls)?.files.first?.encoding == .gb18030)
    }

    /// A UTF-8 export with one damaged character, or cut short inside its last one, is
    /// neither UTF-8 nor GB18030: its refusal names where GB18030 failed, as it must, and
    /// then where UTF-8 did, which decoded further. A GB18030 export cut short says that it
    /// ends inside a character; at any --jobs.
    @Test(arguments: [1, 2])
    func aFileDamagedOrCutShortSaysWhere(jobs: Int) throws {
        let folder = try TemporaryDirectory("ingest")
        defer { folder.remove() }
        let first = "A1,2017-03-05,宝山区,,报警,盗窃,,\n"
        let second = Array("A2,2017-03-05,宝山区,,报警,".utf8)
        // 盗 is E7 9B 97: cut after two of its bytes, or its second byte made an A.
        try folder.write("alarm_calls/cut.csv", bytes: Array((alarmHeader + first).utf8) + second + [0xE7, 0x9B])
        try folder.write("alarm_calls/damaged.csv", bytes: Array((alarmHeader + first).utf8) + second + [0xE7, 0x41, 0x97] + Array("窃,,\n".utf8))
        // In GB18030, 盗 is B5 C1: cut after its first byte.
        let encoder = try Transcoder(from: .utf8, to: .gb18030)
        var gb: [UInt8] = []
        try Array((alarmHeader + first + "A2,2017-03-05,宝山区,,报警,").utf8).withUnsafeBytes { try encoder.convert($0, final: true, into: &gb) }
        try folder.write("alarm_calls/gb.csv", bytes: gb + [0xB5])
        let (result, _) = try ingest(folder: folder, jobs: jobs)
        // GB18030 takes 宝山区's nine bytes in pairs, and its ninth with the comma after it
        // (Python's gb18030 codec agrees).
        let gb18030 = alarmHeader.utf8.count + "A1,2017-03-05,".utf8.count + 8
        let utf8 = (alarmHeader + first).utf8.count + second.count
        #expect(result.refusals == [
            "alarm_calls/cut.csv: file refused: not valid gb18030 (not UTF-8 either): byte at offset \(gb18030) (line 2) cannot be decoded (it is UTF-8, but ends inside a character: was it cut short?)",
            "alarm_calls/damaged.csv: file refused: not valid gb18030 (not UTF-8 either): byte at offset \(gb18030) (line 2) cannot be decoded (it is UTF-8 up to the byte at offset \(utf8), on line 3)",
            "alarm_calls/gb.csv: file refused: not valid gb18030 (not UTF-8 either): byte at offset \(gb.count) (line 3) cannot be decoded (it ends inside a character: was it cut short?)",
        ])
    }

    /// A file in the encoding the config declares, cut short inside its last character,
    /// says so; at any --jobs.
    @Test(arguments: [1, 2])
    func aDeclaredEncodingCutShortSaysSo(jobs: Int) throws {
        let folder = try TemporaryDirectory("ingest")
        defer { folder.remove() }
        // Each ends inside a character: C4 is the first of two bytes in Big5, E5 AE two of
        // three in UTF-8.
        try folder.write("alarm_calls/big5.csv", bytes: Array((alarmHeader + "A1,2017-03-05,").utf8) + [0xC4])
        try folder.write("burglary_reports.csv", bytes: Array("case_id,reported_at\nK1,".utf8) + [0xE5, 0xAE])
        var config = GovStatsConfig()
        var big5 = DatasetSettings()
        big5.encoding = .fixed(.big5)
        config.datasets[.alarmCalls] = big5
        var utf8 = DatasetSettings()
        utf8.encoding = .fixed(.utf8)
        config.datasets[.burglaryReports] = utf8
        let (result, _) = try ingest(folder: folder, config: config, jobs: jobs)
        let cut = (alarmHeader + "A1,2017-03-05,").utf8.count
        #expect(result.refusals == [
            "alarm_calls/big5.csv: file refused: not valid big5 (declared in the config): byte at offset \(cut) (line 2) cannot be decoded (it ends inside a character: was it cut short?)",
            "burglary_reports.csv: file refused: not valid utf-8 (declared in the config): byte at offset \("case_id,reported_at\nK1,".utf8.count) (line 2) cannot be decoded (it ends inside a character: was it cut short?)",
        ])
    }

    /// UTF-16 (a spreadsheet's "Unicode text"), which no setting reads, is refused with a
    /// hint: by its byte order mark, or by the zeros of its ASCII header; at any --jobs.
    @Test(arguments: [1, 2])
    func utf16IsRefusedWithAHint(jobs: Int) throws {
        let folder = try TemporaryDirectory("ingest")
        defer { folder.remove() }
        let text = alarmHeader + "A1,2017-03-05,宝山区,,报警,盗窃,,\n"
        let little = Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let big = Array(text.utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        try folder.write("alarm_calls/a.csv", bytes: [0xFF, 0xFE] + little)
        try folder.write("alarm_calls/b.csv", bytes: big)
        try folder.write("burglary_reports.csv", bytes: Array("case_id,reported_at\n".utf8) + [0xFF, 0x00, 0x41])
        let (result, _) = try ingest(folder: folder, jobs: jobs)
        // Where GB18030 decoding of b.csv first fails (Python's gb18030 codec agrees): the
        // second byte of 窃, the 24th character of the row, after pairs taken as GB18030.
        let offset = alarmHeader.utf8.count * 2 + 47
        #expect(result.refusals == [
            "alarm_calls/a.csv: file refused: not valid gb18030 (not UTF-8 either): byte at offset 0 (line 1) cannot be decoded (it starts with a UTF-16 byte order mark: save it as UTF-8 or GB18030)",
            "alarm_calls/b.csv: file refused: not valid gb18030 (not UTF-8 either): byte at offset \(offset) (line 2) cannot be decoded (it looks like UTF-16, a zero in every other byte of its start: save it as UTF-8 or GB18030)",
            "burglary_reports.csv: file refused: not valid gb18030 (not UTF-8 either): byte at offset 20 (line 2) cannot be decoded",
        ])
        // Declared GB18030 or Big5, the hint is the same.
        var config = GovStatsConfig()
        var declared = DatasetSettings()
        declared.encoding = .fixed(.gb18030)
        config.datasets[.alarmCalls] = declared
        declared.encoding = .fixed(.big5)
        config.datasets[.burglaryReports] = declared
        try folder.write("burglary_reports.csv", bytes: [0xFE, 0xFF] + big)
        let (refused, _) = try ingest(folder: folder, config: config, jobs: jobs)
        #expect(refused.refusals == [
            "alarm_calls/a.csv: file refused: not valid gb18030 (declared in the config): byte at offset 0 (line 1) cannot be decoded (it starts with a UTF-16 byte order mark: save it as UTF-8 or GB18030)",
            "alarm_calls/b.csv: file refused: not valid gb18030 (declared in the config): byte at offset \(offset) (line 2) cannot be decoded (it looks like UTF-16, a zero in every other byte of its start: save it as UTF-8 or GB18030)",
            "burglary_reports.csv: file refused: not valid big5 (declared in the config): byte at offset 0 (line 1) cannot be decoded (it starts with a UTF-16 byte order mark: save it as UTF-8 or GB18030)",
        ])
        // The scan on several threads says the same (the fuzz harness found it did not).
        for name in ["alarm_calls/a.csv", "alarm_calls/b.csv"] {
            #expect(FileScan.scan(path: folder.path + "/" + name, setting: .fixed(.gb18030), jobs: 2)
                == FileScan.scan(path: folder.path + "/" + name, setting: .fixed(.gb18030), jobs: 1), "\(name)")
        }
    }

    /// A file refused as the encoding the config declares records that encoding.
    @Test func fileRefusedAsDeclaredEncodingRecordsIt() throws {
        let folder = try TemporaryDirectory("ingest")
        defer { folder.remove() }
        try folder.write("alarm_calls/bad.csv", bytes: Array(alarmHeader.utf8) + [0x41, 0x31, 0x2C, 0xFF, 0xFF])
        var config = GovStatsConfig()
        var alarm = DatasetSettings()
        alarm.encoding = .fixed(.big5)
        config.datasets[.alarmCalls] = alarm
        let (result, _) = try ingest(folder: folder, config: config)
        let file = try #require(result.dataset(.alarmCalls)?.files.first)
        #expect(file.encoding == .big5)
        #expect(file.refusal?.contains("not valid big5 (declared in the config)") == true)
    }

    @Test func emptyAndHeaderOnlyFiles() throws {
        let (result, _) = try ingest([
            "alarm_calls/blank.csv": "\n  \r\n\t\n",
            "alarm_calls/empty.csv": "",
            "alarm_calls/header.csv": alarmHeader,
        ])
        #expect(result.refusals == [
            "alarm_calls/blank.csv: file refused: no header row (the file holds only blank lines; read as utf-8)",
            "alarm_calls/empty.csv: file refused: no header row (the file is empty; read as utf-8)",
        ])
        #expect(counts(result.dataset(.alarmCalls)!.files[2]) == [0, 0, 0, 0, 0])
    }

    @Test func tooManyRejectsRefusesTheDataset() throws {
        let rows = (1...19).map { "A\($0),2017-03-01,宝山区,,报警,盗窃,,\n" }.joined()
        let files = ["alarm_calls.csv": alarmHeader + rows + "A20,bad,宝山区,,报警,盗窃,,\n"]
        // 1 of 20 = 5.0%: allowed at 5, refused at 4.9.
        #expect(try ingest(files, maxRejectPercent: "5").0.refusals.isEmpty)
        #expect(try ingest(files, maxRejectPercent: "4.9").0.refusals == [
            "alarm_calls: 5.0% of rows rejected (1 of 20), more than --max-reject-pct 4.9; all in alarm_calls.csv; commonest: received_at: not a valid date and time (1)",
        ])
        // A limit of more digits than a machine integer holds is compared exactly.
        #expect(try ingest(files, maxRejectPercent: "5.000000000000000000001").0.refusals.isEmpty)
        #expect(try ingest(files, maxRejectPercent: "4.999999999999999999999").0.refusals == [
            "alarm_calls: 5.0% of rows rejected (1 of 20), more than --max-reject-pct 4.999999999999999999999; all in alarm_calls.csv; commonest: received_at: not a valid date and time (1)",
        ])
        // Rejects in several files: the refusal names the file with the most.
        let bad = "A90,bad,宝山区,,报警,盗窃,,\nA91,2017-03-01,,,报警,盗窃,,\n"
        let spread = ["alarm_calls/a.csv": alarmHeader + rows + "A80,bad,宝山区,,报警,盗窃,,\n",
                      "alarm_calls/b.csv": alarmHeader + bad, "alarm_calls/c.csv": alarmHeader + bad]
        #expect(try ingest(spread, maxRejectPercent: "5").0.refusals == [
            "alarm_calls: 20.8% of rows rejected (5 of 24), more than --max-reject-pct 5; most in alarm_calls/b.csv (2); commonest: received_at: not a valid date and time (3); district: required value missing (2)",
        ])
    }

    /// The share against the limit, digit by digit: equal is not more, and the limit may have
    /// any number of decimals.
    @Test(arguments: [
        (600, 32249, "0.01", true), (600, 32249, "0.0186", true), (600, 32249, "0.0187", false),
        (600, 32249, "0.018605", true), (600, 32249, "0.0186053", false),
        (100, 20, "5", false), (100, 20, "4.9999999999999999999999999", true), (100, 20, "5.0000000000000000000000001", false),
        (100, 3, "33.333333333333333333", true), (100, 3, "33.333333333333333334", false), (300, 3, "100", false), (1, 1, "0", true),
    ])
    func theShareIsComparedWithTheLimitExactly(numerator: Int, denominator: Int, limit: String, exceeds: Bool) {
        #expect(IngestStage.share(numerator, of: denominator, exceeds: ExactDecimal(canonical: limit)) == exceeds)
    }

    /// The share refused is shown with the fewest decimals that show it above the limit.
    @Test(arguments: [
        (1, 20, "4.9", "5.0"), (6, 32249, "0.01", "0.02"), (6, 32249, "0", "0.02"), (4, 3244, "0.1", "0.12"),
        (4, 3244, "0.12", "0.123"), (4, 3244, "0.000000000001", "0.1"), (1, 1_000_000_000, "0", "less than 0.000001"),
    ])
    func theShareRefusedIsShownAboveTheLimit(rejected: Int, read: Int, limit: String, shown: String) {
        #expect(IngestStage.percentShown(rejected, of: read, above: ExactDecimal(canonical: limit)) == shown)
    }

    @Test func safeCommunityKeyIsCommunityAndPeriod() throws {
        let (result, rejects) = try ingest([
            "safe_community.csv": "community_id,community,district,street,period,compliant,score\n"
                + "C1,康城,闵行区,莘庄镇,2016,是,88.5\n"
                + "C1,康城,闵行区,莘庄镇,2017,达标,90\n"
                + "C1,康城,闵行区,莘庄镇,2017,1,90.0\n"
                + "C2,古美,闵行区,古美路街道,2017,未达标,101\n"
                + "C3,古美,闵行区,古美路街道,2017,maybe,50\n",
        ])
        #expect(counts(result.dataset(.safeCommunity)!.files[0]) == [5, 2, 2, 1, 0])
        #expect(rejects.map(\.column) == ["score", "compliant"])
    }

    @Test func dataFolderLayout() throws {
        let folder = try TemporaryDirectory("ingest")
        defer { folder.remove() }
        #expect(throws: IngestError.usage("no datasets in \(folder.path): expected alarm_calls/, burglary_reports/ or safe_community/ (or <dataset>.csv)")) {
            try DataFolder.discover(root: folder.path)
        }
        // Exports under other names, or a dataset's own folder named: the message says so.
        let expected = "no datasets in \(folder.path): expected alarm_calls/, burglary_reports/ or safe_community/ (or <dataset>.csv)"
        for name in ["calls_2018-02.csv", "calls_2018-01.csv", "b.csv", ".hidden.csv", "a.csv", "notes.txt"] { try folder.write(name, "x") }
        #expect(throws: IngestError.usage(expected + "; it holds a.csv, b.csv, calls_2018-01.csv and 1 more: put each dataset's exports in its folder, such as alarm_calls/")) {
            try DataFolder.discover(root: folder.path)
        }
        // A dataset's folder holding only names ending in .CSV: they are named, as not read.
        try folder.write("alarm_calls/EXPORT.CSV", alarmHeader)
        #expect(throws: IngestError.usage(expected + "; alarm_calls/ holds EXPORT.CSV, which is not read: only names ending in .csv, in lower case, are; rename it to read it")) {
            try DataFolder.discover(root: folder.path)
        }
        try folder.write("alarm_calls/b.csv", alarmHeader)
        #expect(throws: IngestError.usage("no datasets in \(folder.path)/alarm_calls/: expected alarm_calls/, burglary_reports/ or safe_community/ (or <dataset>.csv); this is the alarm_calls folder itself: name the folder that holds it")) {
            try DataFolder.discover(root: folder.path + "/alarm_calls/")
        }
        try folder.write("alarm_calls/a.csv", alarmHeader)
        try folder.write("alarm_calls/notes.txt", "x")
        try folder.write("safe_community.csv", "x")
        let data = try DataFolder.discover(root: folder.path)
        #expect(data.presentDatasets == [.alarmCalls, .safeCommunity])
        #expect(data.files[.alarmCalls]!.map(\.relativePath) == ["alarm_calls/a.csv", "alarm_calls/b.csv"])
        try folder.write("alarm_calls/c.Csv", alarmHeader)
        #expect(try DataFolder.discover(root: folder.path).warnings == [
            "alarm_calls/ holds EXPORT.CSV and c.Csv, which are not read: only names ending in .csv, in lower case, are; rename them to read them",
        ])
    }

    /// A file whose name is not UTF-8 (GBK bytes, as Windows archives leave them) cannot be
    /// named by the path the listing gives: the error says why, not "no such file". A name
    /// that really holds U+FFFD is read.
    @Test func fileNameNotUTF8IsNamedAsSuch() throws {
        let folder = try TemporaryDirectory("ingest")
        defer { folder.remove() }
        try folder.write("alarm_calls/a\u{FFFD}.csv", alarmHeader + "A1,2017-03-05,宝山区,,报警,盗窃,,\n")
        let (read, _) = try ingest(folder: folder)
        #expect(read.dataset(.alarmCalls)?.files.map(\.file.relativePath) == ["alarm_calls/a\u{FFFD}.csv"])
        // 报警.csv in GBK.
        let raw = Array((folder.path + "/alarm_calls/").utf8) + [0xB1, 0xA8, 0xBE, 0xAF] + Array(".csv".utf8)
        let path = String(decoding: raw, as: UTF8.self)
        let descriptor = (raw.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) }
        #expect(descriptor >= 0)
        close(descriptor)
        defer { _ = (raw.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { unlink($0.baseAddress!) } }
        #expect(path == folder.path + "/alarm_calls/\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}.csv")
        let detail = "the file's name is not valid UTF-8 (shown with \u{FFFD}); rename it to read it"
        #expect(throws: IngestError.io(FileReadError(path: path, errno: 0, operation: "read", detail: detail))) {
            _ = try ingest(folder: folder)
        }
    }

    @Test func valuesAreKeptApartByTheirBytes() throws {
        // "Café" composed (NFC) and decomposed (NFD) are canonically equivalent Strings.
        let (result, _) = try ingest([
            "alarm_calls.csv": alarmHeader
                + "A1,2017-03-01,Caf\u{E9},,报警,盗窃,,\n"
                + "A2,2017-03-01,Cafe\u{301},,报警,盗窃,,\n"
                + "K\u{E9},2017-03-01,x,,报警,盗窃,,\n"
                + "Ke\u{301},2017-03-01,x,,报警,盗窃,,\n",
        ])
        let store = result.dataset(.alarmCalls)!.store
        #expect(store.count == 4)
        #expect(store.texts(of: "district").map { Array($0.utf8).count } == [5, 6, 1])
    }
}

/// Progress is reported as a file is read, whether on one thread or in chunks.
@Suite struct IngestProgressTests {
    @Test(arguments: [1, 2])
    func progressMovesThroughTheFile(jobs: Int) throws {
        let folder = try TemporaryDirectory("progress")
        defer { folder.remove() }
        var text = alarmHeader
        for row in 0..<60_000 { text += "A\(row),2017-03-05 09:07:00,宝山区,罗店镇,报警,盗窃,120,已处置\n" }
        try folder.write("alarm_calls.csv", text)
        let size = text.utf8.count
        var sink = CollectedRejects()
        let stage = IngestStage(config: GovStatsConfig(), maxRejectPercent: ExactDecimal(canonical: "100"), jobs: jobs, chunkBytes: 1 << 20)
        var reported: [Int] = []
        _ = try stage.run(try DataFolder.discover(root: folder.path), rejects: &sink) { reported.append($0.bytesDone) }
        #expect(size > 3 << 20)
        #expect(reported.first == 0 && reported.last == size)
        #expect(reported == reported.sorted())
        #expect(reported.filter { $0 > 0 && $0 < size }.count >= 3, "\(reported)")
    }
}

/// A file that changes between its first pass and the end of its reading fails like an
/// unreadable file, with the same message at any number of jobs: its rows are neither the
/// file before nor the file after. The change is made when the first progress is reported,
/// after the first pass and before any row is read. With or without a sha256 to work out
/// (`run`, `validate`): a file cut inside a character must not be read again as what it
/// has become (see `IngestStage.reading`).
@Suite struct FileChangedWhileReadTests {
    enum Change: CaseIterable { case cutShort, grown, rewritten, rewrittenKeepingTime, replaced }

    @Test(arguments: Change.allCases, [(1, true), (1, false), (2, true), (2, false)])
    func changeFailsTheRead(change: Change, reading: (jobs: Int, hashing: Bool)) throws {
        let (jobs, hashing) = reading
        let folder = try TemporaryDirectory("changed")
        defer { folder.remove() }
        var text = alarmHeader
        for row in 0..<60_000 { text += "A\(row),2017-03-05 09:07:00,宝山区,罗店镇,报警,盗窃,120,已处置\n" }
        let path = try folder.write("alarm_calls.csv", text)
        // An old modification time: any write during the test gives another, however coarse
        // the file system's clock.
        var times = [timeval(tv_sec: 1_000_000_000, tv_usec: 0), timeval(tv_sec: 1_000_000_000, tv_usec: 0)]
        #expect(utimes(path, &times) == 0)
        let size = text.utf8.count
        let added = "B1,2017-03-05 09:07:00,宝山区,罗店镇,报警,盗窃,120,已处置\n"
        let expected: FileReadError = switch change {
        case .cutShort: .changedSize(path: path, from: size, to: size / 2)
        case .grown: .changedSize(path: path, from: size, to: size + added.utf8.count)
        case .rewritten, .rewrittenKeepingTime, .replaced: .changed(path: path)
        }
        var sink = CollectedRejects()
        let stage = IngestStage(config: GovStatsConfig(), maxRejectPercent: ExactDecimal(canonical: "100"), jobs: jobs, chunkBytes: 1 << 20, hashing: hashing)
        var changed = false
        #expect(throws: IngestError.io(expected)) {
            _ = try stage.run(try DataFolder.discover(root: folder.path), rejects: &sink) { _ in
                guard !changed else { return }
                changed = true
                switch change {
                case .cutShort: #expect(truncate(path, off_t(size / 2)) == 0)
                case .grown:
                    let handle = FileHandle(forWritingAtPath: path)!
                    handle.seekToEndOfFile()
                    handle.write(Data(added.utf8))
                    handle.closeFile()
                case .rewritten:
                    // The same size: the last row's response time 120 becomes 121.
                    let handle = FileHandle(forWritingAtPath: path)!
                    handle.seek(toFileOffset: UInt64(size - "1,已处置\n".utf8.count))
                    handle.write(Data("1".utf8))
                    handle.closeFile()
                case .rewrittenKeepingTime:
                    // The same, with the modification time set back (as `touch -r` or
                    // `rsync -t` would): only the inode's change time tells. The kernel may
                    // keep that time in ticks of a few milliseconds: wait one out, so that
                    // the write is not in the tick of the file's last change.
                    usleep(20_000)
                    let handle = FileHandle(forWritingAtPath: path)!
                    handle.seek(toFileOffset: UInt64(size - "1,已处置\n".utf8.count))
                    handle.write(Data("1".utf8))
                    handle.closeFile()
                    #expect(utimes(path, &times) == 0)
                case .replaced:
                    // The same bytes in another file, renamed over it (as exports are published).
                    #expect(FileManager.default.createFile(atPath: path + ".new", contents: Data(text.utf8)))
                    #expect(rename(path + ".new", path) == 0)
                }
            }
        }
        #expect(changed)
        #expect(size > 3 << 20)
        #expect(IngestError.io(.changedSize(path: path, from: size, to: size / 2)).description
            == "cannot read \(path): the file changed size while it was read (\(size) bytes, then \(size / 2))")
        #expect(IngestError.io(.changed(path: path)).description
            == "cannot read \(path): the file was modified or replaced while it was read")
    }
}

/// The first pass on several threads (`FileScan` with `jobs` > 1) decides every file's
/// encoding and first bad byte as one thread does: a file that starts with a byte that
/// continues no character (found by the fuzz harness), and bad bytes at and around the
/// place where a large file is split between validators.
@Suite struct ParallelScanTests {
    @Test func sameVerdictOnOneThreadAndSeveral() throws {
        let folder = try TemporaryDirectory("scan")
        defer { folder.remove() }
        let line = Array("A1,2017-03-05 09:07:00,宝山区,罗店镇,报警,盗窃,120,已处置\n".utf8)
        var large: [UInt8] = []
        while large.count < 3 << 20 { large += line }
        var cases: [[UInt8]] = [
            [0x9E] + Array("瑞和新村c?".utf8),
            Array("宝山区".utf8) + [0xE5, 0x92],
            [0xEF, 0xBB, 0xBF] + line,
            large,
        ]
        for offset in [(3 << 20) / 3 - 1, (3 << 20) / 3, (3 << 20) / 3 + 1, (3 << 20) / 2, large.count - 1] {
            var broken = large
            broken[offset] = 0xFF
            cases.append(broken)
        }
        for (index, bytes) in cases.enumerated() {
            try folder.write("f\(index).csv", bytes: bytes)
            let path = folder.path + "/f\(index).csv"
            let one = FileScan.scan(path: path, setting: .auto, jobs: 1)
            for jobs in [2, 3] {
                #expect(FileScan.scan(path: path, setting: .auto, jobs: jobs) == one, "case \(index), \(jobs) jobs")
                #expect(FileScan.scan(path: path, setting: .fixed(.utf8), jobs: jobs) == FileScan.scan(path: path, setting: .fixed(.utf8), jobs: 1), "case \(index), \(jobs) jobs, utf-8 declared")
            }
        }
    }

    /// A file that is not UTF-8, or declared GB18030, is checked as GB18030 in parts from
    /// line starts on several threads: bad bytes around the places where it is split, a lead byte just
    /// before the line feed that ends a part, and a bad byte in two parts (the first wins)
    /// give one thread's verdict and offset.
    @Test func gb18030IsCheckedInPartsAsOnOneThread() throws {
        let folder = try TemporaryDirectory("scan")
        defer { folder.remove() }
        let encoder = try Transcoder(from: .utf8, to: .gb18030)
        var line: [UInt8] = []
        try Array("A1,2017-03-05 09:07:00,宝山区,罗店镇,报警,盗窃,120,已处置\n".utf8).withUnsafeBytes {
            try encoder.convert($0, final: true, into: &line)
        }
        var large: [UInt8] = []
        while large.count < 3 << 20 { large += line }
        let size = large.count
        /// The offset of the first line feed at or after `offset`.
        func lineFeed(after offset: Int) -> Int { large[offset...].firstIndex(of: 0x0A)! }
        /// The line of the byte at `offset`.
        func lineOf(_ offset: Int) -> Int { large[..<offset].count { $0 == 0x0A } + 1 }
        var cases: [(String, [UInt8])] = [("valid", large)]
        for offset in [size / 3 - 1, size / 3, size / 2 - 1, size / 2, size / 2 + 1, lineFeed(after: size / 2) + 1,
                       lineFeed(after: size / 3) + 1, size - 2] {
            var broken = large
            broken[offset] = 0xFF
            cases.append(("0xFF at \(offset)", broken))
        }
        for offset in [lineFeed(after: size / 2) - 1, lineFeed(after: size / 3) - 1] {
            // The line ends in the two bytes of 置: a comma, then a lead byte with no trail.
            var broken = large
            broken[offset - 1] = 0x2C
            broken[offset] = 0x81
            cases.append(("lead byte before the line feed at \(offset + 1)", broken))
        }
        var twice = large
        twice[size / 4] = 0xFF
        twice[size * 3 / 4] = 0xFF
        cases.append(("0xFF in two parts", twice))
        for (index, (name, bytes)) in cases.enumerated() {
            try folder.write("g\(index).csv", bytes: bytes)
            let path = folder.path + "/g\(index).csv"
            let one = FileScan.scan(path: path, setting: .auto, jobs: 1)
            let declared = FileScan.scan(path: path, setting: .fixed(.gb18030), jobs: 1)
            for jobs in [2, 3] {
                #expect(FileScan.scan(path: path, setting: .auto, jobs: jobs) == one, "\(name), \(jobs) jobs")
                #expect(FileScan.scan(path: path, setting: .fixed(.gb18030), jobs: jobs) == declared, "\(name), \(jobs) jobs, declared")
            }
            if index > 0, case .failure(.undecodable(let message)) = declared {
                #expect(message.hasPrefix("not valid gb18030 (declared in the config): byte at offset "), "\(name)")
            }
            if index == 0 {
                #expect(try one.get().encoding == .gb18030)
            } else if case .failure(.undecodable(let message)) = one {
                #expect(message.hasPrefix("not valid gb18030 (not UTF-8 either): byte at offset "), "\(name)")
            } else {
                Issue.record("\(name): \(one)")
            }
        }
        // The lead byte before a line feed fails at the lead byte; two bad bytes at the first.
        #expect(FileScan.scan(path: folder.path + "/g9.csv", setting: .auto, jobs: 2)
            == .failure(.undecodable("not valid gb18030 (not UTF-8 either): byte at offset \(lineFeed(after: size / 2) - 1) (line \(lineOf(lineFeed(after: size / 2)))) cannot be decoded")))
        #expect(FileScan.scan(path: folder.path + "/g11.csv", setting: .auto, jobs: 3)
            == .failure(.undecodable("not valid gb18030 (not UTF-8 either): byte at offset \(size / 4) (line \(lineOf(size / 4))) cannot be decoded")))
    }
}

/// Columns are packed as narrow as their values allow and widened when a batch brings
/// values far apart: the slots read back are the values written (found by the fuzz
/// harness: a batch holding years 1 and 9999 overflowed a 32-bit offset).
@Suite struct PackedColumnTests {
    @Test func extremeValuesInOneBatchReadBack() throws {
        var text = alarmHeader
        text += "A1,2017-03-05 09:07:00,宝山区,,,盗窃,5,\n"
        text += "A2,0001-01-01 00:00:00,宝山区,,,盗窃,9223372036854775807,\n"
        text += "A3,9999-12-31 23:59:59,宝山区,,,盗窃,0,\n"
        text += "A4,2017-03-05,宝山区,,,盗窃,,\n"
        let (result, _) = try ingest(["alarm_calls.csv": text], config: .allYears)
        let store = try #require(result.dataset(.alarmCalls)?.store)
        #expect(store.count == 4)
        let days = store.slots(of: "received_at").map(Slot.dayNumber)
        let expected = [LocalDate(year: 2017, month: 3, day: 5)!, LocalDate(year: 1, month: 1, day: 1)!,
                        LocalDate(year: 9999, month: 12, day: 31)!, LocalDate(year: 2017, month: 3, day: 5)!].map(\.dayNumber)
        #expect(days == expected)
        #expect(Array(store.slots(of: "response_seconds")) == [5, UInt64(Int64.max), 0, Slot.missing])
        #expect(Array(store.slots(of: "street")) == [Slot.missing, Slot.missing, Slot.missing, Slot.missing])
    }
}

/// Text values are interned through a cache that tells short values apart by their length
/// and three words (first, middle and last eight bytes, or below 8 bytes overlapping
/// parts in the first): values that share some of those
/// words, or differ only in length, must still read back as themselves, one thread or two.
@Suite struct InternedTextTests {
    /// Streets of 1 to 30 bytes that agree in everything but one word or the length.
    static var streets: [String] {
        var values: [String] = []
        for length in 1...30 {
            values.append(String(repeating: "a", count: length))
            values.append(String(repeating: "a", count: length - 1) + "b")
            if length > 8 { values.append("b" + String(repeating: "a", count: length - 1)) }
            if length > 16 {
                var middle = Array(repeating: UInt8(ascii: "a"), count: length)
                middle[10] = UInt8(ascii: "m")
                values.append(String(decoding: middle, as: UTF8.self))
            }
        }
        // Below 8 bytes the cache reads overlapping parts: a value that differs from
        // "aaaaaaa…" in any one byte.
        for length in 2...7 {
            for position in 0..<length {
                var bytes = Array(repeating: UInt8(ascii: "a"), count: length)
                bytes[position] = UInt8(ascii: "c")
                values.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        values += ["罗店镇", "罗店镇镇", "半淞园路街道", "半淞园路街道道", "瑞金二路街道", "a,b", "\"q\""]
        return values
    }

    @Test(arguments: [1, 2])
    func shortValuesThatShareWordsReadBack(jobs: Int) throws {
        var text = alarmHeader
        var expected: [String] = []
        // Enough rows that two threads cut the file into several chunks.
        for row in 0..<6000 {
            let street = Self.streets[(row * 7) % Self.streets.count]
            expected.append(street)
            text += "A\(row),2017-03-05 09:07:00,宝山区,\(CSVText.field(street)),报警,盗窃,5,已处置\n"
        }
        let (result, rejects) = try ingest(["alarm_calls.csv": text], jobs: jobs, chunkBytes: 16 << 10)
        let store = try #require(result.dataset(.alarmCalls)?.store)
        #expect(rejects.isEmpty)
        #expect(store.count == expected.count)
        let slots = store.slots(of: "street")
        let wrong = (0..<store.count).first { store.text(of: "street", slot: slots[$0]) != expected[$0] }
        #expect(wrong == nil, "row \(wrong ?? 0): \(wrong.map { store.text(of: "street", slot: slots[$0]) ?? "nil" } ?? "") instead of \(wrong.map { expected[$0] } ?? "")")
    }
}

/// Dates and times are read with the previous row's date reused when the first ten bytes
/// repeat: every slot must be what the full parser gives, and every value it refuses must
/// be refused, one thread or two, whatever came in the row before.
@Suite struct DateTimeReadingTests {
    static let values: [String] = [
        "2017-03-05 09:07:00", "2017-03-05 23:59:59", "2017-03-05 00:00:00", "2017-03-05 24:00:00",
        "2017-03-05 23:60:00", "2017-03-05 23:59:60", "2017-03-05 9:07:00x", "2017-03-05T09:07:00",
        "2017-03-05 09:07", "2017-03-05", "2017-03-06 01:02:03", "2017/03/05 09:07:00", "2017/03/05 23:59:59",
        "2017/3/5 9:07", "2017-02-29 10:00:00", "2016-02-29 10:00:00", "2016-02-29 1a:00:00", "2016-02-29 10:00:0 ",
        "0999-12-31 23:59:59", "9999-12-31 23:59:59", "2017-13-05 09:07:00", "2017-03-05 09:07:00",
    ]

    /// With the default years too, where 0999 and 9999 are refused as out of range whether
    /// the date was parsed in full or its day taken from the row before.
    @Test(arguments: [1, 2], [false, true])
    func everySlotIsTheFullParsersValue(jobs: Int, allYears: Bool) throws {
        let years = allYears ? 1...9999 : DatasetSettings.defaultYears
        var text = alarmHeader
        var expected: [UInt64?] = []
        var random = SplitMix(state: 0xDA7E)
        for row in 0..<5000 {
            // Runs of one value, then a jump: the cache is hit, missed and refilled.
            let value = Self.values[(row / Int.random(in: 1...4, using: &random)) % Self.values.count]
            expected.append(ValueParser.dateTime(value[...]).flatMap { years.contains($0.date.year) ? Slot.encode($0) : nil })
            text += "A\(row),\(value),宝山区,,,盗窃,,\n"
        }
        let config: GovStatsConfig = allYears ? .allYears : GovStatsConfig()
        let (result, rejects) = try ingest(["alarm_calls.csv": text], config: config, jobs: jobs, chunkBytes: 8 << 10)
        let store = try #require(result.dataset(.alarmCalls)?.store)
        let accepted = expected.compactMap { $0 }
        #expect(store.count == accepted.count)
        #expect(Array(store.slots(of: "received_at")) == accepted)
        let refused = expected.indices.filter { expected[$0] == nil }.map { $0 + 2 }
        #expect(rejects.map(\.line) == refused)
        #expect(refused.count > 500)
        let outside = rejects.filter { $0.reason.contains("outside the years") }.count
        #expect(allYears ? outside == 0 : outside > 200)
    }
}

/// Dates and periods outside `years` (default 1980 to 2099) are rejected: one placeholder
/// date (`0001-01-01`, `1900-01-01`, `9999-12-31`) would otherwise stretch every trend
/// series, which holds each period from the first to the last with data, over centuries.
@Suite struct YearWindowTests {
    static func reason(_ value: String, _ years: String = "1980 to 2099") -> String {
        "'\(value)' is outside the years read, \(years) (set by years in govstats.toml)"
    }

    @Test(arguments: [1, 2])
    func defaultYearsRejectPlaceholderDates(jobs: Int) throws {
        let values = [
            "2017-03-05 09:07:00", "0001-01-01 00:00:00", "1900-01-01", "1979-12-31 23:59:59",
            "1980-01-01 00:00:00", "2099-12-31 23:59:59", "2100-01-01 00:00:00", "9999-12-31 23:59:59",
            "1970/1/1 0:00", "2017-03-05 09:07:00",
        ]
        var text = alarmHeader
        // Each value twice in a row: the second takes its day from the row before.
        for (index, value) in values.enumerated() {
            text += "A\(index),\(value),宝山区,,,盗窃,,\n"
            text += "B\(index),\(value),宝山区,,,盗窃,,\n"
        }
        let (result, rejects) = try ingest(["alarm_calls.csv": text], jobs: jobs, chunkBytes: 64)
        let outside = [1, 2, 3, 6, 7, 8]
        #expect(rejects == outside.flatMap { index in
            ["A", "B"].enumerated().map { offset, prefix in
                RejectedRow(file: "alarm_calls.csv", line: 2 + index * 2 + offset, column: "received_at",
                            reason: Self.reason(values[index]), record: "\(prefix)\(index),\(values[index]),宝山区,,,盗窃,,")
            }
        })
        let store = try #require(result.dataset(.alarmCalls)?.store)
        #expect(store.count == 8)
        let years = store.slots(of: "received_at").map { LocalDate(dayNumber: Slot.dayNumber($0)).year }
        #expect(years == [2017, 2017, 1980, 1980, 2099, 2099, 2017, 2017])
    }

    @Test func monthPrecisionDatesAndPeriods() throws {
        var config = GovStatsConfig()
        config.datasets[.burglaryReports, default: DatasetSettings()].datetimeFormats = [try DatePattern("yyyy-MM")]
        let burglaries = "case_id,reported_at,district,community\n"
            + "B1,1979-12,闵行区,康城\nB2,1980-01,闵行区,康城\nB3,2099-12,闵行区,康城\nB4,2100-01,闵行区,康城\n"
        let assessments = "community_id,community,district,period,compliant\n"
            + "C1,康城,闵行区,1979,是\nC2,康城,闵行区,1979Q4,是\nC3,康城,闵行区,1980H1,否\nC4,康城,闵行区,2099Q4,是\nC5,康城,闵行区,2100,是\n"
        let (result, rejects) = try ingest(["burglary_reports.csv": burglaries, "safe_community.csv": assessments], config: config)
        #expect(rejects.map { "\($0.file):\($0.line) \($0.column) \($0.reason)" } == [
            "burglary_reports.csv:2 reported_at \(Self.reason("1979-12"))",
            "burglary_reports.csv:5 reported_at \(Self.reason("2100-01"))",
            "safe_community.csv:2 period \(Self.reason("1979"))",
            "safe_community.csv:3 period \(Self.reason("1979Q4"))",
            "safe_community.csv:6 period \(Self.reason("2100"))",
        ])
        #expect(result.dataset(.burglaryReports)?.accepted == 2)
        #expect(result.dataset(.safeCommunity)?.accepted == 2)
    }

    @Test(arguments: [1, 2])
    func configuredYears(jobs: Int) throws {
        let config = try GovStatsConfig.parse("[burglary_reports]\nyears = [2016, 2017]\n", file: "govstats.toml")
        let text = "case_id,reported_at,district,community\n"
            + "B1,2015-12-31 23:59:59,闵行区,康城\nB2,2016-01-01 00:00:00,闵行区,康城\n"
            + "B3,2017-12-31 23:59:59,闵行区,康城\nB4,2018-01-01 00:00:00,闵行区,康城\nB5,1985-06-01,闵行区,康城\n"
        let (result, rejects) = try ingest(["burglary_reports.csv": text], config: config, jobs: jobs, chunkBytes: 64)
        #expect(rejects.map(\.line) == [2, 5, 6])
        #expect(rejects.first?.reason == Self.reason("2015-12-31 23:59:59", "2016 to 2017"))
        #expect(result.dataset(.burglaryReports)?.accepted == 2)
    }
}

/// Keys seen before, repeated at random among new ones through every growth of the key
/// table (2,048 buckets at first, 16,384 at the end), are each a duplicate, or a conflict
/// when the response time differs from the standing version's, one thread or two; the
/// store keeps the last version of each.
@Suite struct KeyTableGrowthTests {
    @Test(arguments: [1, 2])
    func repeatsAreFoundAcrossGrowth(jobs: Int) throws {
        var text = alarmHeader
        var standing: [Int] = []
        var (duplicates, conflicts) = (0, 0)
        var random = SplitMix(state: 0x6B65)
        for row in 0..<12_000 {
            var key = standing.count
            var response = 5
            if row % 3 == 2 {
                key = Int(random.next() % UInt64(standing.count))
                response = random.next() % 4 == 0 ? 6 + Int(random.next() % 3) : standing[key]
                duplicates += 1
                if response != standing[key] { conflicts += 1 }
                standing[key] = response
            } else {
                standing.append(response)
            }
            text += "K\(key),2017-03-05 09:07:00,宝山区,罗店镇,报警,盗窃,\(response),已处置\n"
        }
        let (result, rejects) = try ingest(["alarm_calls.csv": text], jobs: jobs, chunkBytes: 16 << 10)
        #expect(rejects.isEmpty)
        let file = try #require(result.dataset(.alarmCalls)?.files.first)
        #expect(counts(file) == [12_000, standing.count, 0, duplicates, conflicts])
        #expect(standing.count == 8_000 && conflicts > 500)
        let store = try #require(result.dataset(.alarmCalls)?.store)
        let slots = Array(store.slots(of: "response_seconds"))
        let wrong = slots.indices.first { slots[$0] != UInt64(standing[$0]) }
        #expect(slots.count == standing.count && wrong == nil, "record \(wrong ?? -1): \(wrong.map { slots[$0] } ?? 0) instead of \(wrong.map { standing[$0] } ?? 0)")
    }
}
