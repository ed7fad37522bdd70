import CSVReading
import Schema
import Trends

/// The first screen of a page: the headline figures as tiles, and the headlines ranked by
/// what matters (the size of the change in counts), a handful shown and the rest folded.
extension ReportBuilder {
    /// How many headlines stand above the fold.
    static let headlinesShown = 5
    /// Months in a tile's sparkline.
    static let sparklineMonths = 24

    /// Tiles of every metric of every dated dataset and every assessments dataset, for an
    /// area (the city on the index, a district on its page).
    func tiles(level: AreaLevel, area: String) -> [Tile] {
        var tiles: [Tile] = []
        for dataset in dated {
            for metric in trends.metrics(dataset) {
                if let tile = tile(dataset, metric, level: level, area: area) { tiles.append(tile) }
            }
        }
        for dataset in assessed {
            if let tile = complianceTile(dataset, level: level, area: area) { tiles.append(tile) }
        }
        return tiles
    }

    func tile(_ dataset: Dataset, _ metric: String, level: AreaLevel, area: String) -> Tile? {
        let name = words.metricTitle(metricTitle(dataset, metric))
        let scopes = headlineScopes(dataset)
        guard let first = scopes.first, let row = trends.row(dataset, metric, level, area, first.kind, first.period) else { return nil }
        let comparison = comparison(row)
        var notes: [String] = []
        if scopes.count > 1, let ytd = trends.row(dataset, metric, level, area, .ytd, scopes[1].period) {
            notes.append(words.say("年初至今 \(words.count(ytd.value))，", "Year to date \(ytd.value): ") + words.shortChange(self.comparison(ytd)))
        }
        if level == .district, let city = trends.row(dataset, metric, .city, input.city, first.kind, first.period) {
            notes.append(words.say("\(words.cityName) ", "\(words.cityName): ") + words.shortChange(self.comparison(city)))
            if let rank = rank(dataset, metric, area, first.kind, first.period) {
                // A district that rose is placed among the rises, not last among the falls.
                notes.append(comparison.direction == .up
                    ? words.say("升幅在 \(rank.of) 个区中排第 \(rank.risePosition)", "rise ranked \(rank.risePosition) of \(rank.of) districts")
                    : words.say("降幅在 \(rank.of) 个区中排第 \(rank.position)", "fall ranked \(rank.position) of \(rank.of) districts"))
            }
        }
        let declared = dataset.metrics.first { $0.name == metric }
        if let share = declared?.shareOf, let whole = trends.row(dataset, share.metric, level, area, first.kind, first.period), whole.value > 0 {
            // The share beside the count (the clearance rate), this period and the one before.
            let rate = Percent.format(numerator: row.value * 100, denominator: whole.value)
            let prior = whole.priorValue > 0 ? Percent.format(numerator: row.priorValue * 100, denominator: whole.priorValue) : nil
            let name = words.text(share.title)
            notes.insert(prior.map { words.say("\(name) \(rate)%（上年同期 \($0)%）", "\(name) \(rate)% (\($0)% a year earlier)") }
                ?? words.say("\(name) \(rate)%", "\(name) \(rate)%"), at: 0)
        }
        let change = words.shortChange(comparison, fallIsBad: declared?.riseIsGood == true)
        let months = trends.rows(dataset, metric, level, area, .month).filter { status($0) == .complete }.suffix(Self.sparklineMonths)
        let scope = first.kind == .ytd ? (clock(dataset).ytdFromFirstRecord(words) ?? words.span(first.period)) : words.year(first.period)
        return Tile(title: name + " · " + scope, figure: words.count(row.value), change: change,
                    notes: notes, sparkline: months.map(\.value))
    }

    private func complianceTile(_ dataset: Dataset, level: AreaLevel, area: String) -> Tile? {
        let compliance = complianceByDataset[dataset]!
        guard let latest = compliance.latestPeriod, let row = compliance.row(level, area, latest) else { return nil }
        var notes = [words.compliantOf(row.compliant, row.assessed, unit: dataset.unit)]
        if level == .district, let city = compliance.row(.city, input.city, latest) {
            notes.append(words.say("\(words.cityName) \(city.ratePercent)%", "\(words.cityName): \(city.ratePercent)%"))
            let districts = compliance.areas(.district).compactMap { compliance.row(.district, $0, latest) }
            // Rank by the exact rate (compliant × assessed of the other), highest first.
            let ahead = districts.filter { $0.compliant * row.assessed > row.compliant * $0.assessed }.count
            notes.append(words.say("在 \(districts.count) 个区中排第 \(ahead + 1)", "ranked \(ahead + 1) of \(districts.count) districts"))
        }
        let history = compliance.rows(level, area).filter { $0.period.kind == latest.kind }.map { Self.tenths($0.ratePercent) }
        return Tile(title: words.complianceTitle(dataset) + " · " + words.compliancePeriod(latest), figure: row.ratePercent + "%",
                    change: words.complianceChange(row), notes: notes, sparkline: history)
    }

