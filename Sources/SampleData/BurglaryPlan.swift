/// How many burglaries each day has: 康城's exactly as calibrated; the others at least one
/// a day (so the first and last days are dated), the rest by season and the districts'
/// yearly trends.
struct BurglaryPlan: Sendable {
    let kangcheng: [Int]
    let others: [Int]
    /// [year][district] weights for the district of a case outside 康城.
    let districtWeights: [[Int]]

    init(scale: Scale) {
        var kangcheng = Array(repeating: 0, count: CivilDate.dayCount)
        for (span, count) in Calibration.kangcheng {
            let parts = CountAllocation.split(count * scale.unit, weights: span.days.map(Seasonality.dayWeight))
            for (offset, part) in parts.enumerated() { kangcheng[span.first + offset] = part }
        }
        self.kangcheng = kangcheng
        districtWeights = (0..<4).map { year in Shanghai.districts.map { $0.burglaryWeight * $0.burglaryTrend[year] } }
        let yearTotals = districtWeights.map { $0.reduce(0, +) }
        let weights = (0..<CivilDate.dayCount).map { day in
            Seasonality.dayWeight(day) * yearTotals[CivilDate(dayIndex: day).year - 2015]
        }
        others = CountAllocation.split(scale.otherBurglaries - CivilDate.dayCount, weights: weights).map { $0 + 1 }
    }
}
