/// Renders a report page as one self-contained HTML5 document: an inline style sheet with
/// print rules, inline SVG charts, no script and nothing fetched from anywhere.
enum HTMLRenderer {
    static func render(_ page: ReportPage, words: Wording) -> String {
        // Every part of the page gets an anchor; the parts are listed after the navigation.
        let parts: [(id: String, title: String)?] = page.blocks.enumerated().map { position, block in
            switch block {
            case .section(let section): (section.anchor ?? "part-\(position)", section.title)
            case .details(let summary, _): ("part-\(position)", summary)
            default: nil
            }
        }
        let contents = HTMLNode("nav", [("class", "contents"), ("aria-label", words.say("本页内容", "On this page"))], [
            HTMLNode("strong", text: words.say("本页：", "On this page:")),
            HTMLNode("ul", [("class", "links")], parts.compactMap { $0 }.map { part in
                HTMLNode("li", [], [HTMLNode("a", [("href", "#" + part.id)], text: part.title)])
            }),
        ])
        var body: [HTMLNode] = [HTMLNode("h1", text: page.title)]
        for (block, part) in zip(page.blocks, parts) {
            switch block {
            case .section(let section):
                body += nodes(.section(ReportSection(level: section.level, title: section.title, anchor: part!.id, blocks: section.blocks)), words: words)
            case .details(let summary, let blocks):
                var children = [HTMLNode("summary", text: summary)]
                for child in blocks { children += nodes(child, words: words) }
                body.append(HTMLNode("details", [("id", part!.id)], children))
            case .navigation:
                body += nodes(block, words: words)
                body.append(contents)
            default:
                body += nodes(block, words: words)
            }
        }
        let document = HTMLNode("html", [("lang", words.languageTag)], [
            HTMLNode("head", [], [
                HTMLNode("meta", [("charset", "utf-8")]),
                HTMLNode("meta", [("name", "viewport"), ("content", "width=device-width, initial-scale=1")]),
                HTMLNode("title", text: page.title),
                HTMLNode("style", [], [.staticText(styleSheet)]),
            ]),
            HTMLNode("body", [], [
                HTMLNode("a", [("class", "skip"), ("href", "#main")], text: words.say("跳到正文", "Skip to the content")),
                HTMLNode("main", [("id", "main")], body),
            ]),
        ])
        // On an English page, Chinese text (names from the data, the default value lists) is
        // marked as such, for screen readers and fonts.
        let marked = words.zh ? document : document.mappingText(markingChinese)
        return "<!DOCTYPE html>\n" + marked.html
    }

    /// Plain, printable, system fonts only (nothing is fetched).
    static let styleSheet: StaticString = """

        body{font-family:system-ui,"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;\
        color:#111;background:#fff;line-height:1.5;margin:0 auto;padding:1rem;max-width:64rem}
        h1{font-size:1.6rem}h2{font-size:1.3rem;border-bottom:1px solid #999;margin-top:2rem}h3{font-size:1.1rem}
        table{border-collapse:collapse;margin:.5rem 0 1rem}
        caption{text-align:left;font-weight:bold;padding:.25rem 0}
        th,td{border:1px solid #999;padding:.2rem .5rem;text-align:left;vertical-align:top}
        thead th{background:#eee}
        .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        figure{margin:1rem 0;display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
        figcaption{flex-basis:100%}
        .scroll{overflow-x:auto;max-width:100%}.latest{direction:rtl}.latest>*{direction:ltr}
        .scroll:focus{outline:2px solid #1a4d8f}
        figure svg,figure img{display:block;max-width:none}
        p,li,dd,dt,caption,summary,h1,h2,h3{overflow-wrap:anywhere}td,th{overflow-wrap:break-word;min-width:5em}\
        caption{max-width:calc(100vw - 2rem)}figure>details{max-width:100%;min-width:0}
        a{color:#1a4d8f}
        ul.links{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
        @media print{body{max-width:none;padding:0;font-size:10pt}nav,.skip{display:none}a{color:inherit;text-decoration:none}\
        .scroll{overflow:visible}figure svg,figure img{max-width:100%;height:auto}\
        h2,h3{break-after:avoid}svg,tr,figure,.tile{break-inside:avoid}thead{display:table-header-group}details:not([open]){display:none}}
        details{margin:.5rem 0}summary{cursor:pointer;color:#1a4d8f}
        ul.tiles{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:.75rem}
        .tile{border:1px solid #bbb;border-radius:4px;padding:.5rem .75rem}.tile p{margin:.1rem 0}
        .tile-title{font-size:.9rem;color:#444}.tile-figure{font-size:1.5rem;font-weight:bold;font-variant-numeric:tabular-nums}
        .tile-note{font-size:.85rem;color:#444}.spark{display:block;margin-top:.25rem;max-width:100%;height:auto}
        .skip{position:absolute;left:-100rem}.skip:focus{position:static}
        nav.contents{font-size:.9rem;display:flex;gap:.5rem;align-items:baseline}nav.contents ul{margin:.25rem 0}
        nav.contents strong{white-space:nowrap}nav ul.links{margin:.25rem 0}
        nav strong{font-weight:bold}
        @media print{nav.contents,nav details{display:none}}

        """

