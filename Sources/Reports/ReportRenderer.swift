import CSVReading
import Synchronization

/// The emit stage for pages: report input → report model → Markdown and HTML.
///
/// ```
/// ReportInput ──▶ ReportBuilder ──▶ [ReportPage] ──┬──▶ MarkdownRenderer ──▶ <page>.md
///  (trends,        (figures looked    (one model)   └──▶ HTMLRenderer ─────▶ <page>.html
///   compliance,     up and worded)
///   quality)
/// ```
///
/// Pure and deterministic: the same input gives the same bytes (no clock but
/// `input.generatedAt`, sorted iteration only, integer arithmetic only).
public enum ReportRenderer {
    /// index.md, index.html, and <page>.md/.html per dataset present and per district,
    /// in byte order of their paths. With `jobs` above 1 the pages are made on up to that
    /// many threads: the same documents.
    public static func render(_ input: ReportInput, jobs: Int = 1) -> [OutputDocument] {
        let documents = Mutex<[OutputDocument]>([])
        forEachPage(input, jobs: jobs) { page in documents.withLock { $0 += page } }
        return documents.withLock { $0 }.sorted { utf8Less($0.path, $1.path) }
    }

    /// Each page's documents (its charts, then its Markdown and HTML), each page built and
    /// rendered on its own: on up to `jobs` threads, so that `body` is called from several
    /// at once when `jobs` is above 1. With one, the first error `body` throws ends it;
    /// with more, every page is made and the error of the first page in order is thrown.
    public static func forEachPage<Failure: Error>(
        _ input: ReportInput, jobs: Int, _ body: @Sendable ([OutputDocument]) throws(Failure) -> Void
    ) throws(Failure) {
        let builder = ReportBuilder(input)
        let words = builder.words
        let documents = { (index: Int) -> [OutputDocument] in
            let built = builder.page(index)
            var documents: [OutputDocument] = []
            let page = ReportPage(name: built.name, title: built.title, blocks: built.blocks.map { filing($0, page: built.name, into: &documents) })
            documents.append(OutputDocument(path: page.name + ".md", contents: MarkdownRenderer.render(page, words: words)))
            documents.append(OutputDocument(path: page.name + ".html", contents: HTMLRenderer.render(page, words: words)))
            return documents
        }
        if jobs <= 1 {
            for index in 0..<builder.pageCount { try body(documents(index)) }
            return
        }
        let failure = Mutex<(page: Int, error: Failure)?>(nil)
        let makePage = { (index: Int) in
            do throws(Failure) {
                try body(documents(index))
            } catch {
                failure.withLock { first in
                    if first.map({ index < $0.page }) ?? true { first = (index, error) }
                }
            }
        }
        // Each page is made from the builder, which nothing changes, and handed to `body`.
        Parallel.each(builder.pageCount, jobs: jobs, makePage)
        if let failure = failure.withLock({ $0 }) { throw failure.error }
    }

    /// Gives every chart of a block its file, `charts/<page>-<n>.svg` in page order, and
    /// adds the chart's document to `charts`.
    static func filing(_ block: ReportBlock, page: String, into charts: inout [OutputDocument]) -> ReportBlock {
        switch block {
        case .chart(var chart):
            let number = charts.count + 1
            let path = "charts/\(page)-\(number).svg"
            chart.file = path
            charts.append(OutputDocument(path: path, contents: SVGChart.document(chart)))
            return .chart(chart)
        case .section(let section):
            return .section(ReportSection(level: section.level, title: section.title, anchor: section.anchor,
                                          blocks: section.blocks.map { filing($0, page: page, into: &charts) }))
        case .details(let summary, let blocks):
            return .details(summary, blocks.map { filing($0, page: page, into: &charts) })
        default:
            return block
        }
    }
}
