import CSVReading
import Ingest
import Schema

/// One row of `data/compliance.csv`: the compliance rate of an area in a period.
public struct ComplianceRow: Equatable, Sendable {
    public let dataset: Dataset
    public let areaLevel: AreaLevel
    public let area: String
    public let period: Period
    public let assessed: Int
    public let compliant: Int
    public let ratePercent: String
    /// nil where the period before (same kind) has no assessments in this area.
    public let priorRatePercent: String?
    public let changePoints: String?
    public let priorAssessed: Int
    public let priorCompliant: Int

    public static let csvHeader = ["dataset", "area_level", "area", "period", "assessed", "compliant",
                                   "rate_pct", "prior_rate_pct", "change_pts"]

    public var csvFields: [String] {
        [dataset.name, areaLevel.rawValue, area, period.description, String(assessed), String(compliant),
         ratePercent, priorRatePercent ?? "", changePoints ?? ""]
    }
}

/// Compliance rates per area and period (city, district, street), a pure function of the
/// standing records of an assessments dataset.
public enum ComplianceTable {
    public static func rows(_ ingest: DatasetIngest, city: String = GovStatsConfig.defaultCity) -> [ComplianceRow] {
        let dataset = ingest.dataset
        guard let columns = dataset.complianceColumns, let groups = ingest.store.groups(.compliance), groups.count > 0 else { return [] }
        let districts = groups.texts(dataset.places.district)
        let streets = dataset.places.street.map(groups.texts)
        let periods = groups.periods(columns.period)
        let flags = groups.flags(columns.compliant)
        let sizes = groups.sizes
        let cityArea = Area(level: .city, name: city)

        struct Key: Hashable {
            let area: Area
            let period: Period
        }
        var tallies: [Key: (assessed: Int, compliant: Int)] = [:]
        for group in 0..<groups.count {
            let period = periods[group]
            guard let district = districts[group] else { continue }
            var areas = [cityArea, Area(level: .district, name: district)]
            if let street = streets?[group] {
                areas.append(Area(level: .street, name: district + "/" + street))
            }
            let records = sizes[group]
            let compliant = flags[group] == true ? records : 0
            for area in areas {
                let key = Key(area: area, period: period)
                let tally = tallies[key] ?? (0, 0)
                tallies[key] = (tally.assessed + records, tally.compliant + compliant)
            }
        }
        return tallies.map { key, tally in
            let prior = tallies[Key(area: key.area, period: key.period.previous)]
            var change: String?
            if let prior {
                // (c1/a1 - c0/a0) * 100, exactly, rounded once.
                change = Percent.format(
                    numerator: (tally.compliant * prior.assessed - prior.compliant * tally.assessed) * 100,
                    denominator: tally.assessed * prior.assessed)
            }
            return ComplianceRow(
                dataset: dataset, areaLevel: key.area.level, area: key.area.name, period: key.period,
                assessed: tally.assessed, compliant: tally.compliant,
                ratePercent: Percent.format(numerator: tally.compliant * 100, denominator: tally.assessed),
                priorRatePercent: prior.map { Percent.format(numerator: $0.compliant * 100, denominator: $0.assessed) },
                changePoints: change,
                priorAssessed: prior?.assessed ?? 0, priorCompliant: prior?.compliant ?? 0)
        }.sorted { utf8Less($0.csvFields, $1.csvFields) }
    }
}