    /// A district's place among the districts with a headline change, largest fall first
    /// (`position`) and largest rise first (`risePosition`).
    func rank(_ dataset: Dataset, _ metric: String, _ district: String, _ kind: PeriodKind, _ period: String) -> (position: Int, risePosition: Int, of: Int)? {
        var ratios: [(String, (numerator: Int, denominator: Int))] = []
        for name in trends.areas(dataset, .district) {
            guard let row = trends.row(dataset, metric, .district, name, kind, period) else { continue }
            let comparison = comparison(row)
            guard comparison.isHeadline, let ratio = comparison.ratio else { continue }
            ratios.append((name, ratio))
        }
        guard let own = ratios.first(where: { compareUTF8($0.0, district) == 0 })?.1 else { return nil }
        let ahead = ratios.filter { Comparison.ratioLess($0.1, own) }.count
        let aheadInRises = ratios.filter { Comparison.ratioLess(own, $0.1) }.count
        return (ahead + 1, aheadInRises + 1, ratios.count)
    }

    /// Headlines of an area, most important first: the changes fit for a headline, by the
    /// size of the change in counts (then in byte order of the sentence, for ties).
    func rankedHeadlines(level: AreaLevel, area: String, areaName: String, withDistricts: Bool) -> [(weight: Int, item: [Inline])] {
        var items: [(weight: Int, item: [Inline])] = []
        for dataset in dated {
            for metric in trends.metrics(dataset) {
                let scopes = headlineScopes(dataset)
                for scope in scopes {
                    guard let row = trends.row(dataset, metric, level, area, scope.kind, scope.period) else { continue }
                    let comparison = comparison(row)
                    let weight = comparison.isHeadline ? abs(row.value - row.priorValue) : -1
                    items.append((weight, [.text(sentence(row, areaName: areaName))]))
                }
                if withDistricts, let scope = scopes.first {
                    let ranked = ranking(dataset, metric, scope.kind, scope.period)
                    if let fall = ranked.falls.first {
                        items.append((abs(fall.value - fall.priorValue), [.strong(words.say("降幅最大的区", "Largest fall by district")),
                                      .text(words.say("：", ": ") + sentence(fall, areaName: fall.area))]))
                    }
                    if let rise = ranked.rises.first {
                        items.append((abs(rise.value - rise.priorValue), [.strong(words.say("升幅最大的区", "Largest rise by district")),
                                      .text(words.say("：", ": ") + sentence(rise, areaName: rise.area))]))
                    }
                }
            }
        }
        for dataset in assessed {
            let compliance = complianceByDataset[dataset]!
            if let latest = compliance.latestPeriod, let row = compliance.row(level, area, latest),
               row.assessed >= Comparison.smallBaseLimit {
                // A rate's change in points, weighed as the communities it moved.
                let moved = row.priorAssessed > 0 ? abs(row.compliant * row.priorAssessed - row.priorCompliant * row.assessed) / row.priorAssessed : 0
                items.append((moved, [.text(words.complianceSentence(area: areaName, row))]))
            }
        }
        return items.enumerated().sorted { lhs, rhs in
            lhs.element.weight != rhs.element.weight ? lhs.element.weight > rhs.element.weight : lhs.offset < rhs.offset
        }.map(\.element)
    }

    /// The headlines section: a handful above the fold, the rest folded.
    func headlineBlocks(_ ranked: [(weight: Int, item: [Inline])]) -> [ReportBlock] {
        guard !ranked.isEmpty else { return [.paragraph([.text(words.say("没有可作要点的数字。", "No figure to headline."))])] }
        let shown = ranked.prefix(Self.headlinesShown).map(\.item)
        var blocks: [ReportBlock] = [.list(Array(shown))]
        if ranked.count > Self.headlinesShown {
            blocks.append(.details(words.say("其余 \(ranked.count - Self.headlinesShown) 条", "\(ranked.count - Self.headlinesShown) more"),
                                   [.list(ranked.dropFirst(Self.headlinesShown).map(\.item))]))
        }
        return blocks
    }

