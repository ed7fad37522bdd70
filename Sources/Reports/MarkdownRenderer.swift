/// Renders a report page as GitHub-flavoured Markdown (CommonMark with tables).
///
/// Every text of the model is escaped: the characters Markdown would read as markup are
/// backslash-escaped (a backslash before ASCII punctuation always stands for the character
/// itself), so no value can open raw HTML, a link, emphasis, a code span or a table cell;
/// line breaks and control characters become spaces, so no value can start a block.
enum MarkdownRenderer {
    static func render(_ page: ReportPage, words: Wording) -> String {
        var output = "# " + MarkdownEscape.lineStart(MarkdownEscape.text(page.title)) + "\n"
        let headings = HeadingIDs(page)
        for block in page.blocks { write(block, into: &output, headings) }
        return output
    }

    private static func write(_ block: ReportBlock, into output: inout String, _ headings: HeadingIDs) {
        // Markdown does not fold: a folded part whose summary is the heading it starts with
        // is that heading and what follows, not the summary said twice.
        if case .details(let summary, let blocks) = block, case .section(let section)? = blocks.first, section.title == summary {
            for child in blocks { write(child, into: &output, headings) }
            return
        }
        output += "\n"
        switch block {
        case .section(let section):
            output += String(repeating: "#", count: max(1, min(section.level, 6))) + " "
                + MarkdownEscape.lineStart(MarkdownEscape.text(section.title)) + "\n"
            for child in section.blocks { write(child, into: &output, headings) }
        case .paragraph(let inlines):
            output += MarkdownEscape.lineStart(inline(inlines, headings)) + "\n"
        case .list(let items):
            for item in items { output += "- " + MarkdownEscape.lineStart(inline(item, headings)) + "\n" }
        case .table(let table):
            write(table, into: &output, headings)
        case .chart(let chart):
            output += "**" + MarkdownEscape.text(chart.title) + "** " + MarkdownEscape.text(chart.summary) + "\n\n"
            if let file = chart.file {
                output += "![" + MarkdownEscape.text(chart.title) + "](" + MarkdownEscape.destination(file) + ")\n\n"
            }
            write(chart.table, into: &output, headings)
        case .navigation(let items, let districts):
            output += items.map { inline($0, headings) }.joined(separator: " · ") + "\n"
            if !districts.isEmpty { output += "\n" + districts.map { inline($0, headings) }.joined(separator: " · ") + "\n" }
        case .details(let summary, let blocks):
            output += "**" + MarkdownEscape.text(summary) + "**\n"
            for child in blocks { write(child, into: &output, headings) }
        case .tiles(let tiles):
            for tile in tiles {
                output += "- " + MarkdownEscape.lineStart(MarkdownEscape.text(tile.title)) + " **" + MarkdownEscape.text(tile.figure) + "** "
                    + MarkdownEscape.text(([tile.change] + tile.notes).joined(separator: " · ")) + "\n"
            }
        case .definitions(let definitions):
            for definition in definitions {
                output += "- **" + MarkdownEscape.text(definition.term) + "** " + inline(definition.text, headings) + "\n"
            }
        }
    }

    private static func write(_ table: ReportTable, into output: inout String, _ headings: HeadingIDs) {
        output += "**" + MarkdownEscape.text(table.caption) + "**\n\n"
        output += "| " + table.columns.map { MarkdownEscape.text($0.title) }.joined(separator: " | ") + " |\n"
        output += "|" + table.columns.map { $0.numeric ? " ---: |" : " --- |" }.joined() + "\n"
        for row in table.rows {
            output += "| " + row.map { cell in
                let text = inline(cell, headings)
                return text.isEmpty ? " " : text
            }.joined(separator: " | ") + " |\n"
        }
    }

    private static func inline(_ inlines: [Inline], _ headings: HeadingIDs) -> String {
        var text = ""
        for piece in inlines {
            switch piece {
            case .text(let value):
                text += MarkdownEscape.text(value)
            case .strong(let value):
                text += "**" + MarkdownEscape.text(value) + "**"
            case .link(let label, let target):
                text += "[" + MarkdownEscape.text(label) + "](" + href(target, headings) + ")"
            }
        }
        return text
    }

