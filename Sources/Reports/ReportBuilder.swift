import CSVReading
import Ingest
import Schema
import Trends

/// Builds the report model from a `ReportInput`: the index, one page per dataset present,
/// one page per district. A pure function of its input: it looks figures up in the trend,
/// compliance and quality rows, words them, and iterates in sorted orders only.
struct ReportBuilder {
    let input: ReportInput
    let words: Wording
    let trends: TrendIndex
    /// The compliance rows of the assessments dataset in scope (`scoped(to:)`): the first
    /// present unless scoped to another.
    private(set) var compliance: ComplianceIndex
    /// The compliance rows of each assessments dataset present.
    let complianceByDataset: [Dataset: ComplianceIndex]
    /// The assessments datasets present, in declaration order.
    let assessed: [Dataset]
    /// Districts of every dataset, in byte order, each once (by bytes).
    let districts: [String]
    /// The page name of each district, parallel to `districts`.
    let districtPages: [String]
    /// The page of each district by the UTF-8 bytes of its name.
    private let pageByName: [[UInt8]: String]
    /// The datasets present, in contract order.
    let present: [DatasetIngest]
    /// The dated datasets present that have trend rows, in contract order.
    let dated: [Dataset]
    /// Per dated dataset, the months (`2017-02`) with no record citywide between its first
    /// and last, when its other months have at least `Comparison.smallBaseLimit` records
    /// on average: then most likely an export that is missing (a month of 0 where 10 are
    /// expected has a chance of 1 in 22,000), not a quiet month of a small dataset.
    let emptyMonths: [Dataset: Set<Int>]

    static let rankingSize = 3

    init(_ input: ReportInput) {
        self.input = input
        words = Wording(language: input.language, city: input.city)
        let trends = TrendIndex(input.trends, city: input.city)
        self.trends = trends
        present = input.datasets.sorted { $0.dataset < $1.dataset }
        dated = present.map(\.dataset).filter { $0.kind == .events && trends.hasRows($0) }
        assessed = present.map(\.dataset).filter { $0.kind == .assessments }
        var empty: [Dataset: Set<Int>] = [:]
        for dataset in dated {
            guard let metric = trends.metrics(dataset).first else { continue }
            let months = trends.rows(dataset, metric, .city, input.city, .month).filter { $0.value > 0 }
            if !months.isEmpty, months.reduce(0, { $0 + $1.value }) >= Comparison.smallBaseLimit * months.count {
                // `2017-02` as 2017 × 12 + 1, as PeriodClock counts months.
                empty[dataset] = Set(trends.emptyMonths(dataset).compactMap { month in
                    Int(month.prefix(4)).flatMap { year in Int(month.suffix(2)).map { year * 12 + $0 - 1 } }
                })
            }
        }
        emptyMonths = empty
        var byDataset: [Dataset: ComplianceIndex] = [:]
        for dataset in assessed {
            byDataset[dataset] = ComplianceIndex(input.compliance.filter { $0.dataset == dataset }, city: input.city)
        }
        complianceByDataset = byDataset
        compliance = assessed.first.flatMap { byDataset[$0] } ?? ComplianceIndex([], city: input.city)
        var seen: Set<[UInt8]> = []
        var names: [String] = []
        for kind in dated {
            for name in trends.areas(kind, .district) where seen.insert(Array(name.utf8)).inserted { names.append(name) }
        }
        for dataset in assessed {
            for name in byDataset[dataset]!.areas(.district) where seen.insert(Array(name.utf8)).inserted { names.append(name) }
        }
        names.sort(by: utf8Less)
        districts = names
        let pages = PageName.districts(names)
        districtPages = pages
        var byName: [[UInt8]: String] = [:]
        for (name, page) in zip(names, pages) { byName[Array(name.utf8)] = page }
        pageByName = byName
    }

    /// A section folded away under its own title.
    func folded(_ section: ReportSection) -> ReportBlock {
        .details(section.title, [.section(section)])
    }

    /// The same builder with `dataset`'s compliance rows in scope.
    func scoped(to dataset: Dataset) -> ReportBuilder {
        var scoped = self
        scoped.compliance = complianceByDataset[dataset] ?? ComplianceIndex([], city: input.city)
        return scoped
    }

    /// The title of a metric of a dataset, from its declaration.
    func metricTitle(_ dataset: Dataset, _ metric: String) -> Words {
        dataset.metrics.first { $0.name == metric }?.title ?? Words(zh: metric, en: metric)
    }

    func pages() -> [ReportPage] {
        (0..<pageCount).map(page)
    }

    /// The number of pages: the index, one per dataset present, one per district.
    var pageCount: Int { 1 + present.count + districts.count }

