import Ingest
import Schema
import Trends

/// The page of each dataset present and the page of each district.
extension ReportBuilder {
    // MARK: Dataset pages

    func datasetPage(_ ingest: DatasetIngest) -> ReportPage {
        let kind = ingest.dataset
        var blocks: [ReportBlock] = [provenance, navigation(current: kind.name, includeDistricts: false)]
        switch kind.kind {
        case .events:
            if dated.contains(kind) {
                blocks += datedDatasetBlocks(kind)
            } else {
                blocks.append(.paragraph([.text(words.say("本数据集没有有效记录。", "This dataset has no valid records."))]))
            }
        case .assessments:
            let scoped = scoped(to: kind)
            if scoped.compliance.isEmpty {
                blocks.append(.paragraph([.text(words.say("本数据集没有有效记录。", "This dataset has no valid records."))]))
            } else {
                blocks += scoped.complianceDatasetBlocks(kind)
            }
        }
        var quality: [ReportBlock] = [
            qualityByFile(ingest),
            .paragraph([.text(words.say("被拒收的行（含文件、行号、列与原因）见 ", "Rejected rows, with file, line, column and reason: ")),
                        rejectsLink(kind), .text(words.say("。", "."))]),
        ]
        let empty = trends.emptyMonths(kind)
        if !empty.isEmpty {
            quality.append(.paragraph([
                .strong(words.say("可能缺少导出文件：", "An export may be missing:")),
                .text(words.say(
                    "\(empty.joined(separator: "、")) \(words.cityName)没有一条记录，而前后月份都有。这些月份及所在季度、年度的数量因此偏低，与它们相比的环比、同比都不可信。",
                    " no record at all citywide in \(empty.joined(separator: ", ")), with records before and after. Those months, and their quarters and years, count too few, so every change compared with them is not to be trusted.")),
            ]))
        }
        // A quote left open: the lines it took count as one rejected row (see `RunOnRecords`).
        for file in ingest.files where file.runOnRecords.count > 0 {
            let runOn = file.runOnRecords
            let name = file.file.relativePath
            let more = runOn.count - 1
            quality.append(.paragraph([
                .strong(words.say("可能有未闭合的引号：", "A quote may be left open:")),
                .text(words.say(
                    "\(name) 第 \(runOn.firstLine) 行起的一条记录跨了 \(runOn.firstLines) 行，被整体拒收，只算一行被拒收的行" + (more > 0 ? "（该文件另有 \(more) 条这样的记录）" : "") + "。这些行上的记录都没有计入。",
                    " in \(name), a record from line \(runOn.firstLine) runs over \(runOn.firstLines) lines and was rejected whole, as one rejected row" + (more > 0 ? " (the file holds \(more) more such \(more == 1 ? "record" : "records"))" : "") + ". The records on those lines are not counted.")),
            ]))
        }
        blocks.append(folded(ReportSection(level: 2, title: words.say("数据质量", "Data quality"), blocks: quality)))
        blocks.append(folded(methodology()))
        return ReportPage(name: kind.name, title: words.pageTitle(words.datasetName(kind)), blocks: blocks)
    }

