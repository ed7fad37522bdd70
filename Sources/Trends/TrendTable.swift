import CSVReading
import Ingest
import Schema

/// One row of `data/trends.csv` (DATA_CONTRACT.md section 2).
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

public enum AreaLevel: String, Sendable, CaseIterable, Comparable {
    case city, district, street, community

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public enum PeriodKind: String, Sendable, CaseIterable {
    case year, quarter, month, ytd
}

/// The area of every record: `全市`, a district, `district/street`, `district/community`.
public struct Area: Hashable, Sendable {
    public let level: AreaLevel
    public let name: String
    public static let city = Area(level: .city, name: "全市")

    public init(level: AreaLevel, name: String) {
        self.level = level
        self.name = name
    }

    /// Names are compared by their bytes (see `ExactText`).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.level == rhs.level && ExactText(lhs.name) == ExactText(rhs.name)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(level)
        hasher.combine(ExactText(name))
    }
}

/// The date span a dataset's records cover.
public struct DataSpan: Equatable, Sendable {
    /// The earliest record date.
    public let first: LocalDate
    /// The latest record date (the month's last day for a month-precision latest record).
    public let asOf: LocalDate

    public init(first: LocalDate, asOf: LocalDate) {
        self.first = first
        self.asOf = asOf
    }

    /// `2018-01-01..2018-02-28`
    public var ytd: (start: LocalDate, end: LocalDate) {
        (LocalDate(year: asOf.year, month: 1, day: 1)!, asOf)
    }

    /// The same span one year earlier; 29 February maps to 28 February.
    public var priorYtd: (start: LocalDate, end: LocalDate) {
        let year = asOf.year - 1
        let day = min(asOf.day, LocalDate.daysInMonth(year: year, month: asOf.month))
        return (LocalDate(year: year, month: 1, day: 1)!, LocalDate(year: year, month: asOf.month, day: day)!)
    }

    public var ytdLabel: String { "\(ytd.start)..\(ytd.end)" }
    public var priorYtdLabel: String { "\(priorYtd.start)..\(priorYtd.end)" }
}
