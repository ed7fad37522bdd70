import CSVReading
import Foundation
import SampleData
import Testing

/// A small generation read back: the files, their headers and encodings, and the row
/// counts the generator promises.
@Suite struct ExportShapeTests {
    static let expectedFiles = [
        "alarm_calls/alarm_calls_2015-07-01.csv", "alarm_calls/alarm_calls_2016-01-01.csv",
        "alarm_calls/alarm_calls_2016-07-01.csv", "alarm_calls/alarm_calls_2017-01-01.csv",
        "alarm_calls/alarm_calls_2017-07-01.csv", "alarm_calls/alarm_calls_2018-01-01.csv",
        "alarm_calls/alarm_calls_2018-03-01.csv",
        "burglary_reports/burglary_reports_2016-01-05.csv", "burglary_reports/burglary_reports_2017-01-05.csv",
        "burglary_reports/burglary_reports_2018-01-05.csv", "burglary_reports/burglary_reports_2018-03-01.csv",
        "safe_community/safe_community_2016-01-15.csv", "safe_community/safe_community_2017-01-15.csv",
        "safe_community/safe_community_2017-07-15.csv", "safe_community/safe_community_2018-01-15.csv",
    ]

    static let canonicalAlarm = ["call_id", "received_at", "district", "street", "call_type", "category", "response_seconds", "disposition"]
    static let canonicalBurglary = ["case_id", "reported_at", "district", "street", "community", "premises", "loss_yuan", "status"]
    static let canonicalSafe = ["community_id", "community", "district", "street", "period", "compliant", "score"]

    static let expectedHeaders: [String: [String]] = [
        "alarm_calls_2015-07-01.csv": canonicalAlarm,
        "alarm_calls_2016-01-01.csv": canonicalAlarm,
        "alarm_calls_2016-07-01.csv": ["接警编号", "接警时间", "所属区", "街镇", "警情类型", "警情类别", "到场用时", "处置结果"],
        "alarm_calls_2017-01-01.csv": ["Call_ID", " Received_At", "District ", "street", "CALL_TYPE", "Category", "response_seconds", "disposition"],
        "alarm_calls_2017-07-01.csv": canonicalAlarm,
        "alarm_calls_2018-01-01.csv": ["报警时间", "警情编号", "行政区", "街道", "警情类别", "警情类型", "到场时长", "处置结果", "接警员"],
        "alarm_calls_2018-03-01.csv": canonicalAlarm,
        "burglary_reports_2016-01-05.csv": canonicalBurglary,
        "burglary_reports_2017-01-05.csv": ["案件编号", "报案时间", "所属区", "街道", "小区", "场所", "损失金额", "案件状态"],
        "burglary_reports_2018-01-05.csv": canonicalBurglary,
        "burglary_reports_2018-03-01.csv": canonicalBurglary + ["handling_unit"],
        "safe_community_2016-01-15.csv": canonicalSafe,
        "safe_community_2017-01-15.csv": ["小区编号", "小区名称", "所属区", "街道", "年度", "是否达标", "得分"],
        "safe_community_2017-07-15.csv": canonicalSafe,
        "safe_community_2018-01-15.csv": canonicalSafe,
    ]

    /// 4,198 calls of 宝山区 per unit of scale, at least 1,500 elsewhere.
    static func expectedCalls(rows: Int) -> Int {
        let unit = max(1, rows / SampleDataGenerator.defaultRows)
        return max(rows, unit * 4_198 + 1_500)
    }

    /// 65 burglaries in 康城 per unit; at least one a day (1,155 days) elsewhere.
    static func expectedBurglaries(rows: Int) -> Int {
        let unit = max(1, rows / SampleDataGenerator.defaultRows)
        return unit * 65 + max(rows / 10 - unit * 65, 1_155)
    }

    /// 540 communities per unit, assessed for 2015, 2016 and 2017; 徐汇区 (36) and 浦东新区 (60)
    /// also for 2017H1 and 2017H2.
    static func expectedAssessments(rows: Int) -> Int {
        let unit = max(1, rows / SampleDataGenerator.defaultRows)
        return unit * (540 * 3 + 96 * 2)
    }

