/// A typed HTML tree: element and attribute names are string literals from this module's
/// code (`StaticString`, so no data value can name a tag or an attribute), and every text and
/// attribute value is escaped when the tree is written. There is no way to put raw markup from
/// a value into a page: the only unescaped text is `staticText`, which takes a literal.
///
/// Written as HTML5 syntax (the HTML parser's rules): void elements have no end tag, and the
/// elements of inline SVG with no children close themselves (`<rect ... />`), which the HTML
/// parser accepts for foreign elements.
struct HTMLNode: Sendable {
    enum Content: Sendable {
        case element(name: String, kind: Kind, attributes: [(name: String, value: String)], children: [HTMLNode])
        case text(String)
        /// Literal markup from this module's code (the inline style sheet): never a value.
        case literal(String)
    }

    let content: Content

    /// How an element is written, from its name (`voidElements`, `blockElements`,
    /// `selfClosingForeign`), worked out once when it is made.
    struct Kind: OptionSet, Sendable {
        let rawValue: UInt8
        static let void = Kind(rawValue: 1)
        static let block = Kind(rawValue: 2)
        static let selfClosing = Kind(rawValue: 4)

        init(rawValue: UInt8) {
            self.rawValue = rawValue
        }

        init(name: String) {
            self = []
            if HTMLNode.voidElements.contains(name) { insert(.void) }
            if HTMLNode.blockElements.contains(name) { insert(.block) }
            if HTMLNode.selfClosingForeign.contains(name) { insert(.selfClosing) }
        }
    }

    /// An element. `attributes` keep their order; a nil value leaves the attribute out.
    init(_ name: StaticString, _ attributes: [(StaticString, String?)] = [], _ children: [HTMLNode] = []) {
        var kept: [(name: String, value: String)] = []
        for (attribute, value) in attributes {
            if let value { kept.append((attribute.description, value)) }
        }
        let name = name.description
        content = .element(name: name, kind: Kind(name: name), attributes: kept, children: children)
    }

    init(_ name: StaticString, _ attributes: [(StaticString, String?)] = [], text: String) {
        self.init(name, attributes, [.text(text)])
    }

    private init(content: Content) {
        self.content = content
    }

    static func text(_ value: String) -> HTMLNode { HTMLNode(content: .text(value)) }

    static func staticText(_ value: StaticString) -> HTMLNode { HTMLNode(content: .literal(value.description)) }

    /// The tree with each text node below an element (but `title`, `style` and SVG) replaced
    /// by what `transform` makes of it.
    func mappingText(_ transform: (String) -> [HTMLNode]) -> HTMLNode {
        guard case .element(let name, let kind, let attributes, let children) = content else { return self }
        if name == "title" || name == "style" || name == "svg" { return self }
        let mapped = children.flatMap { child -> [HTMLNode] in
            if case .text(let value) = child.content { return transform(value) }
            return [child.mappingText(transform)]
        }
        return HTMLNode(content: .element(name: name, kind: kind, attributes: attributes, children: mapped))
    }

    /// `<span lang="…">` around `text`: an element of this module with a fixed language tag.
    static func span(language: StaticString, _ text: String) -> HTMLNode {
        HTMLNode("span", [("lang", language.description)], text: text)
    }
}

extension HTMLNode {
    /// Elements without an end tag in HTML5.
    static let voidElements: Set<String> = ["meta", "br", "hr", "link", "img", "input", "wbr"]

    /// Elements after which a line break is written, so that pages diff line by line. A line
    /// break between block elements does not change how a page renders.
    static let blockElements: Set<String> = [
        "html", "head", "body", "meta", "title", "style", "header", "main", "footer", "nav", "section",
        "h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "dl", "dt", "dd", "table", "caption", "thead",
        "tbody", "tr", "figure", "figcaption", "svg", "desc", "g", "rect", "line", "text",
    ]

    /// The SVG elements that close themselves when they have no children.
    static let selfClosingForeign: Set<String> = ["rect", "line", "path", "circle", "polyline"]

    func write(to output: inout String) {
        switch content {
        case .text(let value):
            output += HTMLEscape.text(value)
        case .literal(let value):
            output += value
        case .element(let name, let kind, let attributes, let children):
            output += "<"
            output += name
            for attribute in attributes {
                output += " "
                output += attribute.name
                output += "=\""
                output += HTMLEscape.attribute(attribute.value)
                output += "\""
            }
            if kind.contains(.void) {
                output += ">"
            } else if children.isEmpty && kind.contains(.selfClosing) {
                output += " />"
            } else {
                output += ">"
                let breakInside = kind.contains(.block) && children.contains {
                    if case .element(_, let child, _, _) = $0.content { return child.contains(.block) }
                    return false
                }
                if breakInside { output += "\n" }
                for child in children { child.write(to: &output) }
                output += "</"
                output += name
                output += ">"
            }
            if kind.contains(.block) { output += "\n" }
        }
    }

    var html: String {
        var output = ""
        output.reserveCapacity(1 << 16)
        write(to: &output)
        return output
    }
}

/// Escaping of values for HTML text and quoted attribute values.
enum HTMLEscape {
    /// `& < > " '` become character references; code points that HTML forbids in a document
    /// (controls other than white space, noncharacters) become U+FFFD, so that a value cannot
    /// make a page invalid either; and so do the bidirectional controls (overrides,
    /// embeddings, isolates), so that no value can reorder the text around it.
    static func text(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: changes) else { return value }
        var output = ""
        output.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            case "\r": output += "\n"
            default:
                if isForbidden(scalar) || isBidiControl(scalar) {
                    output.unicodeScalars.append("\u{FFFD}")
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }

    static func attribute(_ value: String) -> String { text(value) }

    /// Whether `text` writes `scalar` as something else.
    private static func changes(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "&", "<", ">", "\"", "'": true
        default: isForbidden(scalar) || isBidiControl(scalar)
        }
    }

    /// The bidirectional formatting characters: embeddings and overrides (U+202A–U+202E),
    /// isolates (U+2066–U+2069) and the marks (U+200E, U+200F, U+061C). None of the reports'
    /// own words holds one, so any one comes from the data.
    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
            || value == 0x200E || value == 0x200F || value == 0x061C
    }

    /// Controls other than tab and line feed; DEL and the C1 controls; the noncharacters.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x20 { return value != 0x09 && value != 0x0A }
        if (0x7F...0x9F).contains(value) { return true }
        if (0xFDD0...0xFDEF).contains(value) { return true }
        return value & 0xFFFE == 0xFFFE
    }
}
