import CSVReading
import Ingest
import Schema

/// Records of an events dataset per value of its breakdown column (alarm calls by
/// category), per area and year: the category breakdown of the reports. Counts only; the
/// trend figures themselves are in `data/trends.csv`. Records with no value are left out.
public struct CategoryBreakdown: Sendable {
    public let dataset: Dataset
    /// Categories in byte order.
    public let categories: [String]
    public let years: [Int]
    /// counts[area name][category][year] (areas: 全市 and each district)
    let counts: [ExactText: [ExactText: [Int: Int]]]

    public init?(_ ingest: DatasetIngest, city: String = GovStatsConfig.defaultCity) {
        let store = ingest.store
        dataset = ingest.dataset
        guard let column = dataset.breakdown, let dateColumn = dataset.date, store.count > 0 else { return nil }
        let categoryValues = store.texts(column)
        let districtValues = store.texts(dataset.places.district)
        let categoryNames = categoryValues.names
        let districtNames = districtValues.names
        let dates = store.dates(dateColumn)
        // Counted in a flat array by slot numbers, then named: one array update per record.
        let categoryCount = categoryNames.count
        let districtCount = districtNames.count
        // The years of the earliest and latest days, which the month table already found.
        let months = MonthLookup(dates: dates)
        guard let days = months.days else { return nil }
        let firstYear = LocalDate(dayNumber: days.lowerBound).year
        let lastYear = LocalDate(dayNumber: days.upperBound).year
        let yearCount = lastYear - firstYear + 1
        var flat = Array(repeating: 0, count: districtCount * categoryCount * yearCount)
        let (categories, districts, dated) = (categoryValues.codes, districtValues.codes, dates.days)
        withExtendedLifetime((categoryValues, districtValues, dates)) {
            for record in 0..<store.count where categories[record] >= 0 {
                let year = months.month(ofDay: dated.day(record)) / 12 - firstYear
                flat[(districts[record] * categoryCount + categories[record]) * yearCount + year] += 1
            }
        }
        var counts: [ExactText: [ExactText: [Int: Int]]] = [:]
        var years: Set<Int> = []
        var seenCategories = Array(repeating: false, count: categoryCount)
        for district in 0..<districtCount {
            for category in 0..<categoryCount {
                for year in 0..<yearCount {
                    let count = flat[(district * categoryCount + category) * yearCount + year]
                    guard count > 0 else { continue }
                    years.insert(firstYear + year)
                    seenCategories[category] = true
                    for area in [city, districtNames[district]] {
                        counts[ExactText(area), default: [:]][ExactText(categoryNames[category]), default: [:]][firstYear + year, default: 0] += count
                    }
                }
            }
        }
        guard !years.isEmpty else { return nil }
        self.categories = categoryNames.indices.filter { seenCategories[$0] }.map { categoryNames[$0] }.sorted(by: utf8Less)
        self.years = years.sorted()
        self.counts = counts
    }

    /// Whether the area has any record with a value.
    public func covers(area: String) -> Bool {
        counts[ExactText(area)] != nil
    }

    public func count(area: String, category: String, year: Int) -> Int {
        counts[ExactText(area)]?[ExactText(category)]?[year] ?? 0
    }
}
