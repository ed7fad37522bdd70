import CSVReading

public enum AreaLevel: String, Sendable, CaseIterable, Comparable {
    case city, district, street, community

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The area of every record: `全市`, a district, `district/street`, `district/community`.
public struct Area: Hashable, Sendable {
    public let level: AreaLevel
    public let name: String

    public init(level: AreaLevel, name: String) {
        self.level = level
        self.name = name
    }

    /// Names are compared by their bytes (see `ExactText`).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.level == rhs.level && ExactText(lhs.name) == ExactText(rhs.name)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(level)
        hasher.combine(ExactText(name))
    }
}
