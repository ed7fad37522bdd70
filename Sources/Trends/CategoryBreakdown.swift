import CSVReading
import Ingest
import Schema

/// Alarm calls per category, per area and year: the category breakdown of the reports.
/// Counts only; the trend figures themselves are in `data/trends.csv`.
public struct CategoryBreakdown: Sendable {
    /// Categories in byte order.
    public let categories: [String]
    public let years: [Int]
    /// counts[area name][category][year] (areas: 全市 and each district)
    let counts: [ExactText: [ExactText: [Int: Int]]]

    public init?(_ ingest: DatasetIngest) {
        let store = ingest.store
        guard ingest.dataset == .alarmCalls, store.count > 0 else { return nil }
        let categoryNames = store.texts(of: "category")
        let districtNames = store.texts(of: "district")
        let categorySlots = store.slots(of: "category")
        let districtSlots = store.slots(of: "district")
        let dates = store.slots(of: "received_at")
        var counts: [ExactText: [ExactText: [Int: Int]]] = [:]
        var years: Set<Int> = []
        for record in 0..<store.count {
            let year = LocalDate(dayNumber: Slot.dayNumber(dates[record])).year
            years.insert(year)
            let category = categoryNames[Int(categorySlots[record])]
            for area in [Area.city.name, districtNames[Int(districtSlots[record])]] {
                counts[ExactText(area), default: [:]][ExactText(category), default: [:]][year, default: 0] += 1
            }
        }
        self.categories = Set(categorySlots).map { categoryNames[Int($0)] }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        self.years = years.sorted()
        self.counts = counts
    }

    /// Whether the area has any alarm calls.
    public func covers(area: String) -> Bool {
        counts[ExactText(area)] != nil
    }

    public func count(area: String, category: String, year: Int) -> Int {
        counts[ExactText(area)]?[ExactText(category)]?[year] ?? 0
    }
}
