import Ingest
import Schema
import Trends

/// The tables and charts that several pages share.
extension ReportBuilder {
    /// One row of a comparison table: how the area is shown, and how it is looked up.
    struct AreaRow {
        let cell: [Inline]
        let level: AreaLevel
        let area: String
    }

    /// Months a monthly table shows: the latest and the same month a year earlier.
    static let tableMonths = 13

    func cityRow() -> AreaRow { AreaRow(cell: [.text(words.cityName)], level: .city, area: input.city) }

    /// The year-to-date span and the span a year earlier, in words.
    func ytdSpans(_ dataset: Dataset) -> String? {
        guard let span = input.spans[dataset] else {
            return trends.ytdPeriod(dataset).map { words.span($0) }
        }
        return words.say("年初至今 \(words.span(span.ytdLabel))，上年同期 \(words.span(span.priorYtdLabel))",
                         "year to date \(words.span(span.ytdLabel)), same span a year earlier \(words.span(span.priorYtdLabel))")
    }

    /// Areas side by side: the latest complete year against the year before, and the year to
    /// date against the same span a year earlier, with the change of each.
    func comparisonTable(_ dataset: Dataset, _ metric: String, subject: String, firstColumn: String, areas: [AreaRow], order: String? = nil) -> ReportBlock {
        let year = trends.latestCompleteYear(dataset)
        let ytd = trends.ytdPeriod(dataset)
        var columns = [ReportTable.Column(firstColumn)]
        var scope: [String] = []
        if let year, let number = Int(year) {
            columns += [
                .init(words.year(year), numeric: true), .init(words.year(String(number - 1)), numeric: true),
                .init(words.say("同比", "Year on year")),
            ]
            scope.append(words.say("\(year) 年对比 \(number - 1) 年", "\(year) against \(number - 1)"))
        }
        if ytd != nil {
            columns += [
                .init(words.say("年初至今", "Year to date"), numeric: true),
                .init(words.say("上年同期", "Same span a year earlier"), numeric: true),
                .init(words.say("同比", "Year on year")),
            ]
            if let spans = ytdSpans(dataset) { scope.append(spans) }
        }
        let rows: [[[Inline]]] = areas.map { area in
            var cells = [area.cell]
            if let year, let number = Int(year) {
                if let row = trends.row(dataset, metric, area.level, area.area, .year, year) {
                    let prior = trends.row(dataset, metric, area.level, area.area, .year, String(number - 1))
                    cells += [
                        [.text(words.figure(row.value, status: status(row)))],
                        [.text(prior.map { words.figure(row.priorValue, status: status($0)) } ?? String(row.priorValue))],
                        [.text(words.change(comparison(row)))],
                    ]
                } else {
                    cells += [[.text("—")], [.text("—")], [.text("—")]]
                }
            }
            if let ytd {
                if let row = trends.row(dataset, metric, area.level, area.area, .ytd, ytd) {
                    cells += [[.text(String(row.value))], [.text(String(row.priorValue))], [.text(words.change(comparison(row)))]]
                } else {
                    cells += [[.text("—")], [.text("—")], [.text("—")]]
                }
            }
            return cells
        }
        if let order {
            scope.append(order)
        }
        let caption = words.metricTitle(metricTitle(dataset, metric)) + words.say("：", ": ") + subject
            + (scope.isEmpty ? "" : words.say("（", " (") + scope.joined(separator: words.say("；", "; ")) + words.say("）", ")"))
        return .table(ReportTable(caption: caption, columns: columns, rows: rows))
    }

