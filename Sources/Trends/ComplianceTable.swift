import CSVReading
import Ingest
import Schema

/// One row of `data/compliance.csv`: the safe-community rate of an area in a period.
public struct ComplianceRow: Equatable, Sendable {
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

    public static let csvHeader = ["area_level", "area", "period", "assessed", "compliant",
                                   "rate_pct", "prior_rate_pct", "change_pts"]

    public var csvFields: [String] {
        [areaLevel.rawValue, area, period.description, String(assessed), String(compliant),
         ratePercent, priorRatePercent ?? "", changePoints ?? ""]
    }
}

/// Compliance rates per area and period (city, district, street), a pure function of the
/// standing safe_community records.
public enum ComplianceTable {
    public static func rows(_ ingest: DatasetIngest) -> [ComplianceRow] {
        let store = ingest.store
        guard ingest.dataset == .safeCommunity, store.count > 0 else { return [] }
        let districts = store.slots(of: "district")
        let districtNames = store.texts(of: "district")
        let streets = store.slots(of: "street")
        let streetNames = store.texts(of: "street")
        let periods = store.slots(of: "period")
        let flags = store.slots(of: "compliant")

        struct Key: Hashable {
            let area: Area
            let period: Period
        }
        var tallies: [Key: (assessed: Int, compliant: Int)] = [:]
        for record in 0..<store.count {
            let period = Slot.period(periods[record])
            let district = districtNames[Int(districts[record])]
            var areas = [Area.city, Area(level: .district, name: district)]
            if !Slot.isEmpty(streets[record]) {
                areas.append(Area(level: .street, name: district + "/" + streetNames[Int(streets[record])]))
            }
            let compliant = flags[record] == 1 ? 1 : 0
            for area in areas {
                let key = Key(area: area, period: period)
                let tally = tallies[key] ?? (0, 0)
                tallies[key] = (tally.assessed + 1, tally.compliant + compliant)
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
                areaLevel: key.area.level, area: key.area.name, period: key.period,
                assessed: tally.assessed, compliant: tally.compliant,
                ratePercent: Percent.format(numerator: tally.compliant * 100, denominator: tally.assessed),
                priorRatePercent: prior.map { Percent.format(numerator: $0.compliant * 100, denominator: $0.assessed) },
                changePoints: change,
                priorAssessed: prior?.assessed ?? 0, priorCompliant: prior?.compliant ?? 0)
        }.sorted { utf8Less($0.csvFields, $1.csvFields) }
    }
}