    private static func nodes(_ block: ReportBlock, words: Wording) -> [HTMLNode] {
        switch block {
        case .section(let section):
            let level = max(2, min(section.level, 6))
            let heading: HTMLNode
            switch level {
            case 2: heading = HTMLNode("h2", text: section.title)
            case 3: heading = HTMLNode("h3", text: section.title)
            case 4: heading = HTMLNode("h4", text: section.title)
            case 5: heading = HTMLNode("h5", text: section.title)
            default: heading = HTMLNode("h6", text: section.title)
            }
            var children = [heading]
            for child in section.blocks { children.append(contentsOf: nodes(child, words: words)) }
            return [HTMLNode("section", [("id", section.anchor)], children)]
        case .paragraph(let inlines):
            return [HTMLNode("p", [], inline(inlines))]
        case .list(let items):
            return [HTMLNode("ul", [], items.map { HTMLNode("li", [], inline($0)) })]
        case .table(let table):
            return [node(table)]
        case .chart(let chart):
            return [HTMLNode("figure", [], [
                HTMLNode("figcaption", [], [HTMLNode("strong", text: chart.title), .text(" " + chart.summary)]),
                scrolling(image(chart), label: chart.title, fromTheEnd: !chart.horizontal),
                HTMLNode("details", [], [HTMLNode("summary", text: chart.table.caption), node(chart.table)]),
            ])]
        case .navigation(let items, let districts):
            var children = [HTMLNode("ul", [("class", "links")], items.map { HTMLNode("li", [], inline($0)) })]
            if !districts.isEmpty {
                children.append(HTMLNode("details", [("class", "districts")], [
                    HTMLNode("summary", text: words.say("各区（\(districts.count)）", "Districts (\(districts.count))")),
                    HTMLNode("ul", [("class", "links")], districts.map { HTMLNode("li", [], inline($0)) }),
                ]))
            }
            return [HTMLNode("nav", [("aria-label", words.say("各页", "Pages"))], children)]
        case .details(let summary, let blocks):
            var children = [HTMLNode("summary", text: summary)]
            for child in blocks { children.append(contentsOf: nodes(child, words: words)) }
            return [HTMLNode("details", [], children)]
        case .tiles(let tiles):
            return [HTMLNode("ul", [("class", "tiles")], tiles.map(tile))]
        case .definitions(let definitions):
            var items: [HTMLNode] = []
            for definition in definitions {
                items.append(HTMLNode("dt", text: definition.term))
                items.append(HTMLNode("dd", [], inline(definition.text)))
            }
            return [HTMLNode("dl", [], items)]
        }
    }

    /// A headline figure as a card: its name, the figure, the change, notes, a sparkline
    /// (decoration only: the figures are in the text).
    private static func tile(_ tile: Tile) -> HTMLNode {
        var children = [
            HTMLNode("p", [("class", "tile-title")], text: tile.title),
            HTMLNode("p", [("class", "tile-figure")], text: tile.figure),
            HTMLNode("p", [("class", "tile-change")], text: tile.change),
        ]
        for note in tile.notes { children.append(HTMLNode("p", [("class", "tile-note")], text: note)) }
        if let spark = sparkline(tile.sparkline) { children.append(spark) }
        return HTMLNode("li", [("class", "tile")], children)
    }

