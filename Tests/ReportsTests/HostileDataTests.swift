import Foundation
import Reports
import Testing

/// Values from the data cannot become markup, and page names built from them cannot leave
/// the output folder or collide (issue 4, "Hostile data").
@Suite struct HostileDataTests {
    static let nfc = "Caf\u{E9}"
    static let nfd = "Cafe\u{301}"
    static let hostileNames = ["../../etc/passwd", "/", ".", "", "..", "a\\b", "x\ny", "\u{1}", ".hidden",
                               nfc, nfd, "ABC", "abc", "宝山区", "district-x", "x-1a2b3c4d", "<script>alert(1)</script>"]

    @Test func pageNamesAreSafeAndDistinct() {
        let pages = PageName.districts(Self.hostileNames)
        #expect(pages.count == Self.hostileNames.count)
        for (name, page) in zip(Self.hostileNames, pages) {
            #expect(page.hasPrefix("district-"), "\(name)")
            #expect(!page.hasPrefix("."))
            #expect(!page.contains("/") && !page.contains("\\") && !page.contains(".") && !page.contains(" "), "\(page)")
            #expect(page.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }, "\(page)")
            #expect(page.utf8.count < 200)
        }
        // Distinct even on a case-insensitive, normalising file system.
        let folded = pages.map { $0.lowercased().decomposedStringWithCanonicalMapping }
        #expect(Set(folded).count == pages.count)
        // A plain name is used as it is; the others are hashed.
        #expect(pages[13] == "district-宝山区")
        #expect(pages[1] == "district-2a0c975e")      // FNV-1a of "/"
        #expect(pages[3] == "district-811c9dc5")      // FNV-1a of nothing
        #expect(pages[0].hasPrefix("district-etc-passwd-"))
        // NFC and NFD of the same text, and ABC against abc: each gets its own hashed name.
        #expect(pages[9] != pages[10] && pages[9].hasPrefix("district-Café-") && pages[10].hasPrefix("district-Cafe-"))
        #expect(pages[11].hasPrefix("district-ABC-") && pages[12].hasPrefix("district-abc-"))
        // Stable: the same names give the same pages, in any order.
        #expect(PageName.districts(Self.hostileNames.reversed()) == pages.reversed())
        #expect(PageName.district("宝山区") == "district-宝山区")
    }

    @Test func plainNameCollidingWithAHashedNameIsHashedToo() {
        let hashed = PageName.district("a/b")
        let literal = String(hashed.dropFirst("district-".count))
        let pages = PageName.districts(["a/b", literal])
        #expect(pages[0] != pages[1])
        #expect(pages[0] == hashed)
    }

    @Test func hostileDistrictsAreTextInHTMLAndMarkdown() throws {
        let pages = ReportFixture.render(try ReportFixture.input())
        for (path, text) in pages where path.hasSuffix(".html") {
            #expect(!text.contains("<script"), "\(path)")
            #expect(!text.contains("<img src=x"), "\(path)")
            #expect(!text.contains("<b>"), "\(path)")
        }
        let index = pages["index.html"]!
        #expect(index.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(index.contains("&lt;/td&gt;&lt;img src=x onerror=alert(1)&gt;"))
        #expect(pages["burglary_reports.html"]!.contains("宝山区/&lt;b&gt;x&lt;/b&gt;"))

        for (path, text) in pages where path.hasSuffix(".md") {
            // No `<` that Markdown could read as the start of raw HTML or an autolink.
            let scalars = Array(text.unicodeScalars)
            for (position, scalar) in scalars.enumerated() where scalar == "<" {
                #expect(position > 0 && scalars[position - 1] == "\\", "\(path): unescaped <")
            }
        }
        let markdown = pages["index.md"]!
        #expect(markdown.contains("\\<script\\>alert(1)\\</script\\>"))
        #expect(markdown.contains("\\</td\\>\\<img src=x onerror=alert(1)\\>"))
        // A street name full of Markdown: escaped, so the table keeps its columns.
        let street = "a\\|b\\*c\\_\\[x\\](y)\\`\\#"
        let district = pages["district-宝山区.md"]!
        #expect(district.contains("| " + street + " | "))
        for line in district.split(separator: "\n") where line.contains(street) {
            let cells = line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count
            #expect(cells == 8 || cells == 6, "\(line)")
        }
    }

