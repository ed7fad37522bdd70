import Schema
import Trends

/// Whether a period is wholly covered by its dataset's data, and if not, why.
enum PeriodStatus: Sendable, Equatable {
    case complete
    /// The period holds the as-of date: still under way.
    case inProgress
    /// The period starts before the first record date.
    case partial
}

enum Direction: Sendable, Equatable {
    case up, down, flat
}

/// What a report may say about a figure against its prior value: the honest-comparison
/// rules in one place.
///
/// - A period not wholly covered by the data is never compared (never shown as a fall).
/// - A percentage on a base (prior value) under 10 is marked small-base and never headlined.
/// - The percentage is the trend row's own `change_pct` text; the absolute change is
///   `value - prior_value` in integers.
enum Comparison: Sendable, Equatable {
    case notCompared(PeriodStatus)
    /// No percentage: the prior period precedes the data (`beforeData`), or its value is 0.
    case noPrior(beforeData: Bool)
    /// `percent` is the magnitude of `change_pct` (no sign); `difference` is value - prior.
    /// `priorPartial`: the prior period starts before the first record date, so the change
    /// is shown with that note and never headlined. `gap`: the period or the prior one holds
    /// a month with no record citywide (an export may be missing): the same.
    case change(Direction, percent: String, difference: Int, prior: Int, smallBase: Bool, priorPartial: Bool, gap: Bool = false)

    static let smallBaseLimit = 10

    init(_ row: TrendRow, status: PeriodStatus, priorPartial: Bool, gap: Bool = false, priorBeforeData: Bool) {
        guard status == .complete else {
            self = .notCompared(status)
            return
        }
        guard let percent = row.changePercent else {
            self = .noPrior(beforeData: priorBeforeData || row.priorValue != 0)
            return
        }
        let difference = row.value - row.priorValue
        let direction: Direction = difference > 0 ? .up : difference < 0 ? .down : .flat
        let magnitude = percent.hasPrefix("-") ? String(percent.dropFirst()) : percent
        self = .change(direction, percent: magnitude, difference: difference, prior: row.priorValue,
                       smallBase: row.priorValue < Self.smallBaseLimit, priorPartial: priorPartial, gap: gap)
    }

    /// A comparison fit for a headline or a ranking: a complete period against a complete
    /// prior period, a percentage, a base of at least 10, no month without a record.
    var isHeadline: Bool {
        if case .change(_, _, _, _, let smallBase, let priorPartial, let gap) = self { return !smallBase && !priorPartial && !gap }
        return false
    }

    /// Up, down or flat, when there is a change to tell.
    var direction: Direction? {
        if case .change(let direction, _, _, _, _, _, _) = self { return direction }
        return nil
    }

    /// The exact change ratio as a fraction (difference / prior), for ranking.
    var ratio: (numerator: Int, denominator: Int)? {
        if case .change(_, _, let difference, let prior, _, _, _) = self, prior > 0 { return (difference, prior) }
        return nil
    }
}

extension Comparison {
    /// Orders two exact ratios a/b and c/d (b, d > 0) without division.
    static func ratioLess(_ lhs: (numerator: Int, denominator: Int), _ rhs: (numerator: Int, denominator: Int)) -> Bool {
        lhs.numerator * rhs.denominator < rhs.numerator * lhs.denominator
    }
}