    /// The communities whose main figure changed most in the latest complete year (in
    /// counts), with the year before: the few that matter, not hundreds of rows; none whose
    /// two years are both 0. `district`: only its communities.
    func communityHighlights(_ dataset: Dataset, district: String?) -> ReportBlock? {
        guard let metric = trends.metrics(dataset).first, let year = trends.latestCompleteYear(dataset), let number = Int(year) else { return nil }
        let areas = trends.areas(dataset, .community).filter { area in district.map { Self.child(area, of: $0) != nil } ?? true }
        let rows = areas.compactMap { area -> (String, TrendRow, TrendRow?)? in
            guard let row = trends.row(dataset, metric, .community, area, .year, year), row.value != 0 || row.priorValue != 0 else { return nil }
            return (area, row, trends.row(dataset, metric, .community, area, .year, String(number - 1)))
        }.enumerated().sorted { lhs, rhs in
            let (a, b) = (abs(lhs.element.1.value - lhs.element.1.priorValue), abs(rhs.element.1.value - rhs.element.1.priorValue))
            return a != b ? a > b : lhs.offset < rhs.offset
        }.prefix(Self.headlinesShown).map(\.element)
        guard !rows.isEmpty else { return nil }
        let name = words.metricName(metricTitle(dataset, metric))
        let table = ReportTable(
            caption: words.say("\(name)变化最大的小区（按 \(year) 年变化的绝对数量排列）",
                               "Communities whose \(name) changed most (by the change in \(year), in counts)"),
            columns: [.init(words.say("区/小区", "District/community")), .init(words.year(String(number - 1)), numeric: true),
                      .init(words.say("同比", "Year on year")), .init(words.year(year), numeric: true), .init(words.say("同比", "Year on year"))],
            rows: rows.map { area, row, prior in
                let shown = district.flatMap { Self.child(area, of: $0) } ?? area
                return [[.text(shown)],
                        [.text(prior.map { String($0.value) } ?? "—")], [.text(prior.map { words.change(comparison($0)) } ?? "—")],
                        [.text(String(row.value))], [.text(words.change(comparison(row)))]]
            })
        return .table(table)
    }

    /// The communities with a record in the years shown, the largest change (in counts, in
    /// the latest complete year) first: the rest are 0 and 0, and left out.
    func activeCommunities(_ dataset: Dataset, _ areas: [String]) -> [String] {
        guard let metric = trends.metrics(dataset).first, let scope = headlineScopes(dataset).first else { return areas }
        let rows = areas.map { trends.row(dataset, metric, .community, $0, scope.kind, scope.period) }
        let ytd = headlineScopes(dataset).dropFirst().first.map { scope in areas.map { trends.row(dataset, metric, .community, $0, scope.kind, scope.period) } }
        return areas.indices.filter { index in
            let row = rows[index]
            let recent = ytd?[index]
            return (row.map { $0.value != 0 || $0.priorValue != 0 } ?? false) || (recent.map { $0.value != 0 || $0.priorValue != 0 } ?? false)
        }.sorted { lhs, rhs in
            let a = rows[lhs].map { abs($0.value - $0.priorValue) } ?? 0
            let b = rows[rhs].map { abs($0.value - $0.priorValue) } ?? 0
            return a != b ? a > b : lhs < rhs
        }.map { areas[$0] }
    }

    /// Communities a table lists at most; every one is in data/trends.csv.
    static let communityRows = 30

    /// How the community tables are ordered (`activeCommunities`). With several metrics,
    /// every table has the rows of the first, in its order, to be read side by side: the
    /// note names that metric, since the others' rows may be 0 throughout.
    func communityOrderNote(_ dataset: Dataset, total: Int) -> String {
        guard let scope = headlineScopes(dataset).first, let first = trends.metrics(dataset).first else { return "" }
        let when = scope.kind == .ytd ? words.span(scope.period) : words.year(scope.period)
        let cut = total > Self.communityRows
            ? words.say("；列出前 \(Self.communityRows) 个，共 \(total) 个，全部见 data/trends.csv", "; the first \(Self.communityRows) of \(total), all of them in data/trends.csv")
            : ""
        guard trends.metrics(dataset).count > 1 else {
            return words.say("按\(words.amid(when))变化的绝对数量排列，各期均为 0 的小区不列出", "largest change in \(when) first; communities with no record in these periods are left out") + cut
        }
        let name = words.metricName(metricTitle(dataset, first))
        return words.say("各表均按\(name)\(words.amid(when))变化的绝对数量排列，\(name)各期均为 0 的小区不列出",
                         "every table in the order of the largest change in \(name) in \(when); communities with no \(name) in these periods are left out") + cut
    }