    /// Link destinations are page names (letters, digits, `-`, `_`; see `PageName`) and
    /// fixed file paths; anything else is percent-encoded so it cannot end the link. A
    /// part of the page is reached by the id its heading gets.
    static func href(_ target: LinkTarget, _ headings: HeadingIDs) -> String {
        switch target {
        case .page(let name, let fragment):
            MarkdownEscape.destination(name + ".md") + (fragment.flatMap { name == headings.page ? headings.ids[$0] : nil }.map { "#" + MarkdownEscape.destination($0) } ?? "")
        case .file(let path): MarkdownEscape.destination(path)
        }
    }
}

/// The ids that GitHub (and pandoc's `gfm`, and most previews) give a page's headings, by
/// the anchors of the parts that have one: Markdown has no ids of its own, so a link to a
/// part names its heading's. A heading's id is its text in lower case, without punctuation
/// and with spaces as `-`; a repeated one gets `-1`, `-2` ….
struct HeadingIDs {
    let page: String
    private(set) var ids: [String: String] = [:]
    private var used: [String: Int] = [:]

    init(_ page: ReportPage) {
        self.page = page.name
        _ = id(page.title)
        for block in page.blocks { visit(block) }
    }

    private mutating func visit(_ block: ReportBlock) {
        switch block {
        case .section(let section):
            let id = id(section.title)
            if let anchor = section.anchor { ids[anchor] = id }
            for child in section.blocks { visit(child) }
        case .details(_, let blocks):
            for child in blocks { visit(child) }
        default:
            break
        }
    }

    private mutating func id(_ title: String) -> String {
        var slug = ""
        for scalar in title.lowercased().unicodeScalars {
            if scalar == " " {
                slug += "-"
            } else if scalar == "-" || scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                || scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .spacingMark {
                slug.unicodeScalars.append(scalar)
            }
        }
        let count = used[slug, default: 0]
        used[slug] = count + 1
        return count == 0 ? slug : slug + "-\(count)"
    }
}

enum MarkdownEscape {
    /// The ASCII punctuation Markdown may read as markup somewhere in a line.
    static func isSpecial(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\\", "`", "*", "_", "[", "]", "<", ">", "#", "|", "&", "!", "~", "$": true
        default: false
        }
    }

    static func text(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { isSpecial($0) || HTMLEscape.isBidiControl($0) || isBreakOrControl($0) }) else {
            return value
        }
        var output = ""
        output.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            if isSpecial(scalar) {
                output += "\\"
                output.unicodeScalars.append(scalar)
            } else if HTMLEscape.isBidiControl(scalar) {
                output.unicodeScalars.append("\u{FFFD}")
            } else if isBreakOrControl(scalar) {
                output += " "
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// Line breaks, controls and noncharacters: none may reach a Markdown line.
    static func isBreakOrControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029
            || HTMLEscape.isForbidden(scalar)
    }

    /// Escapes what would start a block at the beginning of a line: a list marker (`-`, `+`,
    /// `1.`, `1)`), a setext underline (`=`), or indentation (leading spaces are dropped).
    static func lineStart(_ text: String) -> String {
        var rest = Substring(text)
        while rest.first == " " { rest = rest.dropFirst() }
        guard let first = rest.first else { return "" }
        if first == "-" || first == "+" || first == "=" { return "\\" + rest }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, let next = rest.dropFirst(digits.count).first, next == "." || next == ")" {
            return digits + "\\" + rest.dropFirst(digits.count)
        }
        return String(rest)
    }

    /// A link destination: letters, digits and `-_./` kept, anything else percent-encoded.
    static func destination(_ path: String) -> String {
        var output = ""
        for scalar in path.unicodeScalars {
            if scalar == "-" || scalar == "_" || scalar == "." || scalar == "/" || PageName.isNameScalar(scalar) {
                output.unicodeScalars.append(scalar)
            } else {
                for byte in String(scalar).utf8 {
                    output += "%" + PageName.hex(UInt32(byte)).suffix(2).uppercased()
                }
            }
        }
        return output
    }
}
