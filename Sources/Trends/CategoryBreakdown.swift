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
        dataset = ingest.dataset
        guard let column = dataset.breakdown, let dateColumn = dataset.date,
              let groups = ingest.store.groups(.breakdown), groups.count > 0 else { return nil }
        let categoryValues = groups.texts(column)
        let districtValues = groups.texts(dataset.places.district)
        let categoryNames = categoryValues.names
        let districtNames = districtValues.names
        let groupYears = groups.years(dateColumn)
        // Counted in a flat array by slot numbers, then named: one array update per group.
        let categoryCount = categoryNames.count
        let districtCount = districtNames.count
        let known = groupYears.compactMap { $0 }
        guard let firstYear = known.min(), let lastYear = known.max() else { return nil }
        let yearCount = lastYear - firstYear + 1
        var flat = Array(repeating: 0, count: districtCount * categoryCount * yearCount)
        let (categories, districts, sizes) = (categoryValues.codes, districtValues.codes, groups.sizes)
        withExtendedLifetime((categoryValues, districtValues)) {
            for group in 0..<groups.count where categories[group] >= 0 {
                guard let year = groupYears[group] else { continue }
                flat[(districts[group] * categoryCount + categories[group]) * yearCount + year - firstYear] += sizes[group]
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
