import CSVReading
import Schema
import Trends

/// Looks trend rows up by their fields. The reports take every trend figure from here, that
/// is from `data/trends.csv`'s rows as given, never recomputed.
///
/// Area names are keyed by their UTF-8 bytes: Swift's `String` equality is canonical
/// equivalence, which would take `Café` (NFC) and `Café` (NFD) for one area.
struct TrendIndex: Sendable {
    struct SeriesKey: Hashable, Sendable {
        let dataset: DatasetKind
        let metric: String
        let level: AreaLevel
        let area: [UInt8]
        let kind: PeriodKind
    }

    /// Rows of each series in period order.
    private let series: [SeriesKey: [TrendRow]]
    /// The metrics of each dataset in the contract's order (others after, in byte order).
    private let metricsByDataset: [DatasetKind: [String]]
    /// Area names of each dataset and level, in byte order, without repeats.
    private let areasByDataset: [DatasetKind: [AreaLevel: [String]]]

    static let contractMetrics: [DatasetKind: [String]] = [
        .alarmCalls: ["calls", "alarm_calls", "theft_calls"],
        .burglaryReports: ["burglaries", "cleared"],
    ]

    init(_ rows: [TrendRow]) {
        var series: [SeriesKey: [TrendRow]] = [:]
        var metrics: [DatasetKind: [String]] = [:]
        var areas: [DatasetKind: [AreaLevel: [String]]] = [:]
        var seenMetric: Set<[String]> = []
        var seenArea: Set<AreaKey> = []
        for row in rows {
            let area = Array(row.area.utf8)
            let key = SeriesKey(dataset: row.dataset, metric: row.metric, level: row.areaLevel, area: area, kind: row.periodKind)
            series[key, default: []].append(row)
            if seenMetric.insert([row.dataset.rawValue, row.metric]).inserted {
                metrics[row.dataset, default: []].append(row.metric)
            }
            if seenArea.insert(AreaKey(dataset: row.dataset, level: row.areaLevel, area: area)).inserted {
                areas[row.dataset, default: [:]][row.areaLevel, default: []].append(row.area)
            }
        }
        for key in series.keys {
            series[key]!.sort { Self.periodLess($0.period, $1.period) }
        }
        for (dataset, names) in metrics {
            let order = Self.contractMetrics[dataset] ?? []
            metrics[dataset] = names.sorted { lhs, rhs in
                let left = order.firstIndex(of: lhs) ?? order.count
                let right = order.firstIndex(of: rhs) ?? order.count
                return left != right ? left < right : utf8Less(lhs, rhs)
            }
        }
        for dataset in areas.keys {
            for level in areas[dataset]!.keys {
                areas[dataset]![level]!.sort(by: utf8Less)
            }
        }
        self.series = series
        self.metricsByDataset = metrics
        self.areasByDataset = areas
    }

    private struct AreaKey: Hashable {
        let dataset: DatasetKind
        let level: AreaLevel
        let area: [UInt8]
    }

    /// Periods of one kind sort by their text (`2017`, `2017Q1`, `2017-02`), years as numbers.
    static func periodLess(_ lhs: String, _ rhs: String) -> Bool {
        if lhs.utf8.count != rhs.utf8.count, let left = Int(lhs), let right = Int(rhs) { return left < right }
        return utf8Less(lhs, rhs)
    }

    func metrics(_ dataset: DatasetKind) -> [String] { metricsByDataset[dataset] ?? [] }

    func areas(_ dataset: DatasetKind, _ level: AreaLevel) -> [String] { areasByDataset[dataset]?[level] ?? [] }

    func hasRows(_ dataset: DatasetKind) -> Bool { metricsByDataset[dataset] != nil }

    func rows(_ dataset: DatasetKind, _ metric: String, _ level: AreaLevel, _ area: String, _ kind: PeriodKind) -> [TrendRow] {
        series[SeriesKey(dataset: dataset, metric: metric, level: level, area: Array(area.utf8), kind: kind)] ?? []
    }

    func row(_ dataset: DatasetKind, _ metric: String, _ level: AreaLevel, _ area: String, _ kind: PeriodKind, _ period: String) -> TrendRow? {
        rows(dataset, metric, level, area, kind).first { $0.period == period }
    }

    /// The city's rows of the dataset's first metric: they fix the periods of the dataset.
    private func cityRows(_ dataset: DatasetKind, _ kind: PeriodKind) -> [TrendRow] {
        guard let metric = metrics(dataset).first else { return [] }
        return rows(dataset, metric, .city, Area.city.name, kind)
    }

    /// The latest year wholly inside the dataset's data (`complete` true), if any.
    func latestCompleteYear(_ dataset: DatasetKind) -> String? {
        cityRows(dataset, .year).last { $0.complete }?.period
    }

    /// The year-to-date period label (`2018-01-01..2018-02-28`).
    func ytdPeriod(_ dataset: DatasetKind) -> String? {
        cityRows(dataset, .ytd).last?.period
    }
}
