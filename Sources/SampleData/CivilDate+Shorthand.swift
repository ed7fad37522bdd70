/// Short forms for the dates written out in the export plans.
extension CivilDate {
    init(_ year: Int, _ month: Int, _ day: Int) {
        self.init(year: year, month: month, day: day)
    }
}

extension DaySpan {
    init(_ first: (Int, Int, Int), _ last: (Int, Int, Int)) {
        self.init(CivilDate(first.0, first.1, first.2), CivilDate(last.0, last.1, last.2))
    }
}
