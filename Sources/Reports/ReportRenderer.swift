import CSVReading
import Dispatch

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
    /// in byte order of their paths. With `jobs` above 1 the pages are rendered on up to
    /// that many threads: the same documents.
    public static func render(_ input: ReportInput, jobs: Int = 1) -> [OutputDocument] {
        let builder = ReportBuilder(input)
        let pages = builder.pages()
        let words = builder.words
        let rendered = UnsafeMutableBufferPointer<[OutputDocument]>.allocate(capacity: pages.count)
        rendered.initialize(repeating: [])
        defer { rendered.deinitialize().deallocate() }
        let renderPage = { (index: Int) in
            let built = pages[index]
            var documents: [OutputDocument] = []
            let page = ReportPage(name: built.name, title: built.title, blocks: built.blocks.map { filing($0, page: built.name, into: &documents) })
            documents.append(OutputDocument(path: page.name + ".md", contents: MarkdownRenderer.render(page, words: words)))
            documents.append(OutputDocument(path: page.name + ".html", contents: HTMLRenderer.render(page, words: words)))
            rendered[index] = documents
        }
        if jobs <= 1 || pages.count < 2 {
            for index in pages.indices { renderPage(index) }
        } else {
            withoutActuallyEscaping(renderPage) { renderPage in
                // Each page writes only its own element of `rendered`.
                nonisolated(unsafe) let renderPage = renderPage
                DispatchQueue.concurrentPerform(iterations: pages.count) { renderPage($0) }
            }
        }
        return rendered.flatMap { $0 }.sorted { utf8Less($0.path, $1.path) }
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
