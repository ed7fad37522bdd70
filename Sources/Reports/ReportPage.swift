/// The report model: every page as headings, sentences, tables and charts, with each figure
/// already worded. The Markdown and HTML renderers render this one model, so the two formats
/// always say the same thing; all the words and numbers are decided here, none in a renderer.
///
/// Values from the data (district, street and community names, categories, file names) are
/// plain text in the model; escaping is each renderer's job, done for every `Inline.text`.
struct ReportPage: Sendable {
    /// The file name without extension (`index`, `alarm_calls`, `district-宝山区`).
    let name: String
    /// The document title (`<title>`), also the page's first heading.
    let title: String
    let blocks: [ReportBlock]
}

enum ReportBlock: Sendable {
    case section(ReportSection)
    case paragraph([Inline])
    case list([[Inline]])
    case table(ReportTable)
    case chart(BarChart)
    case definitions([Definition])
    /// Links to the other pages (hidden in print); the districts' pages as a group of their
    /// own, folded on screen.
    case navigation([[Inline]], districts: [[Inline]])
    /// Content folded under a summary line: open on request on screen, left out in print
    /// (Markdown shows it in full).
    case details(String, [ReportBlock])
    /// Headline figures at a glance, one tile each.
    case tiles([Tile])
}

/// One headline figure: what it is, the figure, how it changed, and its recent course.
struct Tile: Sendable {
    /// `接警总数 · 2017 年`
    let title: String
    /// `9229 起`
    let figure: String
    /// `▼ 5.5%（减少 535 起）`, or why there is no change.
    let change: String
    /// A further line (year to date, the city, the rank), if any.
    let notes: [String]
    /// The last months' counts, oldest first, for a sparkline (empty: none).
    let sparkline: [Int]
}

/// A headed part of a page. `anchor` is a fixed identifier from the code (never from data).
struct ReportSection: Sendable {
    let level: Int
    let title: String
    let anchor: String?
    let blocks: [ReportBlock]

    init(level: Int, title: String, anchor: String? = nil, blocks: [ReportBlock]) {
        self.level = level
        self.title = title
        self.anchor = anchor
        self.blocks = blocks
    }
}

enum Inline: Sendable, Equatable {
    case text(String)
    case strong(String)
    case link(String, LinkTarget)
}

/// Where a link points: another page of the report (rendered `.md` or `.html` to match the
/// page it is on) or one of the data files written beside the pages.
enum LinkTarget: Sendable, Equatable {
    case page(String, fragment: String?)
    case file(String)
}

struct ReportTable: Sendable {
    struct Column: Sendable {
        let title: String
        let numeric: Bool

        init(_ title: String, numeric: Bool = false) {
            self.title = title
            self.numeric = numeric
        }
    }

    let caption: String
    let columns: [Column]
    /// Each cell is a run of inline content; the first cell of a row is its header.
    let rows: [[[Inline]]]
}

/// A bar chart with the table of its figures: the table is the chart's data, shown beside it.
struct BarChart: Sendable {
    struct Bar: Sendable {
        /// Shown under the bar when non-nil (a year at its first month, for one).
        let axisLabel: String?
        /// The bar's height in the chart's units (a count, or tenths of a percent).
        let magnitude: Int
        /// The bar's figure in words (its tooltip).
        let caption: String
        /// A period not wholly covered by the data: drawn hollow and labelled in words.
        let incomplete: Bool
        /// The same period a year earlier, drawn as a mark across the bar (nil: none).
        var yearEarlier: Int? = nil
        /// A word over the bar (`进行中`), for an incomplete period.
        var flag: String? = nil
    }

    let title: String
    /// A summary of what the chart shows, in words (SVG `<desc>`).
    let summary: String
    let bars: [Bar]
    /// The top of the scale, in the bars' units (at least 1).
    let scaleMaximum: Int
    let table: ReportTable
    /// The unit of the scale (`起`, `%`), shown above it.
    var unit: String = ""
    /// Scale values are tenths (a rate of 80.0% is 800): tick labels are divided by 10.
    var tenths: Bool = false
    /// What the bars and the marks are, in words (empty: no legend).
    var legend: String = ""
    /// The chart's own file (`charts/<page>-<n>.svg`), set when the page is rendered.
    var file: String? = nil
    /// Bars across, one row each, labelled by `axisLabel` on the left and `caption` at the
    /// bar's end: a ranking of areas.
    var horizontal: Bool = false
}

struct Definition: Sendable {
    let term: String
    let text: [Inline]
}
