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
    private let tables: [Dataset: DatedTrends]
    /// The metrics of each dataset in the order of its declaration.
    private let metricsByDataset: [Dataset: [String]]
    /// Area names of each dataset and level, in byte order, without repeats.
    private let areasByDataset: [Dataset: [AreaLevel: [String]]]

    /// The name of the city level of areas.
    private let city: String

    init(_ tables: [DatedTrends], city: String) {
        self.city = city
        var byDataset: [Dataset: DatedTrends] = [:]
        var metrics: [Dataset: [String]] = [:]
        var areas: [Dataset: [AreaLevel: [String]]] = [:]
        for table in tables {
            byDataset[table.dataset] = table
            // The declaration's order: the dataset's own first metric leads.
            metrics[table.dataset] = table.metrics
            // `DatedTrends.areas` are distinct and in byte order within each level.
            var levels: [AreaLevel: [String]] = [:]
            for area in table.areas { levels[area.level, default: []].append(area.name) }
            areas[table.dataset] = levels
        }
        self.tables = byDataset
        self.metricsByDataset = metrics
        self.areasByDataset = areas
    }

    func metrics(_ dataset: Dataset) -> [String] { metricsByDataset[dataset] ?? [] }

    func areas(_ dataset: Dataset, _ level: AreaLevel) -> [String] { areasByDataset[dataset]?[level] ?? [] }

    func hasRows(_ dataset: Dataset) -> Bool { metricsByDataset[dataset] != nil }

    /// Months with no record citywide inside the dataset's span (see `DatedTrends.emptyMonths`).
    func emptyMonths(_ dataset: Dataset) -> [String] { tables[dataset]?.emptyMonths() ?? [] }

    func rows(_ dataset: Dataset, _ metric: String, _ level: AreaLevel, _ area: String, _ kind: PeriodKind) -> [TrendRow] {
        guard let table = tables[dataset], let metric = table.metricIndex(metric),
              let area = table.areaPosition(Area(level: level, name: area)) else { return [] }
        return table.series(metric: metric, area: area, kind: kind)
    }

    func row(_ dataset: Dataset, _ metric: String, _ level: AreaLevel, _ area: String, _ kind: PeriodKind, _ period: String) -> TrendRow? {
        rows(dataset, metric, level, area, kind).first { compareUTF8($0.period, period) == 0 }
    }

    /// The city's rows of the dataset's first metric: they fix the periods of the dataset.
    private func cityRows(_ dataset: Dataset, _ kind: PeriodKind) -> [TrendRow] {
        guard let metric = metrics(dataset).first else { return [] }
        return rows(dataset, metric, .city, city, kind)
    }

    /// The latest year wholly inside the dataset's data (`complete` true), if any.
    func latestCompleteYear(_ dataset: Dataset) -> String? {
        cityRows(dataset, .year).last { $0.complete }?.period
    }

    /// The year-to-date period label (`2018-01-01..2018-02-28`).
    func ytdPeriod(_ dataset: Dataset) -> String? {
        cityRows(dataset, .ytd).last?.period
    }
}
