/// The three kinds of export the pipeline reads, named as their folders are.
public enum DatasetKind: String, CaseIterable, Sendable, Comparable {
    case alarmCalls = "alarm_calls"
    case burglaryReports = "burglary_reports"
    case safeCommunity = "safe_community"

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// How a column's text becomes a value (DATA_CONTRACT.md section 1, "Values").
public enum ColumnType: Sendable, Equatable {
    case text
    case datetime
    case boolean
    /// integer >= 0
    case count
    /// decimal >= 0
    case amount
    /// decimal 0..100
    case score
    /// `YYYY`, `YYYYH1`/`YYYYH2`, `YYYYQ1`..`YYYYQ4`
    case period
}

/// One column of a dataset's table: its canonical name, whether a file must have it, its
/// type and the other headers it may go by in an export.
public struct ColumnSpec: Sendable, Equatable {
    public let name: String
    public let required: Bool
    public let type: ColumnType
    public let aliases: [String]

    public init(_ name: String, required: Bool, _ type: ColumnType, aliases: [String]) {
        self.name = name
        self.required = required
        self.type = type
        self.aliases = aliases
    }
}

extension DatasetKind {
    /// The columns in the contract's table order (the order that decides which bad value
    /// a rejected row is blamed on).
    public var columns: [ColumnSpec] {
        switch self {
        case .alarmCalls:
            [
                ColumnSpec("call_id", required: true, .text, aliases: ["接警编号", "警情编号"]),
                ColumnSpec("received_at", required: true, .datetime, aliases: ["接警时间", "报警时间"]),
                ColumnSpec("district", required: true, .text, aliases: ["区", "所属区", "行政区"]),
                ColumnSpec("street", required: false, .text, aliases: ["街镇", "街道"]),
                ColumnSpec("call_type", required: false, .text, aliases: ["警情类型"]),
                ColumnSpec("category", required: true, .text, aliases: ["警情类别"]),
                ColumnSpec("response_seconds", required: false, .count, aliases: ["到场用时", "到场时长"]),
                ColumnSpec("disposition", required: false, .text, aliases: ["处置结果"]),
            ]
        case .burglaryReports:
            [
                ColumnSpec("case_id", required: true, .text, aliases: ["案件编号"]),
                ColumnSpec("reported_at", required: true, .datetime, aliases: ["报案时间", "立案时间"]),
                ColumnSpec("district", required: true, .text, aliases: ["区", "所属区", "行政区"]),
                ColumnSpec("street", required: false, .text, aliases: ["街镇", "街道"]),
                ColumnSpec("community", required: true, .text, aliases: ["小区", "社区", "居委"]),
                ColumnSpec("premises", required: false, .text, aliases: ["场所"]),
                ColumnSpec("loss_yuan", required: false, .amount, aliases: ["损失金额"]),
                ColumnSpec("status", required: false, .text, aliases: ["案件状态"]),
            ]
        case .safeCommunity:
            [
                ColumnSpec("community_id", required: true, .text, aliases: ["小区编号"]),
                ColumnSpec("community", required: true, .text, aliases: ["小区", "小区名称"]),
                ColumnSpec("district", required: true, .text, aliases: ["区", "所属区", "行政区"]),
                ColumnSpec("street", required: false, .text, aliases: ["街镇", "街道"]),
                ColumnSpec("period", required: true, .period, aliases: ["考评期", "年度"]),
                ColumnSpec("compliant", required: true, .boolean, aliases: ["是否达标"]),
                ColumnSpec("score", required: false, .score, aliases: ["得分"]),
            ]
        }
    }

    /// The canonical columns whose values together make a record's key.
    public var keyColumns: [String] {
        switch self {
        case .alarmCalls: ["call_id"]
        case .burglaryReports: ["case_id"]
        case .safeCommunity: ["community_id", "period"]
        }
    }

    /// The column that dates a record (safe_community is dated by its period instead).
    public var dateColumn: String? {
        switch self {
        case .alarmCalls: "received_at"
        case .burglaryReports: "reported_at"
        case .safeCommunity: nil
        }
    }

    public func column(named name: String) -> ColumnSpec? {
        columns.first { $0.name == name }
    }
}
