/// Prints exact ratios the contract's way: one decimal, rounded half away from zero, no plus
/// sign, `0.0` for a value that rounds to zero. No binary floating point is involved.
public enum Percent {
    /// numerator / denominator, printed with one decimal. `denominator` must not be 0.
    public static func format(numerator: Int, denominator: Int) -> String {
        precondition(denominator != 0)
        let negative = (numerator < 0) != (denominator < 0)
        let n = numerator.magnitude
        let d = denominator.magnitude
        // tenths = round(n * 10 / d), half away from zero on the magnitude.
        let tenths = (n * 20 + d) / (2 * d)
        var text = negative && tenths != 0 ? "-" : ""
        text += String(tenths / 10)
        text.unicodeScalars.append(".")
        text.unicodeScalars.append(Unicode.Scalar(UInt8(0x30 + tenths % 10)))
        return text
    }

    /// (value - prior) / prior * 100; nil when prior is 0.
    public static func change(value: Int, prior: Int) -> String? {
        guard prior != 0 else { return nil }
        return format(numerator: (value - prior) * 100, denominator: prior)
    }
}
