/// Draws a `BarChart` as a standalone SVG document (a file of its own, shown by the HTML and
/// the Markdown pages alike), named and described by its first children `<title>` and
/// `<desc>` (the page's `<img>` carries the title as its text too); a scale of
/// round ticks with gridlines and the unit; each bar with its figure as a tooltip; the same
/// period a year earlier as a mark across the bar; incomplete periods hollow with a dashed
/// outline and their status written above them (shape and words, not colour alone). Integer
/// coordinates only: the same chart gives the same bytes.
enum SVGChart {
    static let plotHeight = 180
    static let top = 28
    static let bottom = 34
    static let left = 56
    static let right = 12
    static let fontSize = "12"

    /// The width given to each bar: about 720 units for the bars, 8 to 48 units each.
    static func step(_ count: Int) -> Int {
        min(48, max(8, 720 / max(count, 1)))
    }

    /// Round ticks from 0 up to at least `maximum`: steps of 1, 2 or 5 times a power of ten,
    /// four to six of them.
    static func ticks(_ maximum: Int) -> [Int] {
        let top = max(maximum, 1)
        var power = 1
        while true {
            for multiple in [1, 2, 5] {
                let step = multiple * power
                let count = (top + step - 1) / step
                if count <= 5 { return (0...count).map { $0 * step } }
            }
            power *= 10
        }
    }

    static func document(_ chart: BarChart) -> String {
        if chart.horizontal { return ranking(chart) }
        let count = chart.bars.count
        let step = step(count)
        let gap = step >= 12 ? step / 4 : 2
        let width = left + max(count, 1) * step + right
        let height = top + plotHeight + bottom
        let baseline = top + plotHeight
        let ticks = ticks(max(chart.scaleMaximum, 1))
        let scaleTop = max(ticks.last!, 1)
        func y(_ value: Int) -> Int { baseline - min(max(value, 0), scaleTop) * plotHeight / scaleTop }
        func label(_ value: Int) -> String { chart.tenths ? String(value / 10) : String(value) }

        var children: [HTMLNode] = [
            HTMLNode("title", text: chart.title),
            HTMLNode("desc", text: chart.summary),
            HTMLNode("rect", [("x", "0"), ("y", "0"), ("width", String(width)), ("height", String(height)), ("fill", "#fff")]),
            HTMLNode("text", [("x", String(left - 6)), ("y", String(top - 12)), ("text-anchor", "end"), ("font-size", fontSize),
                              ("fill", "#333")], text: chart.unit),
        ]
        if !chart.legend.isEmpty {
            children.append(HTMLNode("text", [("x", String(left)), ("y", String(top - 12)), ("font-size", fontSize), ("fill", "#333")],
                                     text: chart.legend))
        }
        var grid: [HTMLNode] = []
        for tick in ticks {
            grid.append(HTMLNode("line", [("x1", String(left)), ("y1", String(y(tick))), ("x2", String(width - right)), ("y2", String(y(tick))),
                                          ("stroke", tick == 0 ? "#333" : "#ddd")]))
            grid.append(HTMLNode("text", [("x", String(left - 6)), ("y", String(y(tick) + 4)), ("text-anchor", "end"),
                                          ("font-size", fontSize), ("fill", "#333")], text: label(tick)))
        }
        children.append(HTMLNode("g", [], grid))
        var bars: [HTMLNode] = []
        var marks: [HTMLNode] = []
        var labels: [HTMLNode] = []
        for (position, bar) in chart.bars.enumerated() {
            let magnitude = min(max(bar.magnitude, 0), scaleTop)
            var barHeight = magnitude * plotHeight / scaleTop
            if magnitude > 0 && barHeight == 0 { barHeight = 1 }
            let x = left + position * step + gap / 2
            let style: [(StaticString, String?)] = bar.incomplete
                ? [("fill", "#fff"), ("stroke", "#1a4d8f"), ("stroke-dasharray", "3 2")]
                : [("fill", "#4a6fa5")]
            bars.append(HTMLNode("rect", [
                ("x", String(x)), ("y", String(baseline - barHeight)),
                ("width", String(step - gap)), ("height", String(barHeight)),
            ] + style, [HTMLNode("title", text: bar.caption)]))
            if let earlier = bar.yearEarlier {
                // Dark red on a white edge: it stands out from the bar and the ground alike,
                // printed in grey too (the old #c0392b was the bar's grey).
                let line: [(StaticString, String?)] = [("x1", String(x - 1)), ("y1", String(y(earlier))), ("x2", String(x + step - gap + 1)), ("y2", String(y(earlier)))]
                marks.append(HTMLNode("line", line + [("stroke", "#fff"), ("stroke-width", "4")]))
                marks.append(HTMLNode("line", line + [("stroke", "#8e1b10"), ("stroke-width", "2")]))
            }
            if let flag = bar.flag {
                labels.append(HTMLNode("text", [("x", String(x + (step - gap) / 2)), ("y", String(baseline - barHeight - 4)),
                                                ("text-anchor", "end"), ("font-size", fontSize), ("fill", "#1a4d8f")], text: flag))
            }
            if let label = bar.axisLabel {
                labels.append(HTMLNode("text", [("x", String(left + position * step)), ("y", String(baseline + 16)),
                                                ("font-size", fontSize), ("fill", "#333")], text: label))
            }
        }
        children.append(HTMLNode("g", [], bars))
        if !marks.isEmpty { children.append(HTMLNode("g", [], marks)) }
        if !labels.isEmpty { children.append(HTMLNode("g", [], labels)) }
        let svg = HTMLNode("svg", [
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("width", String(width)), ("height", String(height)), ("viewBox", "0 0 \(width) \(height)"),
            ("font-family", "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"),
        ], children)
        return svg.html + "\n"
    }

