/// How many calls each district has each day: 宝山区's exactly as calibrated, split into
/// the four kinds of `Calibration.BaoshanSpan`; the other districts share the rest of the
/// rows by population, yearly trend and season.
struct AlarmCallPlan: Sendable {
    /// [kind][day] for 宝山区.
    let baoshan: [[Int]]
    /// [district][day]; 宝山区's row is empty.
    let others: [[Int]]

    init(scale: Scale) {
        var baoshan = Array(repeating: Array(repeating: 0, count: CivilDate.dayCount), count: 4)
        for span in Calibration.baoshan {
            let weights = span.span.days.map(Seasonality.dayWeight)
            for (kind, count) in span.kinds.enumerated() {
                for (offset, part) in CountAllocation.split(count * scale.unit, weights: weights).enumerated() {
                    baoshan[kind][span.span.first + offset] = part
                }
            }
        }
        self.baoshan = baoshan

        let dayWeights = (0..<CivilDate.dayCount).map(Seasonality.dayWeight)
        let years = (0..<CivilDate.dayCount).map { CivilDate(dayIndex: $0).year - 2015 }
        var weights: [Int] = []
        weights.reserveCapacity(Shanghai.districts.count * CivilDate.dayCount)
        for district in Shanghai.districts {
            for day in 0..<CivilDate.dayCount {
                weights.append(district.callWeight == 0 ? 0 : district.callWeight * district.callTrend[years[day]] * dayWeights[day])
            }
        }
        let parts = CountAllocation.split(scale.otherCalls, weights: weights)
        others = (0..<Shanghai.districts.count).map { district in
            Array(parts[(district * CivilDate.dayCount)..<((district + 1) * CivilDate.dayCount)])
        }
    }
}
