import Ingest
import Schema
import Trends

/// The summary page, `index`.
extension ReportBuilder {
    /// The brief first (figures at a glance, the headlines that matter most), then the rest
    /// folded: a reader on a phone or on paper gets the brief, the analyst opens the detail.
    func indexPage() -> ReportPage {
        var blocks: [ReportBlock] = [provenance, navigation(current: "index", includeDistricts: true)]
        let tiles = tiles(level: .city, area: input.city)
        if !tiles.isEmpty {
            blocks.append(.section(ReportSection(level: 2, title: words.say("概览", "At a glance"), anchor: "glance", blocks: [.tiles(tiles)])))
        }
        blocks.append(.section(headlinesSection()))
        // The first dataset's and the first compliance rate's ranking in view, the others folded.
        let counts = dated.compactMap(districtRanking)
        let rates = assessed.compactMap { scoped(to: $0).complianceRanking($0) }
        let shown = Array(counts.prefix(1)) + Array(rates.prefix(1))
        let more = Array(counts.dropFirst()) + Array(rates.dropFirst())
        if !shown.isEmpty {
            blocks.append(.section(ReportSection(
                level: 2, title: words.say("各区排名", "Districts ranked"), anchor: "ranked",
                blocks: shown + (more.isEmpty ? [] : [.details(words.say("其他数据集的排名", "The other datasets ranked"), more)]))))
        }
        if !dated.isEmpty {
            blocks.append(folded(districtComparisonSection()))
            blocks.append(folded(rankingSection()))
        }
        for dataset in assessed {
            let scoped = scoped(to: dataset)
            guard let latest = scoped.compliance.latestPeriod else { continue }
            let rate = words.complianceTitle(dataset)
            blocks.append(folded(ReportSection(
                level: 2, title: words.say("\(rate)（各区）", "\(rate) by district"),
                blocks: [
                    .paragraph([.text(words.say(
                        "最新考评期：\(words.compliancePeriod(latest))。",
                        "Latest assessment period: \(words.compliancePeriod(latest))."))]),
                    scoped.districtComplianceTable(dataset, latest),
                ])))
        }
        blocks.append(folded(asOfSection()))
        blocks.append(folded(ReportSection(
            level: 2, title: words.say("数据质量", "Data quality"),
            blocks: [
                .paragraph([.text(words.say(
                    "每个读入的数据行只有一种结果：接受、拒收、重复（冲突是内容不同的重复）或筛除。逐文件的结果见 ",
                    "Every data row read is accepted, rejected, a duplicate (a conflict is a duplicate with different values) or filtered out. Per file: ")),
                    .link("data/quality.csv", .file("data/quality.csv")), .text(words.say("。", "."))]),
                qualitySummary(),
            ])))
        blocks.append(folded(methodology()))
        return ReportPage(name: "index", title: words.reportTitle, blocks: blocks)
    }

    // MARK: As-of dates

    func asOfSection() -> ReportSection {
        var rows: [[[Inline]]] = []
        let listed = (Dataset.builtIn + present.map(\.dataset).filter { !$0.isBuiltIn }).sorted()
        for kind in listed {
            guard present.contains(where: { $0.dataset == kind }) else {
                rows.append([[.text(words.datasetName(kind))], [.text(words.say("本次运行未提供此数据集", "not in this run's data"))],
                             [.text("—")], [.text("—")]])
                continue
            }
            if let span = input.spans[kind] {
                rows.append([[datasetLink(kind)], [.text(span.asOf.description)], [.text(span.first.description)],
                             [.text(words.say("\(words.span(span.ytdLabel))（对比 \(words.span(span.priorYtdLabel))）",
                                              "\(words.span(span.ytdLabel)) (against \(words.span(span.priorYtdLabel)))"))]])
            } else if kind.kind == .assessments, let compliance = complianceByDataset[kind], let latest = compliance.latestPeriod,
                      let earliest = compliance.periods.min(by: {
                ComplianceIndex.endMonth($0) < ComplianceIndex.endMonth($1)
            }) {
                rows.append([[datasetLink(kind)],
                             [.text(words.say("最新考评期 ", "latest assessment period ") + words.compliancePeriod(latest))],
                             [.text(words.say("最早考评期 ", "earliest assessment period ") + words.compliancePeriod(earliest))],
                             [.text("—")]])
            } else {
                rows.append([[datasetLink(kind)], [.text(words.say("无有效记录", "no valid records"))], [.text("—")], [.text("—")]])
            }
        }
        return ReportSection(level: 2, title: words.say("数据截至日期", "As-of dates"), blocks: [
            .paragraph([.text(words.say(
                "截至日期是数据集中最晚的记录日期；首条记录日期是最早的记录日期。",
                "The as-of date is a dataset's latest record date; the first record date is its earliest."))]),
            .table(ReportTable(
                caption: words.say("各数据集的时间范围", "Dates covered by each dataset"),
                columns: [.init(words.say("数据集", "Dataset")), .init(words.say("截至", "As of")),
                          .init(words.say("首条记录", "First record")), .init(words.say("年初至今", "Year to date"))],
                rows: rows)),
        ])
    }

