import Schema
import Trends

/// Every word the reports print, in Chinese (the default) and English. Figures arrive as
/// integers and as the exact percentage texts of the trend and compliance rows.
struct Wording: Sendable {
    let language: ReportInput.Language
    /// The city level's name as configured; `全市` (the default) reads `Citywide` in English.
    var city = GovStatsConfig.defaultCity

    var zh: Bool { language == .zh }

    /// The Chinese or the English text.
    func say(_ chinese: String, _ english: String) -> String { zh ? chinese : english }

    /// `zh-CN` or `en`, for `<html lang>`.
    var languageTag: String { zh ? "zh-CN" : "en" }

    // MARK: Names

    var reportTitle: String { zh ? "治安数据统计报告" : "Public safety statistics" }

    func pageTitle(_ subject: String) -> String { subject + " · " + reportTitle }

    func text(_ words: Words) -> String { zh ? words.zh : words.en }

    func datasetName(_ dataset: Dataset) -> String { text(dataset.title) }

    func metricName(_ title: Words) -> String { text(title) }

    /// What an assessments dataset's rate is called (`平安小区达标率`).
    func complianceName(_ dataset: Dataset) -> String { text(dataset.complianceTitle) }

    /// The compliance rate's name at the start of a heading, caption or tile.
    func complianceTitle(_ dataset: Dataset) -> String { atStart(complianceName(dataset)) }

    /// A name that starts a sentence: in English, with a capital.
    private func atStart(_ name: String) -> String {
        guard !zh, let first = name.first else { return name }
        return first.uppercased() + name.dropFirst()
    }

    /// A metric's name at the start of a heading or table caption.
    func metricTitle(_ title: Words) -> String { atStart(metricName(title)) }

    func areaName(_ area: String, level: AreaLevel) -> String {
        level == .city ? cityName : area
    }

    var cityName: String { city == GovStatsConfig.defaultCity ? (zh ? "全市" : "Citywide") : city }

    func count(_ value: Int) -> String { zh ? "\(value) 起" : String(value) }

    func year(_ period: String) -> String { zh ? "\(period) 年" : period }

    /// `2018-01-01..2018-02-28` as `2018-01-01 至 2018-02-28`.
    func span(_ label: String) -> String {
        guard let dots = label.firstRange(of: "..") else { return label }
        return label[..<dots.lowerBound] + (zh ? " 至 " : " to ") + label[dots.upperBound...]
    }

    func span(_ start: LocalDate, _ end: LocalDate) -> String { span("\(start)..\(end)") }

    /// Digits or dates set among Chinese words, with a space on each side where they meet
    /// (`按 2017 年数量`, `按 2018-01-01 至 2018-02-28 数量`), as the pages set them everywhere.
    func amid(_ text: String) -> String {
        (text.first?.isASCII == true ? " " : "") + text + (text.last?.isASCII == true ? " " : "")
    }

    func compliancePeriod(_ period: Period) -> String {
        switch period.kind {
        case .year: return zh ? "\(period.year) 年" : String(period.year)
        case .half:
            return zh ? "\(period.year) 年\(period.index == 1 ? "上" : "下")半年" : "\(period.year) H\(period.index)"
        case .quarter: return zh ? "\(period.year) 年第 \(period.index) 季度" : "\(period.year) Q\(period.index)"
        }
    }

    func status(_ status: PeriodStatus) -> String {
        switch status {
        case .complete: zh ? "完整" : "complete"
        case .inProgress: zh ? "进行中" : "in progress"
        case .partial: zh ? "不完整" : "partial"
        }
    }

    // MARK: Headline sentences

    enum Scope {
        /// A calendar year, `2017`.
        case year(String)
        /// A year-to-date span in words, `2018-01-01 至 2018-02-28`.
        case ytd(String)
    }