    @Test(arguments: [2_000, 61_000])
    func filesHeadersAndCounts(rows: Int) throws {
        let folder = try Scratch.generate(rows: rows, seed: 11, label: "shape")
        defer { Scratch.remove(folder) }
        #expect(try Scratch.files(in: folder) == Self.expectedFiles)

        let alarm = try StandingDataset(folder: folder + "/alarm_calls", dataset: .alarmCalls)
        let burglary = try StandingDataset(folder: folder + "/burglary_reports", dataset: .burglaryReports)
        let safe = try StandingDataset(folder: folder + "/safe_community", dataset: .safeCommunity)
        for data in [alarm, burglary, safe] {
            for (file, header) in data.headers {
                #expect(header == Self.expectedHeaders[file], "header of \(file)")
            }
            for outcome in data.outcomes {
                #expect(outcome.rowsRead == outcome.accepted + outcome.rejected + outcome.duplicates, "\(outcome)")
                #expect(outcome.conflicts <= outcome.duplicates)
            }
            let read = data.outcomes.reduce(0) { $0 + $1.rowsRead }
            #expect(data.rejections.count * 100 < read, "rejects stay under 1%")
        }
        #expect(alarm.standing.count == Self.expectedCalls(rows: rows))
        #expect(burglary.standing.count == Self.expectedBurglaries(rows: rows))
        #expect(safe.standing.count == Self.expectedAssessments(rows: rows))
        #expect(alarm.rejections.count == 6)
        #expect(burglary.rejections.count == 4)
        #expect(safe.rejections.count == 2)

        // A community's name is unique in its district: one id per (district, name).
        var ids: [String: Set<String>] = [:]
        for record in safe.records {
            ids[record["district"]! + "/" + record["community"]!, default: []].insert(record["community_id"]!)
        }
        #expect(ids.values.allSatisfy { $0.count == 1 })
        #expect(ids.count == Self.expectedAssessments(rows: rows) / (3 * 540 + 2 * 96) * 540)
        #expect(ids.keys.filter { $0.hasSuffix("/康城") } == ["闵行区/康城"])

        // Every district appears, and every first and last day is dated.
        let districts = Set(alarm.records.map { $0["district"]! })
        #expect(districts.count == 16)
        for (data, column) in [(alarm, "received_at"), (burglary, "reported_at")] {
            let dates = data.records.map { String($0[column]!.prefix(10)) }
            #expect(dates.min() == "2015-01-01")
            #expect(dates.max() == "2018-02-28")
        }
    }

    @Test func encodingsAndLineEndings() throws {
        let folder = try Scratch.generate(rows: 2_000, seed: 11, label: "bytes")
        defer { Scratch.remove(folder) }
        func bytes(_ file: String) -> [UInt8] { Array(FileManager.default.contents(atPath: folder + "/" + file)!) }

        let gb = "alarm_calls/alarm_calls_2016-07-01.csv"
        #expect(try StandingDataset.encoding(of: folder + "/" + gb) == .gb18030)
        #expect(bytes(gb).starts(with: [0xBD, 0xD3, 0xBE, 0xAF]))  // 接警 in GB18030
        for file in Self.expectedFiles where file != gb {
            #expect(try StandingDataset.encoding(of: folder + "/" + file) == .utf8, "\(file)")
        }
        #expect(bytes("alarm_calls/alarm_calls_2017-01-01.csv").starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(bytes("burglary_reports/burglary_reports_2018-01-05.csv").starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(!bytes("alarm_calls/alarm_calls_2015-07-01.csv").starts(with: [0xEF, 0xBB, 0xBF]))

        for file in ["alarm_calls/alarm_calls_2016-07-01.csv", "alarm_calls/alarm_calls_2017-07-01.csv",
                     "burglary_reports/burglary_reports_2017-01-05.csv", "safe_community/safe_community_2017-07-15.csv"] {
            let content = bytes(file)
            let crlf = zip(content, content.dropFirst()).filter { $0 == 0x0D && $1 == 0x0A }.count
            #expect(crlf > 10, "\(file) uses CRLF")
        }
        #expect(bytes("alarm_calls/alarm_calls_2015-07-01.csv").contains(0x0D) == false)
        #expect(bytes("alarm_calls/alarm_calls_2018-03-01.csv").last != 0x0A)
        #expect(bytes("alarm_calls/alarm_calls_2015-07-01.csv").last == 0x0A)
    }

    /// Quoted commas and line breaks at about the rates of the real exports.
    @Test func quotedFields() throws {
        let folder = try Scratch.generate(rows: 30_000, seed: 5, label: "quotes")
        defer { Scratch.remove(folder) }
        var rows = 0, commas = 0, breaks = 0, quotes = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder + "/alarm_calls") {
            let path = folder + "/alarm_calls/" + name
            try CSVFileReader.read(path: path, encoding: StandingDataset.encoding(of: path)) { record in
                rows += 1
                if record.fields.contains(where: { $0.contains(",") }) { commas += 1 }
                if record.fields.contains(where: { $0.contains("\n") }) { breaks += 1 }
                if record.fields.contains(where: { $0.contains("\"") }) { quotes += 1 }
            }
        }
        #expect((15...30).contains(commas * 1000 / rows), "\(commas) of \(rows) rows with a quoted comma")
        #expect((3...8).contains(breaks * 1000 / rows), "\(breaks) of \(rows) rows with a quoted line break")
        #expect(quotes > 0)
    }
}