    // MARK: Headlines

    /// The scope the rankings and headlines use: the latest complete year, else the ytd span.
    func headlineScopes(_ dataset: Dataset) -> [(kind: PeriodKind, period: String)] {
        var scopes: [(PeriodKind, String)] = []
        if let year = trends.latestCompleteYear(dataset) { scopes.append((.year, year)) }
        if let ytd = trends.ytdPeriod(dataset) { scopes.append((.ytd, ytd)) }
        return scopes
    }

    func headlinesSection() -> ReportSection {
        let ranked = rankedHeadlines(level: .city, area: input.city, areaName: words.cityName, withDistricts: true)
        let note: ReportBlock = .paragraph([.text(words.say(
            "按变化的绝对数量排列；“今年”指最近一个完整年度；基数小于 10、进行中或上期不完整的变化不列在前面。",
            "Largest changes in counts first; \"this year\" is the latest complete year; changes on a base under 10, in periods under way, or against a partial prior period come last."))])
        return ReportSection(level: 2, title: words.say("要点", "Headlines"), anchor: "headlines", blocks: [note] + headlineBlocks(ranked))
    }

    // MARK: Districts side by side

    /// The city first, then the districts from the largest figure of the dataset's first
    /// metric in the latest complete year (the year to date without one) to the smallest.
    func districtRows(_ dataset: Dataset) -> [AreaRow] {
        [cityRow()] + byValue(dataset, level: .district, trends.areas(dataset, .district)).map {
            AreaRow(cell: [districtLink($0)], level: .district, area: $0)
        }
    }