    /// Text split into runs, each run of Chinese characters in a `<span lang="zh-CN">`.
    static func markingChinese(_ text: String) -> [HTMLNode] {
        func isChinese(_ scalar: Unicode.Scalar) -> Bool {
            let value = scalar.value
            return (0x3000...0x303F).contains(value) || (0x3400...0x4DBF).contains(value) || (0x4E00...0x9FFF).contains(value)
                || (0xF900...0xFAFF).contains(value) || (0xFF00...0xFFEF).contains(value) || (0x20000...0x2FA1F).contains(value)
        }
        guard text.unicodeScalars.contains(where: isChinese) else { return [.text(text)] }
        var nodes: [HTMLNode] = []
        var run = String.UnicodeScalarView()
        var chinese = false
        func flush() {
            guard !run.isEmpty else { return }
            nodes.append(chinese ? .span(language: "zh-CN", String(run)) : .text(String(run)))
            run = String.UnicodeScalarView()
        }
        for scalar in text.unicodeScalars {
            let this = isChinese(scalar)
            if this != chinese && !(scalar.properties.isWhitespace && chinese) { flush(); chinese = this }
            run.append(scalar)
        }
        flush()
        return nodes
    }

    /// A chart's own SVG file, at its natural size (it scrolls in its box on a phone).
    private static func image(_ chart: BarChart) -> HTMLNode {
        let size = SVGChart.size(chart)
        return HTMLNode("img", [("src", chart.file.map(MarkdownEscape.destination)), ("alt", chart.title),
                                ("width", String(size.width)), ("height", String(size.height))])
    }

    /// A small line of the values, integer coordinates only.
    static func sparkline(_ values: [Int]) -> HTMLNode? {
        guard values.count >= 2 else { return nil }
        let (width, height) = (160, 32)
        let top = max(values.max()!, 1)
        let points = values.enumerated().map { index, value in
            "\(index * width / (values.count - 1)),\(height - 2 - max(value, 0) * (height - 4) / top)"
        }.joined(separator: " ")
        return HTMLNode("svg", [("class", "spark"), ("aria-hidden", "true"), ("width", String(width)), ("height", String(height)),
                                ("viewBox", "0 0 \(width) \(height)")],
                        [HTMLNode("polyline", [("points", points), ("fill", "none"), ("stroke", "#4a6fa5"), ("stroke-width", "2")])])
    }

    private static func node(_ table: ReportTable) -> HTMLNode {
        let head = HTMLNode("thead", [], [HTMLNode("tr", [], table.columns.map {
            HTMLNode("th", [("scope", "col"), ("class", $0.numeric ? "num" : nil)], text: $0.title)
        })])
        let rows = table.rows.map { row in
            HTMLNode("tr", [], row.enumerated().map { position, cell in
                let numeric = position < table.columns.count && table.columns[position].numeric ? "num" : nil
                return position == 0
                    ? HTMLNode("th", [("scope", "row"), ("class", numeric)], inline(cell))
                    : HTMLNode("td", [("class", numeric)], inline(cell))
            })
        }
        return scrolling(HTMLNode("table", [], [HTMLNode("caption", text: table.caption), head, HTMLNode("tbody", [], rows)]),
                         label: table.caption)
    }

    /// A box that scrolls sideways on its own when its content is wider than the page (a
    /// table, a chart on a phone), so that the page itself never does; it can be focused
    /// and scrolled with the keyboard. `fromTheEnd`: it opens scrolled to the right end,
    /// where a chart by month has its latest months (the box is right-to-left, its content
    /// left-to-right: no script needed).
    private static func scrolling(_ content: HTMLNode, label: String, fromTheEnd: Bool = false) -> HTMLNode {
        HTMLNode("div", [("class", fromTheEnd ? "scroll latest" : "scroll"), ("role", "region"), ("tabindex", "0"), ("aria-label", label)], [content])
    }

    private static func inline(_ inlines: [Inline]) -> [HTMLNode] {
        inlines.map { piece in
            switch piece {
            case .text(let value): .text(value)
            case .strong(let value): HTMLNode("strong", text: value)
            case .link(let label, let target): HTMLNode("a", [("href", href(target))], text: label)
            }
        }
    }

    static func href(_ target: LinkTarget) -> String {
        switch target {
        case .page(let name, let fragment):
            MarkdownEscape.destination(name + ".html") + (fragment.map { "#" + MarkdownEscape.destination($0) } ?? "")
        case .file(let path):
            MarkdownEscape.destination(path)
        }
    }
}
