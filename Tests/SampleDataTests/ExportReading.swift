import CSVReading
import Foundation
import SampleData

/// Reads generated exports back the way the contract says, written here from the contract
/// alone (no generator internals): headers matched by alias, rows validated, the last
/// version of each key standing, in file order.
enum DatasetName: String, CaseIterable {
    case alarmCalls = "alarm_calls"
    case burglaryReports = "burglary_reports"
    case safeCommunity = "safe_community"

    enum Kind { case text, datetime, boolean, count, amount, score, period }

    /// (canonical, required, kind, aliases) in the contract's table order.
    var columns: [(String, Bool, Kind, [String])] {
        switch self {
        case .alarmCalls:
            [("call_id", true, .text, ["接警编号", "警情编号"]),
             ("received_at", true, .datetime, ["接警时间", "报警时间"]),
             ("district", true, .text, ["区", "所属区", "行政区"]),
             ("street", false, .text, ["街镇", "街道"]),
             ("call_type", false, .text, ["警情类型"]),
             ("category", true, .text, ["警情类别"]),
             ("response_seconds", false, .count, ["到场用时", "到场时长"]),
             ("disposition", false, .text, ["处置结果"])]
        case .burglaryReports:
            [("case_id", true, .text, ["案件编号"]),
             ("reported_at", true, .datetime, ["报案时间", "立案时间"]),
             ("district", true, .text, ["区", "所属区", "行政区"]),
             ("street", false, .text, ["街镇", "街道"]),
             ("community", true, .text, ["小区", "社区", "居委"]),
             ("premises", false, .text, ["场所"]),
             ("loss_yuan", false, .amount, ["损失金额"]),
             ("status", false, .text, ["案件状态"])]
        case .safeCommunity:
            [("community_id", true, .text, ["小区编号"]),
             ("community", true, .text, ["小区", "小区名称"]),
             ("district", true, .text, ["区", "所属区", "行政区"]),
             ("street", false, .text, ["街镇", "街道"]),
             ("period", true, .period, ["考评期", "年度"]),
             ("compliant", true, .boolean, ["是否达标"]),
             ("score", false, .score, ["得分"])]
        }
    }

    func key(_ record: [String: String]) -> String {
        switch self {
        case .alarmCalls: record["call_id"]!
        case .burglaryReports: record["case_id"]!
        case .safeCommunity: record["community_id"]! + "|" + record["period"]!
        }
    }
}

struct FileOutcome: Equatable, CustomStringConvertible {
    var file: String
    var rowsRead = 0
    var accepted = 0
    var rejected = 0
    var duplicates = 0
    var conflicts = 0

    var description: String {
        "\(file): read \(rowsRead), accepted \(accepted), rejected \(rejected), duplicates \(duplicates), conflicts \(conflicts)"
    }
}

struct Rejection: Equatable, CustomStringConvertible {
    var file: String
    var line: Int
    var column: String
    var description: String { "\(file) line \(line) column '\(column)'" }
}

/// One dataset read from a folder of exports.
struct StandingDataset {
    var headers: [String: [String]] = [:]
    var outcomes: [FileOutcome] = []
    var rejections: [Rejection] = []
    /// key → canonical column → parsed value (datetimes as `YYYY-MM-DD HH:MM:SS`,
    /// booleans as true/false, other values trimmed).
    var standing: [String: [String: String]] = [:]

    var records: Dictionary<String, [String: String]>.Values { standing.values }