    private func datedDatasetBlocks(_ kind: Dataset) -> [ReportBlock] {
        var blocks: [ReportBlock] = []
        if let span = input.spans[kind] {
            blocks.append(.paragraph([.text(words.say(
                "数据范围 \(words.span(span.first, span.asOf))，截至 \(span.asOf)。",
                "Data from \(words.span(span.first, span.asOf)), as of \(span.asOf)."))]))
        }
        let metrics = trends.metrics(kind)
        let tiles = metrics.compactMap { tile(kind, $0, level: .city, area: input.city) }
        if !tiles.isEmpty {
            blocks.append(.section(ReportSection(level: 2, title: words.say("概览", "At a glance"), anchor: "glance", blocks: [.tiles(tiles)])))
        }
        if let highlights = communityHighlights(kind, district: nil) {
            blocks.append(.section(ReportSection(level: 2, title: words.say("变化最大的小区", "Communities that changed most"),
                                                 anchor: "communities", blocks: [highlights])))
        }
        let charts = metrics.compactMap { monthlyChart(kind, $0, .city, input.city) }
        blocks.append(.section(ReportSection(
            level: 2, title: words.say("月度趋势（\(words.cityName)）", "Monthly trend, \(words.cityName)"), anchor: "trend",
            blocks: Array(charts.prefix(1)) + (charts.count > 1
                ? [.details(words.say("其他指标的月度趋势", "The other metrics month by month"), Array(charts.dropFirst()))] : []))))
        blocks.append(folded(ReportSection(
            level: 2, title: words.say("各区对比", "Districts side by side"),
            blocks: metrics.map {
                comparisonTable(kind, $0, subject: words.say("各区", "by district"),
                                firstColumn: words.say("区", "District"), areas: districtRows(kind), order: orderNote(kind))
            })))
        if let table = categoryTable(kind, area: input.city, areaName: words.cityName) {
            blocks.append(folded(ReportSection(level: 2, title: words.say("类别（\(words.cityName)）", "Categories, \(words.cityName)"), blocks: [table])))
        }
        do {
            let active = activeCommunities(kind, trends.areas(kind, .community))
            let communities = active.prefix(Self.communityRows).map {
                AreaRow(cell: [.text($0)], level: .community, area: $0)
            }
            if !communities.isEmpty {
                blocks.append(folded(ReportSection(
                    level: 2, title: words.say("各小区\(words.datasetName(kind))", "\(words.datasetName(kind)) by community"),
                    blocks: metrics.map {
                        comparisonTable(kind, $0, subject: words.say("各小区", "by community"),
                                        firstColumn: words.say("区/小区", "District/community"), areas: Array(communities),
                                        order: communityOrderNote(kind, total: active.count))
                    })))
            }
        }
        return blocks
    }

    private func complianceDatasetBlocks(_ dataset: Dataset) -> [ReportBlock] {
        let rate = words.complianceTitle(dataset)
        var blocks: [ReportBlock] = []
        if let latest = compliance.latestPeriod {
            blocks.append(.paragraph([.text(words.say(
                "最新考评期：\(words.compliancePeriod(latest))。",
                "Latest assessment period: \(words.compliancePeriod(latest))."))]))
            // A chart for every kind of period assessed: years, half-years, quarters.
            let charts = [Period.Kind.year, .half, .quarter].compactMap(complianceChart)
            if !charts.isEmpty {
                blocks.append(.section(ReportSection(level: 2, title: words.say("\(words.cityName)达标率", "Compliance, \(words.cityName)"), blocks: charts)))
            }
            blocks.append(.section(ReportSection(
                level: 2, title: words.say("各区达标率", "Compliance by district"), blocks: [districtComplianceTable(dataset, latest)])))
            let streets = compliance.areas(.street).map { AreaRow(cell: [.text($0)], level: .street, area: $0) }
            if !streets.isEmpty {
                blocks.append(.section(ReportSection(
                    level: 2, title: words.say("各街镇达标率", "Compliance by street"),
                    blocks: [complianceTable(
                        latest, caption: words.say("各街镇\(rate)，\(words.compliancePeriod(latest))",
                                                   "\(rate) by street, \(words.compliancePeriod(latest))"),
                        firstColumn: words.say("区/街镇", "District/street"), areas: streets)])))
            }
        }
        let history = compliance.areas(.district).compactMap { district in
            complianceHistory(.district, district, caption: words.say("\(district) 各期达标率", "Compliance in each period: \(district)"))
        }
        if !history.isEmpty {
            blocks.append(.section(ReportSection(level: 2, title: words.say("各区历次考评", "Every period by district"), blocks: history)))
        }
        return blocks
    }

    // MARK: District pages

    func hasRows(_ dataset: Dataset, district: String) -> Bool {
        trends.metrics(dataset).contains { !trends.rows(dataset, $0, .district, district, .month).isEmpty }
    }

    /// The district against the city and its rank at a glance, its headlines, the monthly
    /// course of each dataset's main figure; the rest folded.
    func districtPage(_ district: String, page: String) -> ReportPage {
        var blocks: [ReportBlock] = [provenance, navigation(current: page, includeDistricts: false)]
        let tiles = tiles(level: .district, area: district)
        if !tiles.isEmpty {
            blocks.append(.section(ReportSection(level: 2, title: words.say("概览", "At a glance"), anchor: "glance", blocks: [.tiles(tiles)])))
        }
        let ranked = rankedHeadlines(level: .district, area: district, areaName: district, withDistricts: false)
        blocks.append(.section(ReportSection(level: 2, title: words.say("要点", "Headlines"), anchor: "headlines", blocks: headlineBlocks(ranked))))

        for dataset in dated {
            guard hasRows(dataset, district: district) else {
                blocks.append(.section(ReportSection(
                    level: 2, title: words.datasetName(dataset),
                    blocks: [.paragraph([.text(words.say("本区在此数据集中没有记录。", "This district has no records in this dataset."))])])))
                continue
            }
            blocks.append(.section(ReportSection(level: 2, title: words.datasetName(dataset), blocks: districtDatasetBlocks(dataset, district))))
        }

        for dataset in assessed {
            let scoped = scoped(to: dataset)
            guard let block = scoped.districtComplianceBlock(dataset, district) else { continue }
            blocks.append(.details(words.datasetName(dataset), [block]))
        }
        blocks.append(folded(methodology()))
        return ReportPage(name: page, title: words.pageTitle(district), blocks: blocks)
    }