    /// Page `index` of `pages()`, made alone (pages can be made side by side).
    func page(_ index: Int) -> ReportPage {
        if index == 0 { return indexPage() }
        if index <= present.count { return datasetPage(present[index - 1]) }
        let district = index - 1 - present.count
        return districtPage(districts[district], page: districtPages[district])
    }

    // MARK: Figures

    func clock(_ dataset: Dataset) -> PeriodClock { PeriodClock(span: input.spans[dataset], emptyMonths: emptyMonths[dataset] ?? []) }

    func status(_ row: TrendRow) -> PeriodStatus { clock(row.dataset).status(row) }

    func comparison(_ row: TrendRow) -> Comparison {
        let clock = clock(row.dataset)
        return Comparison(row, status: clock.status(row), priorPartial: clock.priorIsPartial(row), gap: clock.holdsAnEmptyMonth(row),
                          priorBeforeData: clock.priorBeforeData(row))
    }

    /// The headline sentence of an area's figure for the latest complete year or the ytd span.
    func sentence(_ row: TrendRow, areaName: String) -> String {
        let scope: Wording.Scope = row.periodKind == .ytd
            ? .ytd(clock(row.dataset).ytdFromFirstRecord(words) ?? words.span(row.period))
            : .year(row.period)
        return words.sentence(area: areaName, metric: metricTitle(row.dataset, row.metric), scope: scope, value: row.value, comparison: comparison(row))
    }

    // MARK: Links

    func page(of district: String) -> String? { pageByName[Array(district.utf8)] }

    func districtLink(_ district: String) -> Inline {
        guard let page = page(of: district) else { return .text(district) }
        return .link(district, .page(page, fragment: nil))
    }

    func datasetLink(_ kind: Dataset) -> Inline {
        .link(words.datasetName(kind), .page(kind.name, fragment: nil))
    }

    /// Links to every page, the current one marked rather than linked; the methodology of
    /// the page itself.
    func navigation(current: String, includeDistricts: Bool) -> ReportBlock {
        func item(_ label: String, _ page: String) -> [Inline] {
            page == current ? [.strong(label)] : [.link(label, .page(page, fragment: nil))]
        }
        var items: [[Inline]] = [item(words.say("总览", "Summary"), "index")]
        for dataset in present { items.append(item(words.datasetName(dataset.dataset), dataset.dataset.name)) }
        items.append([.link(words.say("方法说明", "Methodology"), .page(current, fragment: "methodology"))])
        var districtItems: [[Inline]] = []
        if includeDistricts || districtPages.contains(current) {
            for (district, page) in zip(districts, districtPages) { districtItems.append(item(district, page)) }
        }
        return .navigation(items, districts: districtItems)
    }

    /// The opening line of every page: what produced it and, when SOURCE_DATE_EPOCH was
    /// given, when.
    var provenance: ReportBlock {
        var asOf: [String] = []
        for dataset in dated {
            guard let span = input.spans[dataset] else { continue }
            asOf.append(words.say("\(words.datasetName(dataset))截至 \(span.asOf)", "\(words.datasetName(dataset)) as of \(span.asOf)"))
        }
        for dataset in assessed {
            guard let latest = complianceByDataset[dataset]?.latestPeriod else { continue }
            asOf.append(words.say("\(words.datasetName(dataset))最新考评期 \(words.compliancePeriod(latest))",
                                  "\(words.datasetName(dataset)): latest period \(words.compliancePeriod(latest))"))
        }
        var text = asOf.isEmpty ? "" : words.say("数据：", "Data: ") + asOf.joined(separator: words.say("；", "; ")) + words.say("。", ". ")
        text += words.say("由 govstats \(input.toolVersion) 生成", "Generated by govstats \(input.toolVersion)")
        if let time = input.generatedAt {
            text += words.say("，生成时间 \(time)", " at \(time)")
        }
        text += words.say("。所有数字见数据文件 ", ". Every figure is in the data files ")
        return .paragraph([
            .text(text),
            .link("data/trends.csv", .file("data/trends.csv")), .text(words.say("、", ", ")),
            .link("data/compliance.csv", .file("data/compliance.csv")), .text(words.say("、", ", ")),
            .link("data/quality.csv", .file("data/quality.csv")), .text(words.say("。", ".")),
        ])
    }

    /// The area name of `area` inside `district` (`宝山区/罗店镇` → `罗店镇`), or nil.
    static func child(_ area: String, of district: String) -> String? {
        let prefix = Array(district.utf8) + [UInt8(ascii: "/")]
        let bytes = Array(area.utf8)
        guard bytes.count > prefix.count, bytes.starts(with: prefix) else { return nil }
        return String(decoding: bytes[prefix.count...], as: UTF8.self)
    }
}