    @Test func hostileDistrictPagesAreSafeAndDistinct() throws {
        var alarms = ReportFixture.alarmCalls(extraDistricts: ["../../etc/passwd", "/", ".", "ABC", "abc", Self.nfc])
        alarms += "Z1,2017-09-10,\(Self.nfd),,报警,纠纷\n"
        let pages = ReportFixture.render(try ReportFixture.input(["alarm_calls.csv": alarms]))
        let districtPages = pages.keys.filter { $0.hasPrefix("district-") && $0.hasSuffix(".html") }.sorted()
        for path in pages.keys {
            // Pages at the top of the folder, charts in charts/: nothing a name holds leaves it.
            let name = path.hasPrefix("charts/") ? String(path.dropFirst("charts/".count)) : path
            #expect(!name.contains("/") && !name.hasPrefix(".") && !name.contains(".."), "\(path)")
        }
        // 宝山区, 闵行区, two hostile ones, ../../etc/passwd, /, ., ABC, abc, Café (ingest keeps
        // one spelling of canonically equivalent names).
        #expect(districtPages.count >= 10)
        let folded = Set(pages.keys.map { $0.lowercased().decomposedStringWithCanonicalMapping })
        #expect(folded.count == pages.count)
        #expect(pages["index.md"]!.contains("[../../etc/passwd](district-etc-passwd-"))
    }

    @Test func escapingRemovesControlCharactersFromPages() throws {
        let alarms = ReportFixture.alarmCalls(extraDistricts: ["a\u{1}b\u{7F}c\u{FFFE}d"])
        let pages = ReportFixture.render(try ReportFixture.input(["alarm_calls.csv": alarms]))
        for (path, text) in pages {
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }, "\(path)")
            #expect(!text.unicodeScalars.contains { $0.value == 0x7F || $0.value == 0xFFFE }, "\(path)")
        }
    }
}

/// Names that hold markup, bidirectional controls and a 500-character word (in categories,
/// which are not place names and so reach the pages): inert text in HTML and Markdown.
@Suite struct HostileTextTests {
    static let categories = ["<script>alert(1)</script>", "\u{202E}evil", "\u{2066}a\u{2069} \u{2067}b\u{2068}c", String(repeating: "W", count: 500)]

    @Test func namesCannotReorderOrBreakThePage() throws {
        var alarms = ReportFixture.alarmCalls()
        for (index, category) in Self.categories.enumerated() {
            alarms += "HX\(index),2017-05-0\(index + 1) 10:00:00,宝山区,,报警,\"\(category)\"\n"
        }
        let pages = ReportFixture.render(try ReportFixture.input(["alarm_calls.csv": alarms]))
        let bidi: Set<UInt32> = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C]
        for (path, text) in pages {
            #expect(!text.unicodeScalars.contains { bidi.contains($0.value) }, "\(path) holds a bidirectional control")
            if path.hasSuffix(".html") { #expect(!text.contains("<script"), "\(path)") }
        }
        let html = try #require(pages["alarm_calls.html"])
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("\u{FFFD}evil"))
        #expect(html.contains(String(repeating: "W", count: 500)))
        // Long words wrap rather than widen the page (checked in a browser by make check).
        #expect(html.contains("overflow-wrap:anywhere"))
        let markdown = try #require(pages["alarm_calls.md"])
        #expect(markdown.contains("\\<script\\>alert(1)\\</script\\>"))
        #expect(markdown.contains("\u{FFFD}a\u{FFFD} \u{FFFD}b\u{FFFD}c"))
    }
}