    /// A district's compliance in every period and by street, for one assessments dataset.
    private func districtComplianceBlock(_ dataset: Dataset, _ district: String) -> ReportBlock? {
        let rate = words.complianceTitle(dataset)
        if !compliance.rows(.district, district).isEmpty {
            var inner: [ReportBlock] = []
            if let history = complianceHistory(.district, district, caption: words.say("\(district) 各期达标率", "Compliance in each period: \(district)")) {
                inner.append(history)
            }
            let streets = compliance.areas(.street).compactMap { area in
                Self.child(area, of: district).map { AreaRow(cell: [.text($0)], level: .street, area: area) }
            }
            if let latest = compliance.latestPeriod, !streets.isEmpty {
                inner.append(complianceTable(
                    latest, caption: words.say("\(district) 各街镇\(rate)，\(words.compliancePeriod(latest))",
                                               "\(rate) by street in \(district), \(words.compliancePeriod(latest))"),
                    firstColumn: words.say("街镇", "Street"), areas: streets))
            }
            return .section(ReportSection(level: 2, title: words.datasetName(dataset), blocks: inner))
        }
        return nil
    }

    private func districtDatasetBlocks(_ dataset: Dataset, _ district: String) -> [ReportBlock] {
        let metrics = trends.metrics(dataset)
        let charts = metrics.compactMap { monthlyChart(dataset, $0, .district, district) }
        var blocks: [ReportBlock] = Array(charts.prefix(1))
        if let highlights = communityHighlights(dataset, district: district) { blocks.append(highlights) }
        var folded: [ReportBlock] = []
        if charts.count > 1 {
            folded.append(.section(ReportSection(level: 3, title: words.say("其他指标的月度趋势", "The other metrics month by month"),
                                                 blocks: Array(charts.dropFirst()))))
        }
        folded.append(.section(ReportSection(
            level: 3, title: words.say("年度与年初至今", "Year and year to date"),
            blocks: metrics.map {
                comparisonTable(dataset, $0, subject: district, firstColumn: words.say("区", "District"),
                                areas: [AreaRow(cell: [.text(district)], level: .district, area: district)])
            })))
        let streets = trends.areas(dataset, .street).compactMap { area in
            Self.child(area, of: district).map { AreaRow(cell: [.text($0)], level: .street, area: area) }
        }
        if !streets.isEmpty {
            folded.append(.section(ReportSection(
                level: 3, title: words.say("各街镇", "By street"),
                blocks: metrics.map {
                    comparisonTable(dataset, $0, subject: words.say("\(district) 各街镇", "by street in \(district)"),
                                    firstColumn: words.say("街镇", "Street"), areas: streets)
                })))
        }
        do {
            let active = activeCommunities(dataset, trends.areas(dataset, .community).filter { Self.child($0, of: district) != nil })
            let communities = active.prefix(Self.communityRows).compactMap { area in
                Self.child(area, of: district).map { AreaRow(cell: [.text($0)], level: .community, area: area) }
            }
            if !communities.isEmpty {
                folded.append(.section(ReportSection(
                    level: 3, title: words.say("各小区\(words.datasetName(dataset))", "\(words.datasetName(dataset)) by community"),
                    blocks: metrics.map {
                        comparisonTable(dataset, $0, subject: words.say("\(district) 各小区", "by community in \(district)"),
                                        firstColumn: words.say("小区", "Community"), areas: communities, order: communityOrderNote(dataset, total: active.count))
                    })))
            }
        }
        if let table = categoryTable(dataset, area: district, areaName: district) {
            folded.append(.section(ReportSection(level: 3, title: words.say("类别", "Categories"), blocks: [table])))
        }
        blocks.append(.details(words.say("\(words.datasetName(dataset))的详细数字", "\(words.datasetName(dataset)) in detail"), folded))
        return blocks
    }
}
