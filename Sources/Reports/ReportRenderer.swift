import CSVReading

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
    /// in byte order of their paths.
    public static func render(_ input: ReportInput) -> [OutputDocument] {
        let builder = ReportBuilder(input)
        var documents: [OutputDocument] = []
        for page in builder.pages() {
            documents.append(OutputDocument(path: page.name + ".md", contents: MarkdownRenderer.render(page, words: builder.words)))
            documents.append(OutputDocument(path: page.name + ".html", contents: HTMLRenderer.render(page, words: builder.words)))
        }
        return documents.sorted { utf8Less($0.path, $1.path) }
    }
}
