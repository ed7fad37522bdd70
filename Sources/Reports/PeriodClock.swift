import Schema
import Trends

/// Tells complete, in-progress and partial periods apart for a dataset's span.
struct PeriodClock: Sendable {
    let span: DataSpan?
    /// The months with no record citywide inside the span (`DatedTrends.emptyMonths`),
    /// counted as year × 12 + month − 1.
    var emptyMonths: Set<Int> = []

    func status(_ row: TrendRow) -> PeriodStatus {
        if row.complete { return .complete }
        guard let span else { return .inProgress }
        return holds(row.periodKind, row.period, span.asOf) || !holds(row.periodKind, row.period, span.first)
            ? .inProgress : .partial
    }

    /// Whether the prior period lies wholly before the first record date (so no figure
    /// exists for it, as opposed to a figure of 0).
    func priorBeforeData(_ row: TrendRow) -> Bool {
        guard let span else { return false }
        let first = span.first
        let digits = Array(row.period.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= digits.count else { return nil }
            return Int(String(decoding: digits[range], as: UTF8.self))
        }
        switch row.periodKind {
        case .year:
            guard let year = Int(row.period) else { return false }
            return year - 1 < first.year
        case .quarter:
            guard digits.count == 6, let year = number(0..<4), let quarter = number(5..<6) else { return false }
            return year * 4 + quarter - 2 < first.year * 4 + (first.month - 1) / 3
        case .month:
            guard digits.count == 7, let year = number(0..<4), let month = number(5..<7) else { return false }
            return year * 12 + month - 2 < first.year * 12 + first.month - 1
        case .ytd:
            // The span a year earlier ends before the first record: there is no figure for
            // it (not a figure of 0).
            return span.priorYtd.end < first
        }
    }

    /// The year-to-date span in words when it starts before the first record: from the
    /// first record (`2018-05-01（首条记录）至 2018-05-21`); nil when it does not.
    func ytdFromFirstRecord(_ words: Wording) -> String? {
        guard let span, span.ytd.start < span.first else { return nil }
        return words.say("\(span.first)（首条记录）至 \(span.asOf)", "\(span.first), the first record, to \(span.asOf)")
    }

    /// Whether the prior period the row is compared with starts before the first record
    /// date (a partial year, quarter, month or year-to-date span).
    func priorIsPartial(_ row: TrendRow) -> Bool {
        guard let span, let start = priorStart(row.periodKind, row.period, span) else { return false }
        return start < span.first
    }

    /// Whether the row's period, or the one it is compared with, holds a month with no
    /// record citywide: its change may be that of an export that is missing.
    func holdsAnEmptyMonth(_ row: TrendRow) -> Bool {
        guard !emptyMonths.isEmpty, let span else { return false }
        func anyEmpty(_ months: ClosedRange<Int>) -> Bool { months.contains(where: emptyMonths.contains) }
        func month(_ date: LocalDate) -> Int { date.year * 12 + date.month - 1 }
        // For the year to date, the two spans a year apart (the months between are not compared).
        if row.periodKind == .ytd {
            return anyEmpty(month(span.ytd.start)...month(span.ytd.end)) || anyEmpty(month(span.priorYtd.start)...month(span.priorYtd.end))
        }
        guard let months = months(row.periodKind, row.period) else { return false }
        return anyEmpty((months.lowerBound - months.count)...months.upperBound)
    }

    /// The months of the period labelled `period`, counted as year × 12 + month − 1; nil for
    /// the year to date, whose span is the data's.
    private func months(_ kind: PeriodKind, _ period: String) -> ClosedRange<Int>? {
        let digits = Array(period.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= digits.count else { return nil }
            return Int(String(decoding: digits[range], as: UTF8.self))
        }
        switch kind {
        case .year:
            guard let year = Int(period) else { return nil }
            return year * 12...year * 12 + 11
        case .quarter:
            guard digits.count == 6, let year = number(0..<4), let quarter = number(5..<6) else { return nil }
            let first = year * 12 + (quarter - 1) * 3
            return first...first + 2
        case .month:
            guard digits.count == 7, let year = number(0..<4), let month = number(5..<7) else { return nil }
            return year * 12 + month - 1...year * 12 + month - 1
        case .ytd:
            return nil
        }
    }

    /// The first day of the period before the one labelled `period` (for ytd, of the span a
    /// year earlier).
    private func priorStart(_ kind: PeriodKind, _ period: String, _ span: DataSpan) -> LocalDate? {
        if kind == .ytd { return span.priorYtd.start }
        guard let months = months(kind, period) else { return nil }
        let first = months.lowerBound - months.count
        return LocalDate(year: first / 12, month: first % 12 + 1, day: 1)
    }

    /// Whether the period labelled `period` contains `date`.
    private func holds(_ kind: PeriodKind, _ period: String, _ date: LocalDate) -> Bool {
        switch kind {
        case .year: return period == String(date.year)
        case .quarter: return period == "\(date.year)Q\((date.month - 1) / 3 + 1)"
        case .month: return period == String(date.description.prefix(7))
        case .ytd: return true
        }
    }
}
