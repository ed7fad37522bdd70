import Ingest
import Schema

/// The month (year × 12 + month − 1) of each date slot, read from a table by day number:
/// trends look up one per record, and turning a day number into a calendar date each time
/// costs more than the rest of the counting.
struct MonthLookup {
    private let firstDay: Int
    private let months: [Int32]
    /// The earliest and latest day numbers of the dates (nil: none).
    let days: ClosedRange<Int>?

    init(dates: ColumnSlots) {
        var first = Int.max
        var last = Int.min
        for slot in dates where !Slot.isEmpty(slot) {
            let day = Slot.dayNumber(slot)
            first = min(first, day)
            last = max(last, day)
        }
        guard first <= last else {
            firstDay = 0
            months = []
            days = nil
            return
        }
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
    func month(of slot: UInt64) -> Int {
        Int(months[Slot.dayNumber(slot) - firstDay])
    }
}

/// Numbers for pairs of slot numbers (district, street), in a flat table when the pairs
/// could be few enough, else in a dictionary.
struct PairIndex {
    private let secondCount: Int
    private var flat: [Int32]
    private var sparse: [UInt64: Int32] = [:]
    private let usesFlat: Bool

    init(firstCount: Int, secondCount: Int) {
        self.secondCount = secondCount
        usesFlat = firstCount * secondCount <= 1 << 22
        flat = usesFlat ? Array(repeating: -1, count: firstCount * secondCount) : []
    }

    subscript(first: UInt64, second: UInt64) -> Int32? {
        get {
            if usesFlat {
                let value = flat[Int(first) * secondCount + Int(second)]
                return value < 0 ? nil : value
            }
            return sparse[first << 32 | second]
        }
        set {
            if usesFlat {
                flat[Int(first) * secondCount + Int(second)] = newValue ?? -1
            } else {
                sparse[first << 32 | second] = newValue
            }
        }
    }
}