    /// The districts ranked by the first metric of a dataset in its headline period, largest
    /// first, each with its change: the comparison at a glance (the table is its data).
    func districtRanking(_ dataset: Dataset) -> ReportBlock? {
        guard let metric = trends.metrics(dataset).first, let scope = headlineScopes(dataset).first else { return nil }
        let rows = byValue(dataset, level: .district, trends.areas(dataset, .district)).compactMap { district in
            trends.row(dataset, metric, .district, district, scope.kind, scope.period).map { (district, $0) }
        }
        guard rows.count >= 2 else { return nil }
        let name = words.metricName(metricTitle(dataset, metric))
        let when = scope.kind == .ytd ? words.span(scope.period) : words.year(scope.period)
        let title = words.say("各区\(name)（\(when)）", "\(words.metricTitle(metricTitle(dataset, metric))) by district, \(when)")
        let bars = rows.map { district, row in
            var bar = BarChart.Bar(axisLabel: district, magnitude: row.value,
                                   caption: district + words.say("：", ": ") + words.count(row.value) + words.say("，", ", ") + words.shortChange(comparison(row)),
                                   incomplete: false)
            bar.flag = String(row.value) + " " + words.shortChange(comparison(row))
            return bar
        }
        let table = ReportTable(
            caption: title + words.say("：数据表", ": data"),
            columns: [.init(words.say("区", "District")), .init(when, numeric: true), .init(words.say("变化", "Change"))],
            rows: rows.map { district, row in [[districtLink(district)], [.text(String(row.value))], [.text(words.change(comparison(row)))]] })
        let summary = words.say("\(rows.count) 个区按数量从多到少排列；最多为 \(rows.first!.0) \(rows.first!.1.value) 起，最少为 \(rows.last!.0) \(rows.last!.1.value) 起。",
                                "\(rows.count) districts, largest first: \(rows.first!.0) with \(rows.first!.1.value), \(rows.last!.0) with \(rows.last!.1.value) the smallest.")
        var chart = BarChart(title: title, summary: summary, bars: bars, scaleMaximum: rows.map(\.1.value).max() ?? 1,
                             table: table, legend: words.say("数量与同比", "count and change on the year before"))
        chart.horizontal = true
        return .chart(chart)
    }

    /// The districts ranked by their compliance rate in the latest period.
    func complianceRanking(_ dataset: Dataset) -> ReportBlock? {
        let compliance = complianceByDataset[dataset]!
        guard let latest = compliance.latestPeriod else { return nil }
        let rows = compliance.areas(.district).compactMap { compliance.row(.district, $0, latest) }.enumerated().sorted { lhs, rhs in
            let (a, b) = (lhs.element, rhs.element)
            let left = a.compliant * b.assessed, right = b.compliant * a.assessed
            return left != right ? left > right : lhs.offset < rhs.offset
        }.map(\.element)
        guard rows.count >= 2 else { return nil }
        let title = words.say("各区\(words.complianceName(dataset))（\(words.compliancePeriod(latest))）",
                              "\(words.complianceTitle(dataset)) by district, \(words.compliancePeriod(latest))")
        let bars = rows.map { row in
            var bar = BarChart.Bar(axisLabel: row.area, magnitude: Self.tenths(row.ratePercent),
                                   caption: row.area + words.say("：", ": ") + row.ratePercent + "%", incomplete: false)
            bar.flag = row.ratePercent + "%"
            return bar
        }
        let table = ReportTable(
            caption: title + words.say("：数据表", ": data"),
            columns: [.init(words.say("区", "District")), .init(words.say("达标率", "Rate"), numeric: true),
                      .init(words.say("达标数", "Compliant"))],
            rows: rows.map { row in [[districtLink(row.area)], [.text(row.ratePercent + "%")], [.text(words.compliantOf(row.compliant, row.assessed, unit: dataset.unit))]] })
        let summary = words.say("\(rows.count) 个区按达标率从高到低排列，刻度 0% 至 100%。", "\(rows.count) districts, highest rate first, on a scale of 0% to 100%.")
        var chart = BarChart(title: title, summary: summary, bars: bars, scaleMaximum: 1000, table: table,
                             legend: words.say("达标率", "compliance rate"))
        chart.horizontal = true
        return .chart(chart)
    }
}
