/// A local date and time (no zone), to the second.
public struct LocalDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let date: LocalDate
    public let hour: Int
    public let minute: Int
    public let second: Int
    /// Parsed from a pattern without a day: it counts in its month and is dated the first.
    public let monthPrecision: Bool

    public init?(date: LocalDate, hour: Int = 0, minute: Int = 0, second: Int = 0, monthPrecision: Bool = false) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else { return nil }
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
        self.monthPrecision = monthPrecision
    }

    /// Seconds since 0001-01-01 00:00:00: a total order over the values.
    public var ordinalSeconds: Int64 {
        Int64(date.dayNumber) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.ordinalSeconds, lhs.monthPrecision ? 1 : 0) < (rhs.ordinalSeconds, rhs.monthPrecision ? 1 : 0)
    }

    /// `YYYY-MM-DD HH:MM:SS`
    public var description: String {
        "\(date) \(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
    }
}
