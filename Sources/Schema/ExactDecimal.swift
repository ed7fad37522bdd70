/// A decimal number >= 0 kept exactly, as its canonical text: no leading zeros in the
/// whole part, no trailing zeros in the fraction (`12.50` and `012.5` are both `12.5`).
public struct ExactDecimal: Hashable, Sendable, CustomStringConvertible {
    public let canonical: String

    public init(canonical: String) {
        self.canonical = canonical
    }

    public var description: String { canonical }
}