    init(folder: String, dataset: DatasetName) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".csv") }.sorted {
            Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
        }
        for name in names {
            try read(path: folder + "/" + name, name: name, dataset: dataset)
        }
    }

    static func encoding(of path: String) throws -> TextEncoding {
        var validator = UTF8Validator()
        try FileBlocks.forEach(path: path) { validator.feed($0) }
        validator.finish()
        return validator.isValid ? .utf8 : .gb18030
    }

    private mutating func read(path: String, name: String, dataset: DatasetName) throws {
        var outcome = FileOutcome(file: name)
        var mapping: [Int: String] = [:]
        var headerCount = 0
        var first = true
        try CSVFileReader.read(path: path, encoding: Self.encoding(of: path)) { record in
            if record.isBlank { return }
            if first {
                first = false
                headers[name] = record.fields
                headerCount = record.fields.count
                for (index, header) in record.fields.enumerated() {
                    let wanted = header.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
                    if let column = dataset.columns.first(where: { $0.0 == wanted || $0.3.contains(wanted) }) {
                        mapping[index] = column.0
                    }
                }
                return
            }
            outcome.rowsRead += 1
            guard record.problem == nil, record.fields.count == headerCount else {
                outcome.rejected += 1
                rejections.append(Rejection(file: name, line: record.line, column: ""))
                return
            }
            var values: [String: String] = [:]
            for (index, field) in record.fields.enumerated() {
                if let column = mapping[index] { values[column] = field.trimmingCharacters(in: .whitespacesAndNewlines) }
            }
            for (column, required, kind, _) in dataset.columns {
                let text = values[column] ?? ""
                if text.isEmpty {
                    if required {
                        outcome.rejected += 1
                        rejections.append(Rejection(file: name, line: record.line, column: column))
                        return
                    }
                    continue
                }
                guard let parsed = Self.parse(text, kind) else {
                    outcome.rejected += 1
                    rejections.append(Rejection(file: name, line: record.line, column: column))
                    return
                }
                values[column] = parsed
            }
            let key = dataset.key(values)
            if let standingVersion = standing[key] {
                outcome.duplicates += 1
                if standingVersion != values {
                    outcome.conflicts += 1
                    standing[key] = values
                }
            } else {
                outcome.accepted += 1
                standing[key] = values
            }
        }
        outcomes.append(outcome)
    }

    static func parse(_ text: String, _ kind: DatasetName.Kind) -> String? {
        switch kind {
        case .text: return text
        case .datetime: return dateTime(text)
        case .boolean:
            switch text.lowercased() {
            case "是", "达标", "合格", "true", "yes", "y", "1": return "true"
            case "否", "未达标", "不合格", "false", "no", "n", "0": return "false"
            default: return nil
            }
        case .count: return text.allSatisfy { $0.isASCII && $0.isNumber } ? text : nil
        case .amount, .score:
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
            if kind == .score, let value = Double(text), value > 100 { return nil }
            return text
        case .period:
            let upper = text.uppercased()
            let year = upper.prefix(4)
            guard year.count == 4, year.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            let rest = upper.dropFirst(4)
            let valid = rest.isEmpty || ["H1", "H2", "Q1", "Q2", "Q3", "Q4"].contains(String(rest))
            return valid ? upper : nil
        }
    }

    /// The contract's built-in datetime forms, normalized to `YYYY-MM-DD HH:MM:SS`:
    /// `YYYY-MM-DD[( |T)HH:MM[:SS]]` (`T` only with seconds) and `YYYY/M/D[ H:MM[:SS]]`.
    static func dateTime(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        var position = 0
        func number(minDigits: Int, maxDigits: Int) -> Int? {
            var value = 0
            var digits = 0
            while position < bytes.count, digits < maxDigits, (0x30...0x39).contains(bytes[position]) {
                value = value * 10 + Int(bytes[position] - 0x30)
                position += 1
                digits += 1
            }
            return digits >= minDigits ? value : nil
        }
        func skip(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }
        guard let year = number(minDigits: 4, maxDigits: 4) else { return nil }
        let slashed = position < bytes.count && bytes[position] == 0x2F
        let separator: UInt8 = slashed ? 0x2F : 0x2D
        let width = slashed ? 1 : 2
        guard skip(separator), let month = number(minDigits: width, maxDigits: 2),
              skip(separator), let day = number(minDigits: width, maxDigits: 2) else { return nil }
        var hour = 0, minute = 0, second = 0
        if position < bytes.count {
            let isoT = !slashed && skip(0x54)
            guard isoT || skip(0x20) else { return nil }
            guard let h = number(minDigits: width, maxDigits: 2), skip(0x3A),
                  let m = number(minDigits: 2, maxDigits: 2) else { return nil }
            hour = h
            minute = m
            if skip(0x3A) {
                guard let s = number(minDigits: 2, maxDigits: 2) else { return nil }
                second = s
            } else if isoT {
                return nil
            }
            guard position == bytes.count else { return nil }
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...monthDays[month - 1]).contains(day),
              hour < 24, minute < 60, second < 60 else { return nil }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(hour)):\(two(minute)):\(two(second))"
    }
}

/// Temporary folders and generations shared by the tests.
enum Scratch {
    static func makeFolder(_ label: String) -> String {
        var template = Array((NSTemporaryDirectory() + "/govstats-\(label)-XXXXXX").utf8CString)
        let path = template.withUnsafeMutableBufferPointer { buffer in String(cString: mkdtemp(buffer.baseAddress!)!) }
        return path
    }

    static func generate(rows: Int = SampleDataGenerator.defaultRows, seed: UInt64 = SampleDataGenerator.defaultSeed,
                         label: String) throws -> String {
        let folder = makeFolder(label)
        try SampleDataGenerator(rows: rows, seed: seed).write(to: folder)
        return folder
    }

    /// Every file under the three dataset folders, relative, in order.
    static func files(in folder: String) throws -> [String] {
        try ["alarm_calls", "burglary_reports", "safe_community"].flatMap { dataset in
            try FileManager.default.contentsOfDirectory(atPath: folder + "/" + dataset).sorted().map { dataset + "/" + $0 }
        }
    }

    static func remove(_ folder: String) {
        try? FileManager.default.removeItem(atPath: folder)
    }

    static let repositoryRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/SampleDataTests/ExportReading.swift
        return parts.joined(separator: "/")
    }()
}

/// The published figures' rounding: one decimal, half away from zero.
func percentChange(from prior: Int, to value: Int) -> String {
    let scaled = (value - prior) * 1000  // tenths of a percent, times prior
    let magnitude = (abs(scaled) * 2 + prior) / (2 * prior)
    let tenths = scaled < 0 ? -magnitude : magnitude
    let sign = tenths < 0 ? "-" : ""
    return "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10)"
}
