/// An assessment period of safe_community: a year, a half-year or a quarter.
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible {
    public enum Kind: Int, Sendable, Comparable {
        case year = 0, half = 1, quarter = 2

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public let kind: Kind
    public let year: Int
    /// 1 for a year; 1...2 for a half; 1...4 for a quarter.
    public let index: Int

    public init?(kind: Kind, year: Int, index: Int) {
        let upper = switch kind { case .year: 1; case .half: 2; case .quarter: 4 }
        guard (1...9999).contains(year), (1...upper).contains(index) else { return nil }
        self.kind = kind
        self.year = year
        self.index = index
    }

    /// The period of the same kind just before (2016 before 2017, 2017H1 before 2017H2).
    public var previous: Period {
        if index > 1 { return Period(kind: kind, year: year, index: index - 1)! }
        let last = switch kind { case .year: 1; case .half: 2; case .quarter: 4 }
        return Period(kind: kind, year: year - 1, index: last)!
    }

    /// Orders by kind, then time: all years, then all halves, then all quarters.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.kind, lhs.year, lhs.index) < (rhs.kind, rhs.year, rhs.index)
    }

    /// `2017`, `2017H1`, `2017Q3`
    public var description: String {
        switch kind {
        case .year: pad(year, 4)
        case .half: pad(year, 4) + "H\(index)"
        case .quarter: pad(year, 4) + "Q\(index)"
        }
    }
}
