// Value types of the contract's columns. Implemented by the schema work; the signatures are
// the interface the ingest stage relies on.

/// A calendar date, proleptic Gregorian, no time zone.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// nil for an impossible date (2017-02-30, month 13, year outside 1...9999).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...LocalDate.daysInMonth(year: year, month: month)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 0001-01-01 (day 0).
    public var dayNumber: Int {
        // Days-from-civil (Howard Hinnant), shifted so that 0001-01-01 is 0.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 306
    }

    public init(dayNumber: Int) {
        let z = dayNumber + 306
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// `YYYY-MM-DD`
    public var description: String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }
}

func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

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

/// A decimal number >= 0 kept exactly, as its canonical text: no leading zeros in the
/// whole part, no trailing zeros in the fraction (`12.50` and `012.5` are both `12.5`).
public struct ExactDecimal: Hashable, Sendable, CustomStringConvertible {
    public let canonical: String

    public init(canonical: String) {
        self.canonical = canonical
    }

    public var description: String { canonical }
}

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
