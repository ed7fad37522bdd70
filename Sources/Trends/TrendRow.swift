import CSVReading
import Ingest
import Schema

/// One row of `data/trends.csv` (docs/reference.md).
public struct TrendRow: Equatable, Sendable {
    public let dataset: Dataset
    public let metric: String
    public let areaLevel: AreaLevel
    public let area: String
    public let periodKind: PeriodKind
    public let period: String
    public let value: Int
    public let priorValue: Int
    /// nil when the prior value is 0 or the prior period precedes the dataset's data.
    public let changePercent: String?
    public let complete: Bool

    public var csvFields: [String] {
        [dataset.name, metric, areaLevel.rawValue, area, periodKind.rawValue, period,
         String(value), String(priorValue), changePercent ?? "", complete ? "true" : "false"]
    }

    /// The order of `data/trends.csv`: its fields left to right in UTF-8 byte order
    /// (`utf8Less` on `csvFields`), compared field by field without making the fields of
    /// every row first. The first six name a row, so they decide unless rows repeat.
    public static func csvOrder(_ lhs: TrendRow, _ rhs: TrendRow) -> Bool {
        var order = compareUTF8(lhs.dataset.name, rhs.dataset.name)
        if order == 0 { order = compareUTF8(lhs.metric, rhs.metric) }
        if order == 0 { order = compareUTF8(lhs.areaLevel.rawValue, rhs.areaLevel.rawValue) }
        if order == 0 { order = compareUTF8(lhs.area, rhs.area) }
        if order == 0 { order = compareUTF8(lhs.periodKind.rawValue, rhs.periodKind.rawValue) }
        if order == 0 { order = compareUTF8(lhs.period, rhs.period) }
        if order == 0 { return utf8Less(lhs.csvFields, rhs.csvFields) }
        return order < 0
    }

    public static let csvHeader = ["dataset", "metric", "area_level", "area", "period_kind", "period",
                                   "value", "prior_value", "change_pct", "complete"]
}

public enum PeriodKind: String, Sendable, CaseIterable {
    case year, quarter, month, ytd
}