    /// The chart's size, for the page that shows it.
    static func size(_ chart: BarChart) -> (width: Int, height: Int) {
        if chart.horizontal { return (rankLabel + rankBar + rankCaption, rankTop + max(chart.bars.count, 1) * rankRow + 8) }
        return (left + max(chart.bars.count, 1) * step(chart.bars.count) + right, top + plotHeight + bottom)
    }

    static let rankRow = 20
    static let rankTop = 24
    static let rankLabel = 150
    static let rankBar = 320
    static let rankCaption = 230

    /// Bars across, largest first as given: the area's name, the bar, its figure and change.
    static func ranking(_ chart: BarChart) -> String {
        let (width, height) = size(chart)
        let maximum = max(chart.scaleMaximum, 1)
        var children: [HTMLNode] = [
            HTMLNode("title", text: chart.title),
            HTMLNode("desc", text: chart.summary),
            HTMLNode("rect", [("x", "0"), ("y", "0"), ("width", String(width)), ("height", String(height)), ("fill", "#fff")]),
            HTMLNode("text", [("x", String(rankLabel)), ("y", String(rankTop - 10)), ("font-size", fontSize), ("fill", "#333")],
                     text: chart.legend),
        ]
        for (position, bar) in chart.bars.enumerated() {
            let y = rankTop + position * rankRow
            let length = max(min(max(bar.magnitude, 0), maximum) * rankBar / maximum, bar.magnitude > 0 ? 1 : 0)
            children.append(HTMLNode("text", [("x", String(rankLabel - 6)), ("y", String(y + 14)), ("text-anchor", "end"),
                                              ("font-size", fontSize), ("fill", "#111")], text: bar.axisLabel ?? ""))
            children.append(HTMLNode("rect", [("x", String(rankLabel)), ("y", String(y + 3)), ("width", String(length)),
                                              ("height", String(rankRow - 6)), ("fill", "#4a6fa5")], [HTMLNode("title", text: bar.caption)]))
            children.append(HTMLNode("text", [("x", String(rankLabel + length + 6)), ("y", String(y + 14)),
                                              ("font-size", fontSize), ("fill", "#333")], text: bar.flag ?? ""))
        }
        let svg = HTMLNode("svg", [
            ("xmlns", "http://www.w3.org/2000/svg"), ("width", String(width)), ("height", String(height)),
            ("viewBox", "0 0 \(width) \(height)"),
            ("font-family", "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"),
        ], children)
        return svg.html + "\n"
    }
}
