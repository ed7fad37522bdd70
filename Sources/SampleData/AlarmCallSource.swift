/// Makes the calls of one district and day, the same every time it is asked: the stream
/// is keyed by (seed, district, day), so an export and the next one that overlaps it
/// write the same calls.
struct AlarmCallSource: Sendable {
    let seed: UInt64
    let plan: AlarmCallPlan

    func calls<Failure: Error>(district: Int, day: Int, _ body: (AlarmCall) throws(Failure) -> Void) throws(Failure) {
        var rng = SplitMix64(seed: seed, 1, UInt64(district), UInt64(day))
        let year = CivilDate(dayIndex: day).year - 2015
        let info = Shanghai.districts[district]
        if district == Shanghai.baoshan {
            var remaining = plan.baoshan.map { $0[day] }
            var left = remaining.reduce(0, +)
            let count = left
            for index in 0..<count {
                // Draw the kind without replacement, so each kind's count is exact.
                var target = rng.below(left)
                var kind = 0
                while target >= remaining[kind] {
                    target -= remaining[kind]
                    kind += 1
                }
                remaining[kind] -= 1
                left -= 1
                let minute = Seasonality.minute(index: index, of: count, using: &rng)
                let street = rng.chance(perMille: 10) ? -1 : rng.below(info.streets.count)
                let callType = kind < 2
                    ? AlarmCallTables.alarm
                    : rng.pick(weights: AlarmCallTables.baoshanOtherTypeWeights, total: 100)
                let theft = kind == 0 || kind == 2
                try body(finish(district: district, day: day, index: index, minute: minute, street: street,
                                callType: callType, theft: theft, rng: &rng))
            }
        } else {
            let count = plan.others[district][day]
            for index in 0..<count {
                let minute = Seasonality.minute(index: index, of: count, using: &rng)
                let street = rng.chance(perMille: 10) ? -1 : rng.below(info.streets.count)
                let callType = rng.pick(weights: AlarmCallTables.callTypeWeights, total: 1000)
                let theft = rng.chance(perMille: info.theftShare[year])
                try body(finish(district: district, day: day, index: index, minute: minute, street: street,
                                callType: callType, theft: theft, rng: &rng))
            }
        }
    }

    private func finish(district: Int, day: Int, index: Int, minute: Int, street: Int,
                        callType: Int, theft: Bool, rng: inout SplitMix64) -> AlarmCall {
        let categoryWeights = theft ? AlarmCallTables.theftWeights : AlarmCallTables.otherWeights[callType]
        let category = rng.pick(weights: categoryWeights, total: 100)
        var response = -1
        if callType != AlarmCallTables.consultation && !rng.chance(perMille: 40) {
            response = 150 + rng.below(420)
            if district >= Shanghai.minhang { response += rng.below(240) }
            if rng.chance(perMille: 80) { response += rng.below(1800) }
        }
        let roll = rng.below(1000)
        let disposition: Int
        if roll < 20 {
            disposition = 10 + roll % 3
        } else if roll < 25 {
            disposition = 13 + roll % 2
        } else if roll < 27 && callType == AlarmCallTables.alarm {
            disposition = 15
        } else {
            let usual = AlarmCallTables.usualDispositions[callType]
            disposition = usual[rng.below(usual.count)]
        }
        return AlarmCall(
            district: district, day: day, sequence: index + 1, minute: minute, street: street,
            callType: callType, category: category, responseSeconds: response, disposition: disposition,
            revisionRoll: rng.below(1000), operatorNumber: 1 + rng.below(480)
        )
    }
}