    /// An area's monthly counts of one metric as a bar chart, its table beside it.
    func monthlyChart(_ dataset: Dataset, _ metric: String, _ level: AreaLevel, _ area: String) -> ReportBlock? {
        let rows = trends.rows(dataset, metric, level, area, .month)
        guard let first = rows.first, let last = rows.last else { return nil }
        let areaName = words.areaName(area, level: level)
        let name = metricTitle(dataset, metric)
        let title = words.say("\(areaName)\(words.metricName(name))逐月数量", "\(words.metricTitle(name)) by month: \(areaName)")
        var bars: [BarChart.Bar] = []
        var tableRows: [[[Inline]]] = []
        for (position, row) in rows.enumerated() {
            let status = status(row)
            let month = Int(row.period.suffix(2)) ?? 1
            // The year under its January (or the first month), the month at each quarter.
            let axisLabel = month == 1 || position == 0 ? String(row.period.prefix(4)) + (month == 1 ? "" : "-" + row.period.suffix(2))
                : (month - 1) % 3 == 0 ? String(row.period.suffix(2)) : nil
            let figure = words.figure(row.value, status: status)
            var bar = BarChart.Bar(
                axisLabel: axisLabel, magnitude: row.value,
                caption: row.period + words.say("：", ": ") + (words.zh ? words.count(row.value) : String(row.value))
                    + (status == .complete ? "" : words.say("（\(words.status(status))）", " (\(words.status(status)))")),
                incomplete: status != .complete)
            if position >= 12 { bar.yearEarlier = rows[position - 12].value }
            if status != .complete { bar.flag = words.status(status) }
            bars.append(bar)
            tableRows.append([[.text(row.period)], [.text(figure)], [.text(words.change(comparison(row)))]])
        }
        let maximum = rows.map(\.value).max() ?? 0
        var summary = words.say(
            "\(first.period) 至 \(last.period) 共 \(rows.count) 个月",
            "\(first.period) to \(last.period), \(rows.count) months")
        let complete = rows.filter { $0.complete }
        if let high = complete.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.period > $1.period) }),
           let low = complete.min(by: { $0.value < $1.value || ($0.value == $1.value && $0.period < $1.period) }) {
            summary += words.say(
                "；完整月份中最高为 \(high.period) \(high.value) 起，最低为 \(low.period) \(low.value) 起",
                "; among complete months the highest is \(high.period) with \(high.value), the lowest \(low.period) with \(low.value)")
        }
        if let span = input.spans[dataset] {
            if status(first) == .partial {
                summary += words.say(
                    "；\(first.period) 不完整（数据始于 \(span.first)）",
                    "; \(first.period) is partial (data from \(span.first))")
            }
            if status(last) == .inProgress {
                summary += words.say(
                    "；\(last.period) 进行中（数据截至 \(span.asOf)），不作比较",
                    "; \(last.period) is in progress (data to \(span.asOf)) and not compared")
            }
        }
        summary += words.say("。", ".")
        // The last 13 months (a month and the same month a year earlier); every month is in
        // data/trends.csv.
        let shown = tableRows.suffix(Self.tableMonths)
        let table = ReportTable(
            caption: words.say("\(title)：数据表", "\(title): data")
                + (shown.count < tableRows.count
                    ? words.say("（最近 \(shown.count) 个月；每个月见 data/trends.csv）", " (the last \(shown.count) months; every month is in data/trends.csv)")
                    : ""),
            columns: [.init(words.say("月份", "Month")), .init(words.say("数量", "Count"), numeric: true),
                      .init(words.say("环比（对比上月）", "Against the month before"))],
            rows: Array(shown))
        let earlier = bars.contains { $0.yearEarlier != nil }
        return .chart(BarChart(title: title, summary: summary, bars: bars, scaleMaximum: max(maximum, bars.compactMap(\.yearEarlier).max() ?? 0, 1),
                               table: table, unit: words.say("起", "count"),
                               legend: words.say(earlier ? "柱：当月；横线：上年同月" : "柱：当月", earlier ? "bars: the month; lines: the same month a year earlier" : "bars: the month")))
    }

    /// Records of an events dataset per category and year (counts only) for the city or a district.
    func categoryTable(_ dataset: Dataset, area: String, areaName: String) -> ReportBlock? {
        guard let breakdown = input.categories.first(where: { $0.dataset == dataset }), breakdown.covers(area: area),
              !breakdown.years.isEmpty else { return nil }
        let metric = trends.metrics(dataset).first
        let columns = [ReportTable.Column(words.say("类别", "Category"))] + breakdown.years.map { year in
            var title = words.year(String(year))
            if let metric, let row = trends.row(dataset, metric, .city, input.city, .year, String(year)) {
                let status = status(row)
                if status != .complete { title += words.say("（\(words.status(status))）", " (\(words.status(status)))") }
            }
            return ReportTable.Column(title, numeric: true)
        }
        let rows: [[[Inline]]] = breakdown.categories.map { category in
            [[.text(category)]] + breakdown.years.map { [.text(String(breakdown.count(area: area, category: category, year: $0)))] }
        }
        return .table(ReportTable(
            caption: words.say("\(areaName) \(words.datasetName(dataset))各类别数量（按年，仅计数）",
                               "\(words.datasetName(dataset)) by category and year: \(areaName) (counts only)"),
            columns: columns, rows: rows))
    }

    // MARK: Compliance

    var complianceColumns: [ReportTable.Column] {
        [.init(words.say("达标率", "Compliance rate"), numeric: true),
         .init(words.say("达标数", "Compliant")),
         .init(words.say("上期达标率", "Rate in the period before"), numeric: true),
         .init(words.say("变化", "Change"))]
    }

    /// `tagSmall`: mark rates on fewer than 10 assessments (off where every row would be).
    func complianceCells(_ row: ComplianceRow?, tagSmall: Bool = true) -> [[Inline]] {
        guard let row else {
            return [[.text("—")], [.text(words.say("本期无考评", "not assessed in this period"))], [.text("—")], [.text("—")]]
        }
        let limit = tagSmall ? Comparison.smallBaseLimit : 0
        let prior = row.priorRatePercent.map { words.rate($0, assessed: row.priorAssessed, limit: limit) } ?? "—"
        return [[.text(words.rate(row.ratePercent, assessed: row.assessed, limit: limit))],
                [.text(words.compliantOf(row.compliant, row.assessed, unit: row.dataset.unit))],
                [.text(prior)], [.text(words.complianceChange(row))]]
    }

    /// Compliance of areas in one period, with numerator and denominator.
    func complianceTable(_ period: Period, caption: String, firstColumn: String, areas: [AreaRow]) -> ReportBlock {
        // Streets are small: a tag on every row would say nothing; the caption says it once.
        let streets = areas.allSatisfy { $0.level == .street }
        let rows = areas.map { area in [area.cell] + complianceCells(compliance.row(area.level, area.area, period), tagSmall: !streets) }
        let note = streets ? words.say("（街镇的参评数多在 10 个以下，比率宜谨慎看待）", " (most streets have fewer than 10 assessed; read rates with care)") : ""
        return .table(ReportTable(caption: caption + note, columns: [.init(firstColumn)] + complianceColumns, rows: rows))
    }

    /// Every assessment period of one area.
    func complianceHistory(_ level: AreaLevel, _ area: String, caption: String, kind: Period.Kind? = nil) -> ReportBlock? {
        let rows = compliance.rows(level, area).filter { kind == nil || $0.period.kind == kind }
        guard !rows.isEmpty else { return nil }
        return .table(ReportTable(
            caption: caption, columns: [.init(words.say("考评期", "Period"))] + complianceColumns,
            rows: rows.map { [[.text(words.compliancePeriod($0.period) + (level == .city ? subsetNote($0.period) : ""))]] + complianceCells($0) }))
    }

    /// For a city row of a period assessed in fewer districts than the latest period: which
    /// ones, so that it is not read as the whole city.
    func subsetNote(_ period: Period) -> String {
        guard let latest = compliance.latestPeriod else { return "" }
        let all = compliance.areas(.district).filter { compliance.row(.district, $0, latest) != nil }
        let these = compliance.areas(.district).filter { compliance.row(.district, $0, period) != nil }
        guard these.count < all.count else { return "" }
        let names = these.prefix(4).joined(separator: words.say("、", ", ")) + (these.count > 4 ? words.say(" 等 \(these.count) 个区", " and \(these.count - 4) more") : "")
        return words.say("（仅 \(names)参评）", " (assessed in \(names) only)")
    }

    /// The city's rate in each period of the latest period's kind, as a bar chart.
    func complianceChart(_ kind: Period.Kind) -> ReportBlock? {
        let rows = compliance.rows(.city, input.city).filter { $0.period.kind == kind }
        guard let dataset = rows.first?.dataset else { return nil }
        let periods = words.say(["年度", "半年", "季度"][kind.rawValue], ["by year", "by half-year", "by quarter"][kind.rawValue])
        // Periods assessed in only some districts say which (not the whole city).
        let title = words.say("\(words.cityName)\(words.complianceName(dataset))（\(periods)）", "\(words.cityName): \(words.complianceName(dataset)), \(periods)")
            + subsetNote(rows.last!.period)
        let unit = dataset.unit
        let every = rows.count <= 12 ? 1 : (rows.count + 11) / 12
        let bars = rows.enumerated().map { position, row in
            BarChart.Bar(
                axisLabel: position % every == 0 ? row.period.description : nil, magnitude: Self.tenths(row.ratePercent),
                caption: words.compliancePeriod(row.period) + words.say("：", ": ") + row.ratePercent + "%"
                    + words.say("（\(words.compliantOf(row.compliant, row.assessed, unit: unit))）", " (\(words.compliantOf(row.compliant, row.assessed, unit: unit)))"),
                incomplete: false)
        }
        let summary = words.say(
            "\(words.compliancePeriod(rows.first!.period)) 至 \(words.compliancePeriod(rows.last!.period)) 各期达标率，刻度 0% 至 100%；最新一期 \(words.compliancePeriod(rows.last!.period)) 为 \(rows.last!.ratePercent)%（\(words.compliantOf(rows.last!.compliant, rows.last!.assessed, unit: unit))）。",
            "Compliance rate in each period from \(words.compliancePeriod(rows.first!.period)) to \(words.compliancePeriod(rows.last!.period)), on a scale of 0% to 100%; the latest, \(words.compliancePeriod(rows.last!.period)), is \(rows.last!.ratePercent)% (\(words.compliantOf(rows.last!.compliant, rows.last!.assessed, unit: unit))).")
        guard let table = complianceHistory(.city, input.city, caption: words.say("\(title)：数据表", "\(title): data"), kind: kind),
              case .table(let data) = table else { return nil }
        return .chart(BarChart(title: title, summary: summary, bars: bars, scaleMaximum: 1000, table: data,
                               unit: "%", tenths: true))
    }

    /// `80.0` as 800, digit by digit (no floating point).
    static func tenths(_ percent: String) -> Int {
        var value = 0
        for character in percent where character.isASCII && character.isNumber {
            value = value * 10 + Int(String(character))!
        }
        return percent.contains(".") ? value : value * 10
    }

    // MARK: Data quality

    func qualityCells(_ read: Int, _ accepted: Int, _ rejected: Int, _ duplicates: Int, _ conflicts: Int, _ filtered: Int) -> [[Inline]] {
        [read, accepted, rejected, duplicates, conflicts, filtered].map { [.text(String($0))] }
    }

    var qualityColumns: [ReportTable.Column] { words.qualityColumns.map { .init($0, numeric: true) } }

    func rejectsLink(_ kind: Dataset) -> Inline {
        let path = "rejects/\(kind.name).csv"
        return .link(path, .file(path))
    }

    /// Row outcomes per dataset, with the rejects file of each.
    func qualitySummary() -> ReportBlock {
        let rows: [[[Inline]]] = present.map { ingest in
            [[datasetLink(ingest.dataset)], [.text(String(ingest.files.count))]]
                + qualityCells(ingest.rowsRead, ingest.accepted, ingest.rejected, ingest.duplicates, ingest.conflicts, ingest.filtered)
                + [[rejectsLink(ingest.dataset)]]
        }
        return .table(ReportTable(
            caption: words.say("各数据集的行处理结果", "Row outcomes per dataset"),
            columns: [.init(words.say("数据集", "Dataset")), .init(words.say("文件数", "Files"), numeric: true)]
                + qualityColumns + [.init(words.say("拒收明细", "Rejected rows"))],
            rows: rows))
    }

    /// Row outcomes per file of one dataset, and their total.
    func qualityByFile(_ ingest: DatasetIngest) -> ReportBlock {
        var rows: [[[Inline]]] = ingest.files.map { file in
            var name: [Inline] = [.text(file.file.relativePath)]
            if let refusal = file.refusal { name.append(.text(words.say("（整个文件被拒收：", " (file refused: ") + refusal + words.say("）", ")"))) }
            return [name] + qualityCells(file.rowsRead, file.accepted, file.rejected, file.duplicates, file.conflicts, file.filtered)
        }
        rows.append([[.strong(words.say("合计", "Total"))]]
            + qualityCells(ingest.rowsRead, ingest.accepted, ingest.rejected, ingest.duplicates, ingest.conflicts, ingest.filtered))
        return .table(ReportTable(
            caption: words.say("\(words.datasetName(ingest.dataset)) 各文件的行处理结果", "Row outcomes per file: \(words.datasetName(ingest.dataset))"),
            columns: [.init(words.say("文件", "File"))] + qualityColumns, rows: rows))
    }
}
