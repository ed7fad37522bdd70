/// Guesses which header of an export holds a canonical column, for `govstats init` and for
/// the advice of a refused file: words that such headers commonly hold, by column. A guess
/// is a suggestion to check, never applied silently.
public enum HeaderGuess {
    /// Words a header holding the column commonly contains, strongest first.
    static func hints(for spec: ColumnSpec) -> [String] {
        var words = [spec.name.split(separator: "_").joined(separator: " ")] + spec.aliases + spec.headerHints
        switch spec.type {
        case .datetime: words += ["date", "time", "month", "when", "opened", "created", "reported", "received", "occurred", "日期", "时间"]
        case .period: words += ["period", "year", "年度"]
        case .score: words += ["score", "points", "得分", "分数"]
        case .boolean, .verdict: words += ["result", "pass", "compliant", "outcome", "结果", "达标"]
        default: break
        }
        return words.map { $0.lowercased() }
    }

    /// How well a header fits a column: 0 when no hint is in it.
    static func score(_ header: String, _ spec: ColumnSpec) -> Int {
        let lowered = header.lowercased()
        let hints = hints(for: spec)
        let words = lowered.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        var best = 0
        for (rank, hint) in hints.enumerated() where !hint.isEmpty {
            let fit: Int
            if lowered == hint {
                fit = 1000 - rank
            } else if words.contains(where: { $0 == hint }) || (hint.contains(" ") && lowered.contains(hint)) {
                fit = 500 - rank
            } else if hint.unicodeScalars.allSatisfy({ $0.value > 0x2E80 }) && lowered.contains(hint) {
                fit = 400 - rank
            } else {
                continue
            }
            best = max(best, fit)
        }
        return best
    }

    /// The header that fits `spec` best, or nil when none has any of its hints.
    public static func best(for spec: ColumnSpec, among headers: [String]) -> String? {
        var chosen: (header: String, score: Int)?
        for header in headers {
            let fit = score(header, spec)
            if fit > 0 && fit > (chosen?.score ?? 0) { chosen = (header, fit) }
        }
        return chosen?.header
    }
}
