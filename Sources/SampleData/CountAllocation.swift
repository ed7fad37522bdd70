/// Splits an exact total over slots in proportion to integer weights, so that the parts
/// add up to the total exactly: slot i gets floor(T·W(i+1)/W) − floor(T·W(i)/W), where W(i)
/// is the sum of the first i weights. This is how a calibrated yearly count becomes daily
/// counts without drifting by one.
enum CountAllocation {
    static func split(_ total: Int, weights: [Int]) -> [Int] {
        precondition(total >= 0)
        let sum = weights.reduce(0, +)
        guard sum > 0 else { return weights.map { _ in 0 } }
        var parts: [Int] = []
        parts.reserveCapacity(weights.count)
        var cumulative = 0
        var given = 0
        for weight in weights {
            cumulative += weight
            let upTo = Int(Int128(total) * Int128(cumulative) / Int128(sum))
            parts.append(upTo - given)
            given = upTo
        }
        return parts
    }
}
