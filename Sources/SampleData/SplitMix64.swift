/// The generator's only source of randomness: SplitMix64 (Steele, Lea and Flood 2014),
/// chosen because its whole state is one `UInt64`, so any record's stream can be restarted
/// from a seed derived from where the record sits (dataset, district, day). Two exports
/// that cover the same day therefore write the same records without remembering them.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// A stream keyed by the generator seed and a few coordinates, mixed so that
    /// neighbouring coordinates give unrelated streams.
    init(seed: UInt64, _ a: UInt64, _ b: UInt64 = 0, _ c: UInt64 = 0) {
        var mixed = Self.mix(seed ^ 0x6A09_E667_F3BC_C909)
        mixed = Self.mix(mixed ^ a &* 0x9E37_79B9_7F4A_7C15)
        mixed = Self.mix(mixed ^ b &* 0xBF58_476D_1CE4_E5B9)
        mixed = Self.mix(mixed ^ c &* 0x94D0_49BB_1331_11EB)
        state = mixed
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A value in `0..<bound` (bound > 0), by Lemire's multiply-shift; the tiny bias is
    /// irrelevant here and the result depends on nothing but the stream.
    mutating func below(_ bound: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// True with probability `perMille` / 1000.
    mutating func chance(perMille: Int) -> Bool {
        below(1000) < perMille
    }

    /// An index into `weights`, drawn in proportion to them.
    mutating func pick(weights: [Int], total: Int) -> Int {
        var target = below(total)
        for (index, weight) in weights.enumerated() {
            if target < weight { return index }
            target -= weight
        }
        return weights.count - 1
    }
}
