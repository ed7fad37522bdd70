/// Makes the burglaries of one day, the same every time: the stream is keyed by (seed, day).
struct BurglarySource: Sendable {
    let seed: UInt64
    let scale: Scale
    let plan: BurglaryPlan

    func reports<Failure: Error>(day: Int, _ body: (BurglaryReport) throws(Failure) -> Void) throws(Failure) {
        var rng = SplitMix64(seed: seed, 2, 0, UInt64(day))
        let year = CivilDate(dayIndex: day).year - 2015
        let kangcheng = plan.kangcheng[day]
        let count = plan.others[day] + kangcheng
        let weights = plan.districtWeights[year]
        let totalWeight = weights.reduce(0, +)
        var nextKangcheng = 0
        for index in 0..<count {
            // 康城's cases sit at evenly spread places among the day's cases.
            let isKangcheng = nextKangcheng < kangcheng && index == (2 * nextKangcheng + 1) * count / (2 * kangcheng)
            let minute = Seasonality.minute(index: index, of: count, using: &rng)
            let district: Int
            let community: Int
            if isKangcheng {
                nextKangcheng += 1
                district = Shanghai.minhang
                community = 0
            } else {
                district = rng.pick(weights: weights, total: totalWeight)
                let communities = scale.communities(district: district)
                community = district == Shanghai.minhang ? 1 + rng.below(communities - 1) : rng.below(communities)
            }
            let street = rng.chance(perMille: 10) ? -1 : Shanghai.communityStreet(district: district, index: community)
            let dateOnly = rng.chance(perMille: 30)
            let premises = rng.pick(weights: BurglaryTables.premisesWeights, total: 1000)
            var loss = -1
            if !rng.chance(perMille: 30) {
                if rng.chance(perMille: 80) {
                    loss = 0
                } else {
                    loss = (200 + rng.below(8000)) * 100
                    if rng.chance(perMille: 50) { loss += rng.below(60_000) * 100 }
                    if rng.chance(perMille: 400) { loss += rng.below(100) }
                }
            }
            let status = rng.pick(weights: BurglaryTables.statusWeights[year], total: 1000)
            try body(BurglaryReport(
                day: day, sequence: index + 1, minute: dateOnly ? nil : minute, district: district,
                community: community, street: street, premises: premises, lossFen: loss, status: status,
                revisionRoll: rng.below(1000)
            ))
        }
    }
}