    /// `宝山区 2017 年报警类接警 1234 起，同比下降 30.2%（减少 530 起）` /
    /// `宝山区 alarm calls in 2017: 1234, down 30.2% year on year (−530)`.
    func sentence(area: String, metric: Words, scope: Scope, value: Int, comparison: Comparison) -> String {
        let ytd: Bool
        var opening: String
        switch scope {
        case .year(let period):
            ytd = false
            opening = zh ? "\(area) \(period) 年\(metricName(metric)) \(value) 起"
                : "\(area) \(metricName(metric)) in \(period): \(value)"
        case .ytd(let words):
            ytd = true
            opening = zh ? "\(area) \(words) \(metricName(metric)) \(value) 起"
                : "\(area) \(metricName(metric)) from \(words): \(value)"
        }
        let before = zh ? (ytd ? "上年同期" : "上年") : (ytd ? "in the same span a year earlier" : "a year earlier")
        switch comparison {
        case .change(let direction, let percent, let difference, let prior, let smallBase, let priorPartial, let gap):
            if smallBase || priorPartial || gap {
                // Counts only: a percentage that may not be headlined is not put in a sentence.
                let why = whyNoPercentage(smallBase: smallBase, priorPartial: priorPartial, gap: gap, before: before)
                opening += zh ? "，\(before) \(prior) 起（\(why)，不计算百分比）" : ", \(prior) \(before) (\(why), no percentage)"
            } else {
                switch direction {
                case .up:
                    opening += zh ? "，同比上升 \(percent)%（增加 \(difference) 起）" : ", up \(percent)% year on year (+\(difference))"
                case .down:
                    opening += zh ? "，同比下降 \(percent)%（减少 \(-difference) 起）" : ", down \(percent)% year on year (−\(-difference))"
                case .flat:
                    opening += zh ? "，与\(before)持平" : ", unchanged year on year (0)"
                }
            }
        case .noPrior(let beforeData):
            opening += beforeData
                ? (zh ? "，无\(before)可比数据" : ", no comparable figure \(before)")
                : (zh ? "，\(before)为 0 起，不计算百分比" : ", 0 \(before), no percentage")
        case .notCompared(let status):
            opening += zh ? "（\(self.status(status))，不作比较）" : " (\(self.status(status)), not compared)"
        }
        return opening
    }

    /// Why a change is not headlined when a month of it has no record citywide.
    var emptyMonthNote: String { zh ? "含可能缺少导出的月份" : "a month whose export may be missing" }

    /// Why a change is given in counts only; `before` names the prior span in Chinese.
    private func whyNoPercentage(smallBase: Bool, priorPartial: Bool, gap: Bool, before: String) -> String {
        var reasons: [String] = []
        if smallBase { reasons.append(zh ? "小基数" : "small base") }
        if priorPartial { reasons.append(zh ? "\(before)数据不完整" : "prior period only partly covered by the data") }
        if gap { reasons.append(emptyMonthNote) }
        return reasons.joined(separator: zh ? "；" : "; ")
    }

    // MARK: Table cells

    /// A change in a table: direction by ▲/▼ and in words, the percentage and the absolute
    /// change beside it, small bases and unfinished periods marked.
    func change(_ comparison: Comparison) -> String {
        switch comparison {
        case .notCompared(let status):
            return zh ? "\(self.status(status))，不作比较" : "\(self.status(status)), not compared"
        case .noPrior(let beforeData):
            return beforeData ? (zh ? "—（无可比数据）" : "— (no comparable figure)")
                : (zh ? "—（上期为 0，不计算百分比）" : "— (prior period 0, no percentage)")
        case .change(let direction, let percent, let difference, _, let smallBase, let priorPartial, let gap):
            var small = smallBase ? (zh ? "，小基数" : ", small base") : ""
            if priorPartial { small += zh ? "，上期不完整" : ", prior period partial" }
            if gap { small += zh ? "，\(emptyMonthNote)" : ", \(emptyMonthNote)" }
            switch direction {
            case .up:
                return zh ? "▲ 上升 \(percent)%（增加 \(difference) 起\(small)）" : "▲ up \(percent)% (+\(difference)\(small))"
            case .down:
                return zh ? "▼ 下降 \(percent)%（减少 \(-difference) 起\(small)）" : "▼ down \(percent)% (−\(-difference)\(small))"
            case .flat:
                return zh ? "= 持平（0 起\(small)）" : "= unchanged (0\(small))"
            }
        }
    }

