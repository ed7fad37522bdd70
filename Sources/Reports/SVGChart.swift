/// Draws a `BarChart` as inline SVG: `role="img"` named by its `<title>` and `<desc>`, integer
/// coordinates only (deterministic, no floating point), each bar with its figure as a
/// tooltip, incomplete periods drawn hollow with a dashed outline (shape, not colour alone).
enum SVGChart {
    static let plotHeight = 160
    static let top = 16
    static let bottom = 28
    static let left = 64
    static let right = 8

    /// The width given to each bar: about 720 units for the bars, 4 to 48 units each.
    static func step(_ count: Int) -> Int {
        min(48, max(4, 720 / max(count, 1)))
    }

    static func node(_ chart: BarChart, id: String) -> HTMLNode {
        let count = chart.bars.count
        let step = step(count)
        let gap = step >= 8 ? step / 4 : 1
        let width = left + max(count, 1) * step + right
        let height = top + plotHeight + bottom
        let baseline = top + plotHeight
        let maximum = max(chart.scaleMaximum, 1)

        var children: [HTMLNode] = [
            HTMLNode("title", [("id", id + "-title")], text: chart.title),
            HTMLNode("desc", [("id", id + "-desc")], text: chart.summary),
            // The scale: its top and zero, and the axis.
            HTMLNode("line", [("x1", String(left)), ("y1", String(top)), ("x2", String(width - right)), ("y2", String(top)),
                              ("stroke", "#bbb"), ("stroke-dasharray", "2 2")]),
            HTMLNode("line", [("x1", String(left)), ("y1", String(baseline)), ("x2", String(width - right)),
                              ("y2", String(baseline)), ("stroke", "#333")]),
            HTMLNode("text", [("x", String(left - 4)), ("y", String(top + 4)), ("text-anchor", "end"), ("font-size", "11")],
                     text: chart.scaleLabel),
            HTMLNode("text", [("x", String(left - 4)), ("y", String(baseline + 4)), ("text-anchor", "end"), ("font-size", "11")],
                     text: "0"),
        ]
        var bars: [HTMLNode] = []
        var labels: [HTMLNode] = []
        for (position, bar) in chart.bars.enumerated() {
            let magnitude = min(max(bar.magnitude, 0), maximum)
            var barHeight = magnitude * plotHeight / maximum
            if magnitude > 0 && barHeight == 0 { barHeight = 1 }
            let x = left + position * step + gap / 2
            let style: [(StaticString, String?)] = bar.incomplete
                ? [("fill", "#fff"), ("stroke", "#1a4d8f"), ("stroke-dasharray", "3 2")]
                : [("fill", "#4a6fa5")]
            bars.append(HTMLNode("rect", [
                ("x", String(x)), ("y", String(baseline - barHeight)),
                ("width", String(step - gap)), ("height", String(barHeight)),
            ] + style, [HTMLNode("title", text: bar.caption)]))
            if let label = bar.axisLabel {
                labels.append(HTMLNode("text", [("x", String(left + position * step)), ("y", String(baseline + 16)),
                                                ("font-size", "11")], text: label))
            }
        }
        children.append(HTMLNode("g", [], bars))
        if !labels.isEmpty { children.append(HTMLNode("g", [], labels)) }
        return HTMLNode("svg", [
            ("role", "img"), ("aria-labelledby", id + "-title " + id + "-desc"),
            ("width", String(width)), ("height", String(height)), ("viewBox", "0 0 \(width) \(height)"),
        ], children)
    }
}
