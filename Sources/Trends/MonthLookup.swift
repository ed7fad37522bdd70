import Ingest
import Schema

/// The month (year × 12 + month − 1) of each day number, read from a table:
/// trends look up one per record, and turning a day number into a calendar date each time
/// costs more than the rest of the counting.
struct MonthLookup {
    private let firstDay: Int
    private let months: [Int32]
    /// The earliest and latest day numbers of the dates (nil: none).
    let days: ClosedRange<Int>?

    /// The table for the day numbers `days`, the earliest and latest of the dates (nil: none).
    init(days range: ClosedRange<Int>?) {
        guard let range else {
            firstDay = 0
            months = []
            days = nil
            return
        }
        let first = range.lowerBound
        let last = range.upperBound
        firstDay = first
        days = first...last
        var months: [Int32] = []
        months.reserveCapacity(last - first + 1)
        var day = first
        while day <= last {
            let date = LocalDate(dayNumber: day)
            let days = LocalDate.daysInMonth(year: date.year, month: date.month) - date.day + 1
            let month = Int32(date.year * 12 + date.month - 1)
            for _ in 0..<min(days, last - day + 1) { months.append(month) }
            day += days
        }
        self.months = months
    }

    @inline(__always)
    func month(ofDay day: Int) -> Int {
        Int(months[day - firstDay])
    }
}
