import Schema

/// The date span a dataset's records cover.
public struct DataSpan: Equatable, Sendable {
    /// The earliest record date.
    public let first: LocalDate
    /// The latest record date (the month's last day for a month-precision latest record).
    public let asOf: LocalDate

    public init(first: LocalDate, asOf: LocalDate) {
        self.first = first
        self.asOf = asOf
    }

    /// `2018-01-01..2018-02-28`
    public var ytd: (start: LocalDate, end: LocalDate) {
        (LocalDate(year: asOf.year, month: 1, day: 1)!, asOf)
    }

    /// The same span one year earlier; 29 February maps to 28 February.
    public var priorYtd: (start: LocalDate, end: LocalDate) {
        let year = asOf.year - 1
        let day = min(asOf.day, LocalDate.daysInMonth(year: year, month: asOf.month))
        return (LocalDate(year: year, month: 1, day: 1)!, LocalDate(year: year, month: asOf.month, day: day)!)
    }

    public var ytdLabel: String { "\(ytd.start)..\(ytd.end)" }
    public var priorYtdLabel: String { "\(priorYtd.start)..\(priorYtd.end)" }
}
