/// A calendar date in the proleptic Gregorian calendar, without time zones: the generator
/// counts days from 2015-01-01 (day 0) and never consults a clock.
struct CivilDate: Equatable, Comparable, Sendable {
    var year: Int
    var month: Int
    var day: Int

    static let first = CivilDate(year: 2015, month: 1, day: 1)
    static let last = CivilDate(year: 2018, month: 2, day: 28)
    /// Days from `first` to `last`, both included.
    static let dayCount = last.dayIndex - first.dayIndex + 1

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `index` days after 2015-01-01.
    init(dayIndex index: Int) {
        // Howard Hinnant's civil_from_days.
        let z = index + Self.epochOffset + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days since 2015-01-01.
    var dayIndex: Int { Self.daysFromCivil(self) - Self.epochOffset }

    /// 0 = Monday ... 6 = Sunday.
    var weekday: Int { (Self.daysFromCivil(self) + 3).modulo(7) }

    static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Days from 1970-01-01 to 2015-01-01.
    private static let epochOffset = daysFromCivil(CivilDate(year: 2015, month: 1, day: 1))

    private static func daysFromCivil(_ date: CivilDate) -> Int {
        let y = date.month <= 2 ? date.year - 1 : date.year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (date.month > 2 ? date.month - 3 : date.month + 9) + 2) / 5 + date.day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// A span of days, both ends included, as day indexes.
struct DaySpan: Sendable {
    var first: Int
    var last: Int

    init(_ first: CivilDate, _ last: CivilDate) {
        self.first = first.dayIndex
        self.last = last.dayIndex
    }

    func contains(_ day: Int) -> Bool { day >= first && day <= last }
    var days: ClosedRange<Int> { first...last }
}

extension Int {
    func modulo(_ divisor: Int) -> Int {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