    /// `areas` from the largest figure of the dataset's first metric to the smallest (in the
    /// latest complete year, else the year to date), ties in byte order.
    func byValue(_ dataset: Dataset, level: AreaLevel, _ areas: [String]) -> [String] {
        guard let metric = trends.metrics(dataset).first, let scope = headlineScopes(dataset).first else { return areas }
        let values = areas.map { trends.row(dataset, metric, level, $0, scope.kind, scope.period)?.value ?? 0 }
        return areas.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }.map { areas[$0] }
    }

    /// The order `byValue` gives, in words, for a caption.
    func orderNote(_ dataset: Dataset) -> String {
        guard let scope = headlineScopes(dataset).first else { return "" }
        let when = scope.kind == .ytd ? words.span(scope.period) : words.year(scope.period)
        return words.say("按\(words.amid(when))数量从多到少排列", "largest first, by the figure of \(when)")
    }

    func districtComparisonSection() -> ReportSection {
        var blocks: [ReportBlock] = []
        for dataset in dated {
            blocks.append(.section(ReportSection(
                level: 3, title: words.datasetName(dataset),
                blocks: trends.metrics(dataset).map {
                    comparisonTable(dataset, $0, subject: words.say("各区", "by district"),
                                    firstColumn: words.say("区", "District"), areas: districtRows(dataset), order: orderNote(dataset))
                })))
        }
        return ReportSection(level: 2, title: words.say("各区对比", "Districts side by side"), blocks: blocks)
    }

    // MARK: Rankings

    /// The districts with the largest rises and falls, by exact change ratio (ties in byte
    /// order of the names); headline comparisons only.
    func ranking(_ dataset: Dataset, _ metric: String, _ kind: PeriodKind, _ period: String) -> (rises: [TrendRow], falls: [TrendRow]) {
        var rises: [(TrendRow, (numerator: Int, denominator: Int))] = []
        var falls: [(TrendRow, (numerator: Int, denominator: Int))] = []
        for district in trends.areas(dataset, .district) {
            guard let row = trends.row(dataset, metric, .district, district, kind, period) else { continue }
            let comparison = comparison(row)
            guard comparison.isHeadline, let ratio = comparison.ratio else { continue }
            if ratio.numerator > 0 { rises.append((row, ratio)) }
            if ratio.numerator < 0 { falls.append((row, ratio)) }
        }
        // Areas come in byte order and the sort is stable, so ties stay in byte order.
        let risesSorted = rises.enumerated().sorted { lhs, rhs in
            if Comparison.ratioLess(rhs.element.1, lhs.element.1) { return true }
            if Comparison.ratioLess(lhs.element.1, rhs.element.1) { return false }
            return lhs.offset < rhs.offset
        }
        let fallsSorted = falls.enumerated().sorted { lhs, rhs in
            if Comparison.ratioLess(lhs.element.1, rhs.element.1) { return true }
            if Comparison.ratioLess(rhs.element.1, lhs.element.1) { return false }
            return lhs.offset < rhs.offset
        }
        return (risesSorted.prefix(Self.rankingSize).map(\.element.0), fallsSorted.prefix(Self.rankingSize).map(\.element.0))
    }

    func rankingSection() -> ReportSection {
        var blocks: [ReportBlock] = [.paragraph([.text(words.say(
            "各区按变化率（精确比较）排列，上升、下降最多的各取 \(Self.rankingSize) 个；基数小于 10、上期不完整的不列入。",
            "Districts ordered by their exact change ratio: the \(Self.rankingSize) largest rises and falls; changes on a base under 10 or against a partial prior period are left out."))])]
        for dataset in dated {
            for metric in trends.metrics(dataset) {
                var inner: [ReportBlock] = []
                for scope in headlineScopes(dataset) {
                    let ranked = ranking(dataset, metric, scope.kind, scope.period)
                    let label = scope.kind == .ytd
                        ? words.say("年初至今（\(words.span(scope.period))）", "Year to date (\(words.span(scope.period)))")
                        : words.say("\(scope.period) 年", "\(scope.period)")
                    inner.append(.paragraph([.strong(label)]))
                    let items: [[Inline]] = ranked.rises.map { [.text("▲ " + sentence($0, areaName: $0.area))] }
                        + ranked.falls.map { [.text("▼ " + sentence($0, areaName: $0.area))] }
                    inner.append(items.isEmpty
                        ? .paragraph([.text(words.say("没有符合条件的变化。", "No change qualifies."))])
                        : .list(items))
                }
                let name = words.metricTitle(metricTitle(dataset, metric))
                let title = name == words.datasetName(dataset) ? name
                    : name + words.say("（\(words.datasetName(dataset))）", " (\(words.datasetName(dataset)))")
                blocks.append(.section(ReportSection(level: 3, title: title, blocks: inner)))
            }
        }
        return ReportSection(level: 2, title: words.say("升降幅度最大的区", "Largest rises and falls"), blocks: blocks)
    }

    // MARK: Compliance

    func districtComplianceTable(_ dataset: Dataset, _ period: Period) -> ReportBlock {
        let rate = words.complianceTitle(dataset)
        let areas = [cityRow()] + compliance.areas(.district).map {
            AreaRow(cell: [districtLink($0)], level: .district, area: $0)
        }
        return complianceTable(
            period, caption: words.say("各区\(rate)，\(words.compliancePeriod(period))",
                                       "\(rate) by district, \(words.compliancePeriod(period))"),
            firstColumn: words.say("区", "District"), areas: areas)
    }
}
