import CSVReading
import Schema
import Trends

/// Looks trend rows up by their fields. The reports take every trend figure from here, that
/// is from the rows of `data/trends.csv`, made by the same `DatedTrends` that writes the
/// file, never recomputed another way. Rows are made when asked for, one series at a time,
/// so a table of millions of rows (a row per community and month) is never held whole.
///
/// Area names are keyed by their UTF-8 bytes: Swift's `String` equality is canonical
/// equivalence, which would take `Café` (NFC) and `Café` (NFD) for one area.
struct TrendIndex: Sendable {
    private let tables: [DatasetKind: DatedTrends]
    /// The metrics of each dataset in the contract's order (others after, in byte order).
    private let metricsByDataset: [DatasetKind: [String]]
    /// Area names of each dataset and level, in byte order, without repeats.
    private let areasByDataset: [DatasetKind: [AreaLevel: [String]]]

    static let contractMetrics: [DatasetKind: [String]] = [
        .alarmCalls: ["calls", "alarm_calls", "theft_calls"],
        .burglaryReports: ["burglaries", "cleared"],
    ]

    init(_ tables: [DatedTrends]) {
        var byDataset: [DatasetKind: DatedTrends] = [:]
        var metrics: [DatasetKind: [String]] = [:]
        var areas: [DatasetKind: [AreaLevel: [String]]] = [:]
        for table in tables {
            byDataset[table.dataset] = table
            let order = Self.contractMetrics[table.dataset] ?? []
            metrics[table.dataset] = table.metrics.sorted { lhs, rhs in
                let left = order.firstIndex(of: lhs) ?? order.count
                let right = order.firstIndex(of: rhs) ?? order.count
                return left != right ? left < right : utf8Less(lhs, rhs)
            }
            // `DatedTrends.areas` are distinct and in byte order within each level.
            var levels: [AreaLevel: [String]] = [:]
            for area in table.areas { levels[area.level, default: []].append(area.name) }
            areas[table.dataset] = levels
        }
        self.tables = byDataset
        self.metricsByDataset = metrics
        self.areasByDataset = areas
    }

    func metrics(_ dataset: DatasetKind) -> [String] { metricsByDataset[dataset] ?? [] }

    func areas(_ dataset: DatasetKind, _ level: AreaLevel) -> [String] { areasByDataset[dataset]?[level] ?? [] }

    func hasRows(_ dataset: DatasetKind) -> Bool { metricsByDataset[dataset] != nil }

    /// Months with no record citywide inside the dataset's span (see `DatedTrends.emptyMonths`).
    func emptyMonths(_ dataset: DatasetKind) -> [String] { tables[dataset]?.emptyMonths() ?? [] }

    func rows(_ dataset: DatasetKind, _ metric: String, _ level: AreaLevel, _ area: String, _ kind: PeriodKind) -> [TrendRow] {
        guard let table = tables[dataset], let metric = table.metricIndex(metric),
              let area = table.areaPosition(Area(level: level, name: area)) else { return [] }
        return table.series(metric: metric, area: area, kind: kind)
    }

    func row(_ dataset: DatasetKind, _ metric: String, _ level: AreaLevel, _ area: String, _ kind: PeriodKind, _ period: String) -> TrendRow? {
        rows(dataset, metric, level, area, kind).first { compareUTF8($0.period, period) == 0 }
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