    /// A change in a tile or a ranking, always year on year: `▼ 5.5%（减少 535 起）` /
    /// `▼ 5.5% (−535)`; without a percentage, the figure a year earlier and why.
    /// `fallIsBad`: a fall of a metric whose rise is good news says so, in the same brackets
    /// (`▼ 35.8%（减少 172 起；减少不是好消息）`).
    func shortChange(_ comparison: Comparison, fallIsBad: Bool = false) -> String {
        switch comparison {
        case .change(let direction, let percent, let difference, let prior, let smallBase, let priorPartial, let gap):
            let bad = fallIsBad && direction == .down ? (zh ? "；减少不是好消息" : "; a fall is not good news") : ""
            if smallBase || priorPartial || gap {
                // Why, as the sentences and tables say it: a tile that only said "no
                // percentage" read as at odds with a table beside it that gave one.
                let why = whyNoPercentage(smallBase: smallBase, priorPartial: priorPartial, gap: gap, before: "上年同期")
                return zh ? "上年同期 \(prior) 起（\(why)，不计算百分比\(bad)）" : "\(prior) a year earlier (\(why), no percentage\(bad))"
            }
            switch direction {
            case .up: return zh ? "▲ \(percent)%（增加 \(difference) 起）" : "▲ \(percent)% (+\(difference))"
            case .down: return zh ? "▼ \(percent)%（减少 \(-difference) 起\(bad)）" : "▼ \(percent)% (−\(-difference)\(bad))"
            case .flat: return zh ? "= 持平" : "= unchanged"
            }
        case .noPrior(let beforeData):
            return beforeData ? (zh ? "无可比数据" : "no comparable figure") : (zh ? "上年同期为 0" : "0 a year earlier")
        case .notCompared(let status):
            return zh ? "\(self.status(status))，不作比较" : "\(self.status(status)), not compared"
        }
    }

    /// A figure of a period, with its status when the period is not complete.
    func figure(_ value: Int, status: PeriodStatus) -> String {
        status == .complete ? String(value) : zh ? "\(value)（\(self.status(status))）" : "\(value) (\(self.status(status)))"
    }

    // MARK: Compliance

    /// `10 个小区中 8 个达标` / `8 of 10 communities`.
    func compliantOf(_ compliant: Int, _ assessed: Int, unit: Words) -> String {
        zh ? "\(assessed) \(unit.zh)中 \(compliant) 个达标" : "\(compliant) of \(assessed) \(unit.en)"
    }

    func rate(_ percent: String, assessed: Int, limit: Int = Comparison.smallBaseLimit) -> String {
        assessed < limit ? (zh ? "\(percent)%（小基数）" : "\(percent)% (small base)") : "\(percent)%"
    }

    /// The change in percentage points between two exact rates, direction from the exact
    /// counts (compliant × prior assessed against prior compliant × assessed).
    func complianceChange(_ row: ComplianceRow) -> String {
        guard let points = row.changePoints, row.priorAssessed > 0 else {
            return zh ? "—（上期无考评）" : "— (no assessment in the period before)"
        }
        let small = row.assessed < Comparison.smallBaseLimit || row.priorAssessed < Comparison.smallBaseLimit
            ? (zh ? "（小基数）" : " (small base)") : ""
        let magnitude = points.hasPrefix("-") ? String(points.dropFirst()) : points
        let left = row.compliant * row.priorAssessed
        let right = row.priorCompliant * row.assessed
        if left > right { return (zh ? "▲ 提高 \(magnitude) 个百分点" : "▲ up \(magnitude) points") + small }
        if left < right { return (zh ? "▼ 降低 \(magnitude) 个百分点" : "▼ down \(magnitude) points") + small }
        return (zh ? "= 持平" : "= unchanged") + small
    }

    /// `全市 2017 年平安小区达标率 85.0%（40 个小区中 34 个达标），比上期提高 2.0 个百分点`.
    func complianceSentence(area: String, _ row: ComplianceRow) -> String {
        var text = zh
            ? "\(area) \(compliancePeriod(row.period))\(complianceName(row.dataset)) \(row.ratePercent)%（\(compliantOf(row.compliant, row.assessed, unit: row.dataset.unit))）"
            : "\(area) \(complianceName(row.dataset)) in \(compliancePeriod(row.period)): \(row.ratePercent)% (\(compliantOf(row.compliant, row.assessed, unit: row.dataset.unit)))"
        let before = compliancePeriod(row.period.previous)
        if let points = row.changePoints, row.priorAssessed >= Comparison.smallBaseLimit {
            let magnitude = points.hasPrefix("-") ? String(points.dropFirst()) : points
            let left = row.compliant * row.priorAssessed
            let right = row.priorCompliant * row.assessed
            if left > right {
                text += zh ? "，比 \(before)提高 \(magnitude) 个百分点" : ", up \(magnitude) points on \(before)"
            } else if left < right {
                text += zh ? "，比 \(before)降低 \(magnitude) 个百分点" : ", down \(magnitude) points on \(before)"
            } else {
                text += zh ? "，与 \(before)持平" : ", unchanged on \(before)"
            }
        }
        return text
    }

    // MARK: Data quality

    var qualityColumns: [String] {
        zh ? ["读取行数", "接受", "拒收", "重复", "冲突", "筛除"] : ["Rows read", "Accepted", "Rejected", "Duplicates", "Conflicts", "Filtered"]
    }
}
