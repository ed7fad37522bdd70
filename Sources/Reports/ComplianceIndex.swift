import CSVReading
import Schema
import Trends

/// Looks compliance rows up by area (UTF-8 bytes of the name, see `TrendIndex`) and period.
struct ComplianceIndex: Sendable {
    private struct AreaKey: Hashable {
        let level: AreaLevel
        let area: [UInt8]
    }

    /// Rows of each area in period order.
    private let byArea: [AreaKey: [ComplianceRow]]
    /// Area names of each level in byte order.
    private let names: [AreaLevel: [String]]
    /// The latest assessment period: the one ending last; a year before a half before a
    /// quarter when several end together (2017, not 2017H2 or 2017Q4).
    let latestPeriod: Period?
    /// Every period with a city row, in `Period` order.
    let periods: [Period]

    init(_ rows: [ComplianceRow], city: String) {
        var byArea: [AreaKey: [ComplianceRow]] = [:]
        var names: [AreaLevel: [String]] = [:]
        for row in rows {
            let key = AreaKey(level: row.areaLevel, area: Array(row.area.utf8))
            if byArea[key] == nil { names[row.areaLevel, default: []].append(row.area) }
            byArea[key, default: []].append(row)
        }
        for key in byArea.keys { byArea[key]!.sort { $0.period < $1.period } }
        for level in names.keys { names[level]!.sort(by: utf8Less) }
        self.byArea = byArea
        self.names = names
        let cityPeriods = (byArea[AreaKey(level: .city, area: Array(city.utf8))] ?? []).map(\.period)
        periods = cityPeriods
        latestPeriod = cityPeriods.max { lhs, rhs in
            let left = Self.endMonth(lhs)
            let right = Self.endMonth(rhs)
            return left != right ? left < right : lhs.kind > rhs.kind
        }
    }

    /// year * 12 + month - 1 of the period's last month.
    static func endMonth(_ period: Period) -> Int {
        switch period.kind {
        case .year: period.year * 12 + 11
        case .half: period.year * 12 + period.index * 6 - 1
        case .quarter: period.year * 12 + period.index * 3 - 1
        }
    }

    var isEmpty: Bool { byArea.isEmpty }

    func areas(_ level: AreaLevel) -> [String] { names[level] ?? [] }

    func rows(_ level: AreaLevel, _ area: String) -> [ComplianceRow] {
        byArea[AreaKey(level: level, area: Array(area.utf8))] ?? []
    }

    func row(_ level: AreaLevel, _ area: String, _ period: Period) -> ComplianceRow? {
        rows(level, area).first { $0.period == period }
    }
}
