import Foundation
import Reports
import Testing

@Suite struct ReportRendererTests {
    @Test func pagesAreIndexDatasetsAndDistricts() throws {
        let pages = ReportFixture.render(try ReportFixture.input())
        let names = Set(pages.keys)
        for page in ["index", "alarm_calls", "burglary_reports", "safe_community", "district-宝山区", "district-闵行区"] {
            #expect(names.contains(page + ".md") && names.contains(page + ".html"), "\(page)")
        }
        // Two hostile districts get pages too: 2 × (1 index + 3 datasets + 4 districts).
        #expect(pages.keys.filter { $0.hasSuffix(".md") || $0.hasSuffix(".html") }.count == 16)
        // Every chart is a file of its own.
        #expect(pages.keys.contains("charts/district-宝山区-1.svg"))
        #expect(ReportRenderer.render(try ReportFixture.input()).map(\.path) == pages.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    @Test func headlineSentenceInChinese() throws {
        let pages = ReportFixture.render(try ReportFixture.input())
        let sentence = "宝山区 2017 年报警类接警 14 起，同比下降 30.0%（减少 6 起）"
        // The largest fall by district on the index, and the district's own headline.
        #expect(pages["index.md"]!.contains("- **降幅最大的区**：" + sentence + "\n"))
        #expect(pages["index.html"]!.contains("<li><strong>降幅最大的区</strong>：" + sentence + "</li>"))
        #expect(pages["district-宝山区.md"]!.contains("- " + sentence + "\n"))
        #expect(pages["district-宝山区.html"]!.contains("<li>" + sentence + "</li>"))
        // The city's, and the absolute change beside the percentage in the table.
        #expect(pages["index.md"]!.contains("- 全市 2017 年报警类接警 22 起，同比下降 8.3%（减少 2 起）\n"))
        #expect(pages["index.md"]!.contains("| [宝山区](district-宝山区.md) | 14 | 20 | ▼ 下降 30.0%（减少 6 起） |"))
        // Compliance: numerator and denominator.
        #expect(pages["index.md"]!.contains("| [闵行区](district-闵行区.md) | 80.0% | 10 个小区中 8 个达标 | 60.0% | ▲ 提高 20.0 个百分点 |"))
        // Burglaries by community.
        #expect(pages["district-闵行区.md"]!.contains("| 康城 | 6 | 12 | ▼ 下降 50.0%（减少 6 起） |"))
    }

    @Test func headlineSentenceInEnglish() throws {
        let pages = ReportFixture.render(try ReportFixture.input(language: .en))
        let sentence = "宝山区 alarm calls in 2017: 14, down 30.0% year on year (−6)"
        #expect(pages["index.md"]!.contains("- **Largest fall by district**: " + sentence + "\n"))
        // On an English page the Chinese name is marked as such.
        #expect(pages["district-宝山区.html"]!.contains("<li><span lang=\"zh-CN\">宝山区 </span>alarm calls in 2017: 14, down 30.0% year on year (−6)</li>"))
        #expect(pages["index.md"]!.contains("- Citywide alarm calls in 2017: 22, down 8.3% year on year (−2)\n"))
        #expect(pages["index.md"]!.contains("| [闵行区](district-闵行区.md) | 80.0% | 8 of 10 communities | 60.0% | ▲ up 20.0 points |"))
        #expect(pages["index.html"]!.contains("<html lang=\"en\">"))
    }

    @Test func smallBaseIsMarkedAndNeverHeadlined() throws {
        let zh = ReportFixture.render(try ReportFixture.input())
        // 闵行区: 6 against 4, +50.0%.
        #expect(zh["index.md"]!.contains("| [闵行区](district-闵行区.md) | 6 | 4 | ▲ 上升 50.0%（增加 2 起，小基数） |"))
        #expect(!headlines(zh["index.md"]!).contains("闵行区 2017 年报警类接警"))
        #expect(!headlines(zh["index.md"]!).contains("上升 50.0%"))
        // Its own page states the two counts, no percentage.
        #expect(zh["district-闵行区.md"]!.contains("- 闵行区 2017 年报警类接警 6 起，上年 4 起（小基数，不计算百分比）\n"))
        // So does its tile, with the same reason.
        #expect(zh["district-闵行区.md"]!.contains("- 报警类接警 · 2017 年 **6 起** 上年同期 4 起（小基数，不计算百分比）"), "\(zh["district-闵行区.md"]!)")
        // Year to date 宝山区: 7 against 2.
        #expect(zh["district-宝山区.md"]!.contains("- 宝山区 2018-01-01 至 2018-02-10 报警类接警 7 起，上年同期 2 起（小基数，不计算百分比）\n"))
        // Compliance on 3 communities.
        #expect(zh["district-宝山区.md"]!.contains("66.7%（小基数） | 3 个小区中 2 个达标"))

        let en = ReportFixture.render(try ReportFixture.input(language: .en))
        #expect(en["index.md"]!.contains("| 6 | 4 | ▲ up 50.0% (+2, small base) |"))
        #expect(en["district-闵行区.md"]!.contains("- 闵行区 alarm calls in 2017: 6, 4 a year earlier (small base, no percentage)\n"))
        #expect(en["district-闵行区.md"]!.contains(" **6** 4 a year earlier (small base, no percentage)"), "\(en["district-闵行区.md"]!)")
        // A fall that is not good news is said in the change's own brackets; the share's
        // prior figure is a year earlier's, as the change's is.
        #expect(zh["index.md"]!.contains("- 已破入室盗窃案件 · 2017 年 **2 起** 上年同期 6 起（小基数，不计算百分比；减少不是好消息） · 破案率 25.0%（上年同期 50.0%） · "))
        #expect(en["index.md"]!.contains("- Cleared burglaries · 2017 **2** 6 a year earlier (small base, no percentage; a fall is not good news) · clearance rate 25.0% (50.0% a year earlier) · "))
        // A name that starts a heading, caption or tile has a capital in English.
        #expect(en["index.md"]!.contains("- Safe-community compliance · 2017 **76.9%**"))
        #expect(en["index.md"]!.contains("**Safe-community compliance by district, 2017** "))
        // A dataset's metric of its own name is not named twice in the methodology.
        #expect(zh["index.md"]!.contains("入室盗窃案件：全部记录；已破入室盗窃案件："), "\(zh["index.md"]!)")
    }

    @Test func periodUnderWayIsLabelledAndNeverAFall() throws {
        let zh = ReportFixture.render(try ReportFixture.input())
        // 2018-02 has 2 calls against 5 in January: in progress, not compared.
        #expect(zh["district-宝山区.md"]!.contains("| 2018-02 | 2（进行中） | 进行中，不作比较 |"))
        #expect(zh["district-宝山区.html"]!.contains("<th scope=\"row\">2018-02</th><td class=\"num\">2（进行中）</td><td>进行中，不作比较</td>"))
        // No table row of a period under way shows a fall.
        var rows = 0
        for (path, text) in zh where path.hasSuffix(".md") {
            for line in text.split(separator: "\n") where line.hasPrefix("| ") && line.contains("（进行中）") {
                rows += 1
                #expect(!line.contains("下降") && !line.contains("▼"), "\(path): \(line)")
            }
        }
        #expect(rows > 10)
        // The hollow bar in the chart, labelled in it, and the words in its description.
        let chart = try #require(zh["charts/district-宝山区-1.svg"])
        #expect(chart.contains("<title>2018-02：2 起（进行中）</title>"))
        #expect(chart.contains("stroke-dasharray=\"3 2\""))
        #expect(chart.contains(">进行中</text>"))
        #expect(zh["district-宝山区.html"]!.contains("2018-02 进行中（数据截至 2018-02-10），不作比较"))

        let en = ReportFixture.render(try ReportFixture.input(language: .en))
        #expect(en["district-宝山区.md"]!.contains("| 2018-02 | 2 (in progress) | in progress, not compared |"))
        #expect(en["alarm_calls.md"]!.contains("in progress"))
    }

    @Test func renderingIsDeterministic() throws {
        let input = try ReportFixture.input()
        let first = ReportRenderer.render(input)
        let second = ReportRenderer.render(try ReportFixture.input())
        #expect(first == second)
        #expect(ReportRenderer.render(input) == first)
        // No clock unless one is given.
        #expect(!first.contains { $0.contents.contains("生成时间") })
        let stamped = ReportRenderer.render(try ReportFixture.input(generatedAt: "2018-03-01 00:00:00 UTC"))
        #expect(stamped.filter { !$0.path.hasPrefix("charts/") }.allSatisfy { $0.contents.contains("生成时间 2018-03-01 00:00:00 UTC") })
    }

    @Test func everyPageIsACompleteDocumentWithAccessibleCharts() throws {
        for language in [ReportFixture.Language.zh, .en] {
            let pages = ReportFixture.render(try ReportFixture.input(language: language))
            let tag = language == .zh ? "zh-CN" : "en"
            var charts = 0
            for (path, text) in pages where path.hasSuffix(".html") {
                #expect(text.hasPrefix("<!DOCTYPE html>\n<html lang=\"\(tag)\">\n<head>\n<meta charset=\"utf-8\">"), "\(path)")
                #expect(text.contains("<title>") && text.contains("</title>"), "\(path)")
                #expect(text.hasSuffix("</html>\n"), "\(path)")
                #expect(!text.contains("<script") && !text.contains("http") && !text.contains("<link"), "\(path)")
                #expect(text.contains("@media print"), "\(path)")
                for image in text.components(separatedBy: "<img src=\"").dropFirst() {
                    // A chart is an SVG file of its own, named by its title and described.
                    let file = String(image.prefix { $0 != "\"" }).removingPercentEncoding!
                    let svg = try #require(pages[file], "\(path) shows \(file), which is not written")
                    charts += 1
                    #expect(image.prefix { $0 != ">" }.contains("alt=\""), "\(path)")
                    let open = svg.prefix { $0 != ">" }
                    #expect(open.contains("xmlns=\"http://www.w3.org/2000/svg\""), "\(file)")
                    // Its name and description: the first children, title then desc.
                    let inner = svg.dropFirst(open.count + 1)
                    #expect(inner.hasPrefix("\n<title>") && inner.contains("</title>\n<desc>"), "\(file)")
                    // The data table beside the chart, in the same figure.
                    let figureEnd = image.range(of: "</figure>")!.lowerBound
                    #expect(image[..<figureEnd].contains("<table>"), "\(path)")
                }
            }
            #expect(charts > 10)
            for (path, text) in pages where path.hasSuffix(".md") {
                #expect(text.hasPrefix("# "), "\(path)")
            }
        }
    }

    @Test func linksPointAtPagesAndDataFiles() throws {
        let pages = ReportFixture.render(try ReportFixture.input())
        let files: Set<String> = ["data/trends.csv", "data/compliance.csv", "data/quality.csv",
                                  "rejects/alarm_calls.csv", "rejects/burglary_reports.csv", "rejects/safe_community.csv"]
        for (path, text) in pages where path.hasSuffix(".html") {
            for piece in text.components(separatedBy: "href=\"").dropFirst() {
                let target = String(piece.prefix { $0 != "\"" && $0 != "#" })
                if target.isEmpty {
                    // A part of the page itself: its anchor is there.
                    let fragment = String(piece.dropFirst().prefix { $0 != "\"" })
                    #expect(text.contains("id=\"\(fragment)\""), "\(path) links to #\(fragment), which it lacks")
                    continue
                }
                #expect(pages[target] != nil || files.contains(target), "\(path) links to \(target)")
            }
        }
        #expect(pages["index.md"]!.contains("[rejects/alarm\\_calls.csv](rejects/alarm_calls.csv)"))
    }

    @Test func markdownLinksToAPartByItsHeadingsID() throws {
        let pages = ReportFixture.render(try ReportFixture.input())
        #expect(pages["alarm_calls.md"]!.contains("[方法说明](alarm_calls.md#方法说明)"))
        #expect(pages["alarm_calls.md"]!.contains("\n## 方法说明\n"))
        for (path, text) in pages where path.hasSuffix(".md") {
            // Each id is its heading's text as GitHub makes it (these headings have no
            // spaces, capitals or punctuation to change).
            for piece in text.components(separatedBy: ".md#").dropFirst() {
                let id = String(piece.prefix { $0 != ")" })
                #expect(text.contains("\n## \(id)\n"), "\(path) links to #\(id), which no heading makes")
            }
        }
    }

    @Test func absentDatasetIsSaidSo() throws {
        let input = try ReportFixture.input(["alarm_calls.csv": ReportFixture.alarmCalls()])
        let pages = ReportFixture.render(input)
        #expect(pages["burglary_reports.md"] == nil && pages["safe_community.html"] == nil)
        #expect(pages["index.md"]!.contains("| 入室盗窃案件 | 本次运行未提供此数据集 | — | — |"))
        #expect(pages["index.md"]!.contains("| [110 接警](alarm_calls.md) | 2018-02-10 | 2016-01-01 |"))
    }

    @Test func qualitySummaryCountsEveryRow() throws {
        var alarms = ReportFixture.alarmCalls()
        alarms += "A1,2016-01-01 08:00,宝山区,罗店镇,报警,纠纷\n"   // duplicate, equal
        alarms += "A2,2016-02-10 09:00,宝山区,罗店镇,报警,盗窃\n"   // duplicate, conflict
        alarms += "A999,2017-02-30,宝山区,,报警,纠纷\n"             // rejected
        let pages = ReportFixture.render(try ReportFixture.input(["alarm_calls.csv": alarms]))
        // 55 rows + 3: 55 accepted, 1 rejected, 2 duplicates, 1 conflict.
        #expect(pages["index.md"]!.contains("| [110 接警](alarm_calls.md) | 1 | 58 | 55 | 1 | 2 | 1 | 0 | [rejects/alarm\\_calls.csv](rejects/alarm_calls.csv) |"))
        #expect(pages["alarm_calls.md"]!.contains("| alarm\\_calls.csv | 58 | 55 | 1 | 2 | 1 | 0 |"))
    }

    @Test func changeAgainstAPartialPriorYearIsNotedAndNotHeadlined() throws {
        // Data from 2016-03-05: 2016 is partial, so 2017 against 2016 is not like with like.
        var lines = ["call_id,received_at,district,category"]
        for i in 0..<15 { lines.append("P\(i),2016-\(ReportFixture.pad(i % 10 + 3))-05,宝山区,纠纷") }
        for i in 0..<12 { lines.append("Q\(i),2017-\(ReportFixture.pad(i + 1))-05,宝山区,纠纷") }
        lines.append("R1,2018-01-10,宝山区,纠纷")
        let pages = ReportFixture.render(try ReportFixture.input(["alarm_calls.csv": lines.joined(separator: "\n") + "\n"]))
        let index = pages["index.md"]!
        #expect(index.contains("| [宝山区](district-宝山区.md) | 12 | 15（不完整） | ▼ 下降 20.0%（减少 3 起，上期不完整） |"))
        #expect(index.contains("- 全市 2017 年报警类接警 12 起，上年 15 起（上年数据不完整，不计算百分比）\n"))
        #expect(!headlines(index).contains("降幅最大"))
        #expect(!headlines(index).contains("20.0%"))
        // The partial first month, hollow and labelled in the chart (the tables show the last
        // 13 months; every month is in data/trends.csv).
        let chart = try #require(pages["charts/district-宝山区-1.svg"])
        #expect(chart.contains("<title>2016-03：2 起（不完整）</title>"))
        #expect(chart.contains(">不完整</text>"))
        #expect(pages["district-宝山区.md"]!.contains("（最近 13 个月；每个月见 data/trends.csv）"))
    }

    @Test func withoutACompleteYearTheYearToDateLeads() throws {
        var lines = ["call_id,received_at,district,category"]
        for day in 1...28 { lines.append("Y\(day),2018-01-\(ReportFixture.pad(day)),宝山区,纠纷") }
        lines.append("Y99,2018-02-10,宝山区,纠纷")
        let pages = ReportFixture.render(try ReportFixture.input(["alarm_calls.csv": lines.joined(separator: "\n") + "\n"]))
        let index = pages["index.md"]!
        #expect(index.contains("- 全市 2018-01-01 至 2018-02-10 报警类接警 29 起，无上年同期可比数据\n"))
        #expect(index.contains("| 区 | 年初至今 | 上年同期 | 同比 |"))
        #expect(index.contains("| [宝山区](district-宝山区.md) | 29 | 0 | —（无可比数据） |"))
        #expect(pages["district-宝山区.md"]!.contains("| 2018-02 | 1（进行中） | 进行中，不作比较 |"))
    }

    @Test func zeroPriorIsNotMissingData() throws {
        let pages = ReportFixture.render(try ReportFixture.input())
        // 宝山区 had no burglary in 2016 (data from 2016-01-01), 2 in 2017.
        #expect(pages["index.md"]!.contains("| [宝山区](district-宝山区.md) | 2 | 0 | —（上期为 0，不计算百分比） |"))
        #expect(pages["district-宝山区.md"]!.contains("- 宝山区 2017 年入室盗窃案件 2 起，上年为 0 起，不计算百分比\n"))
    }

    @Test func datasetWithoutRecordsIsSaidSo() throws {
        let pages = ReportFixture.render(try ReportFixture.input([
            "alarm_calls.csv": "call_id,received_at,district,category\n",
            "safe_community.csv": ReportFixture.safeCommunity(),
        ]))
        #expect(pages["alarm_calls.md"]!.contains("本数据集没有有效记录。"))
        #expect(pages["index.md"]!.contains("| [110 接警](alarm_calls.md) | 无有效记录 | — | — |"))
        #expect(pages["index.md"]!.contains("| [平安小区考评](safe_community.md) | 最新考评期 2017 年 | 最早考评期 2016 年 | — |"))
        #expect(pages["district-闵行区.md"]!.contains("- 闵行区 2017 年平安小区达标率 80.0%（10 个小区中 8 个达标），比 2016 年提高 20.0 个百分点\n"))
    }

    @Test func latestAssessmentPeriodIsTheOneEndingLast() throws {
        let text = "community_id,community,district,period,compliant\n"
            + (0..<10).map { "H\($0),小区\($0),闵行区,2017H2,\($0 < 7 ? "是" : "否")\n" }.joined()
            + (0..<10).map { "H\($0),小区\($0),闵行区,2017H1,\($0 < 5 ? "是" : "否")\n" }.joined()
            + (0..<10).map { "H\($0),小区\($0),闵行区,2017Q3,是\n" }.joined()
        let pages = ReportFixture.render(try ReportFixture.input(["safe_community.csv": text]))
        #expect(pages["index.md"]!.contains("最新考评期：2017 年下半年。"))
        #expect(pages["index.md"]!.contains("| [闵行区](district-闵行区.md) | 70.0% | 10 个小区中 7 个达标 | 50.0% | ▲ 提高 20.0 个百分点 |"))
    }

    @Test func markdownAndHTMLSayTheSameThing() throws {
        for language in ReportInput.Language.allCases {
            let pages = ReportFixture.render(try ReportFixture.input(language: language))
            for (path, markdown) in pages where path.hasSuffix(".md") {
                let html = pages[String(path.dropLast(3)) + ".html"]!
                let items = (TextOf.markdownItems(markdown), TextOf.htmlItems(html))
                #expect(items.0 == items.1, "\(path): \(zip(items.0, items.1).first { $0 != $1 }.map { "\($0) ≠ \($1)" } ?? "counts \(items.0.count), \(items.1.count)")")
                let cells = (TextOf.markdownCells(markdown), TextOf.htmlCells(html))
                #expect(cells.0 == cells.1, "\(path): \(zip(cells.0, cells.1).first { $0 != $1 }.map { "\($0) ≠ \($1)" } ?? "counts \(cells.0.count), \(cells.1.count)")")
            }
        }
    }

    private func headlines(_ markdown: String) -> String {
        let start = markdown.range(of: "## 要点")!.upperBound
        let end = markdown.range(of: "\n## ", range: start..<markdown.endIndex)!.lowerBound
        return String(markdown[start..<end])
    }

    private func attribute(_ name: String, in tag: String) -> String? {
        guard let start = tag.range(of: name + "=\"") else { return nil }
        return String(tag[start.upperBound...].prefix { $0 != "\"" })
    }
}

extension ReportFixture {
    typealias Language = ReportInput.Language
}

/// With GOVSTATS_REPORTS_DUMP=<folder>, writes the fixture's pages there (zh/ and en/) to
/// look at or to run through an HTML validator.
@Test func dumpPagesWhenAsked() throws {
    guard let folder = ProcessInfo.processInfo.environment["GOVSTATS_REPORTS_DUMP"] else { return }
    for language in ReportInput.Language.allCases {
        let base = folder + "/" + language.rawValue
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        for document in ReportRenderer.render(try ReportFixture.input(language: language)) {
            let path = base + "/" + document.path
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try document.contents.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }
}

/// The visible text of list items and table cells, from either format, for comparison.
enum TextOf {
    static func matches(_ pattern: String, _ text: String) -> [[String]] {
        let regex = try! NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            (1..<match.numberOfRanges).map { Range(match.range(at: $0), in: text).map { String(text[$0]) } ?? "" }
        }
    }

    static func plainMarkdown(_ text: String) -> String {
        var plain = text.replacingOccurrences(of: "**", with: "")
        let regex = try! NSRegularExpression(pattern: #"\[((?:\\.|[^\]\\])*)\]\([^)]*\)"#)
        plain = regex.stringByReplacingMatches(in: plain, range: NSRange(plain.startIndex..., in: plain), withTemplate: "$1")
        let escapes = try! NSRegularExpression(pattern: #"\\(\p{P}|\p{S})"#)
        plain = escapes.stringByReplacingMatches(in: plain, range: NSRange(plain.startIndex..., in: plain), withTemplate: "$1")
        return plain.trimmingCharacters(in: .whitespaces)
    }

    static func plainHTML(_ text: String) -> String {
        let tags = try! NSRegularExpression(pattern: "<[^>]*>")
        var plain = tags.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "")
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            plain = plain.replacingOccurrences(of: entity, with: character)
        }
        return plain.trimmingCharacters(in: .whitespaces)
    }

    /// List items, but the tiles of "At a glance" (cards in HTML, compared in their own test).
    static func markdownItems(_ markdown: String) -> [String] {
        var inTiles = false
        var items: [String] = []
        for line in markdown.split(separator: "\n") {
            if line.hasPrefix("#") { inTiles = line == "## 概览" || line == "## At a glance" }
            if line.hasPrefix("- ") && !inTiles { items.append(plainMarkdown(String(line.dropFirst(2)))) }
        }
        return items
    }

    static func htmlItems(_ html: String) -> [String] {
        let body = html.replacingOccurrences(of: #"(?s)<nav[^>]*>.*?</nav>"#, with: "", options: .regularExpression)
        return matches(#"<li>(.*?)</li>|<dt>(.*?)</dt>\n<dd>(.*?)</dd>"#, body).map { groups in
            let parts = groups.filter { !$0.isEmpty }
            return plainHTML(parts.joined(separator: " "))
        }
    }

    static func markdownCells(_ markdown: String) -> [String] {
        markdown.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| ---") }.flatMap { line -> [String] in
            let inner = line.dropFirst(2).dropLast(2)
            return inner.replacingOccurrences(of: "\\|", with: "\u{0}").components(separatedBy: " | ")
                .map { plainMarkdown($0.replacingOccurrences(of: "\u{0}", with: "\\|")) }
        }
    }

    static func htmlCells(_ html: String) -> [String] {
        matches(#"<t[hd](?: [^>]*)?>(.*?)</t[hd]>"#, html).map { plainHTML($0[0]) }
    }
}

/// Every output is one writer of `Outputs.all`, written through a sink: the list makes every
/// file of a run, and the same input gives the same bytes.
@Suite struct OutputWriterTests {
    @Test func everyOutputComesFromTheList() throws {
        let input = try ReportFixture.input()
        let sink = MemorySink()
        for writer in Outputs.all { try writer.write(input, to: sink) }
        let paths = sink.paths
        #expect(Array(paths.prefix(4)) == ["data/trends.csv", "data/compliance.csv", "data/quality.csv", "run.json"])
        #expect(paths.contains("index.html") && paths.contains("index.md"))
        #expect(Set(paths.dropFirst(4)) == Set(ReportRenderer.render(input).map(\.path)))
        let again = MemorySink()
        for writer in Outputs.all { try writer.write(try ReportFixture.input(), to: again) }
        #expect(again.contents == sink.contents)
        // On four threads (the pages made side by side, in another order): the same files.
        let threaded = MemorySink()
        for writer in Outputs.writers(jobs: 4) { try writer.write(try ReportFixture.input(), to: threaded) }
        #expect(threaded.contents == sink.contents)
        #expect(threaded.paths.count == paths.count)
        #expect(ReportRenderer.render(input, jobs: 4) == ReportRenderer.render(input))
    }

    /// A sink that fails on some files: with one thread the first failure ends the pages;
    /// with more, every page is made and the failure of the first page in order is thrown.
    @Test func aFailingSinkFailsThePagesWithTheFirstPagesError() throws {
        struct Refused: Error, Equatable { let path: String }
        final class FailingSink: OutputSink {
            let written = MemorySink()
            func write(_ path: String, _ body: ((String) throws -> Void) throws -> Void) throws {
                if path.hasPrefix("district-") && path.hasSuffix(".md") { throw Refused(path: path) }
                try written.write(path, body)
            }
        }
        let input = try ReportFixture.input()
        // The first district's page in page order (districts in the byte order of their names).
        let inOrder = MemorySink()
        try ReportPages(jobs: 1).write(input, to: inOrder)
        let firstDistrict = try #require(inOrder.paths.first { $0.hasPrefix("district-") && $0.hasSuffix(".md") })
        for jobs in [1, 4] {
            let sink = FailingSink()
            #expect(throws: Refused(path: firstDistrict), "jobs \(jobs)") { try ReportPages(jobs: jobs).write(input, to: sink) }
            #expect(sink.written.contents["index.md"] != nil)
        }
    }

    @Test func theManifestIsSortedJSON() throws {
        let sink = MemorySink()
        try RunManifest().write(try ReportFixture.input(generatedAt: "2018-03-01 00:00:00 UTC"), to: sink)
        let text = try #require(sink.contents["run.json"])
        #expect(text.hasPrefix("{\n  \"contract_version\" : 2,\n  \"datasets\" : [\n"))
        #expect(text.contains("\n  \"generated_at\" : \"2018-03-01 00:00:00 UTC\",\n"))
        #expect(text.contains("\n  \"tool\" : \"govstats\",\n  \"tool_version\" : \"0.0-test\"\n}\n"))
        #expect(RunManifest.isManifest(Data(text.utf8)))
        #expect(!RunManifest.isManifest(Data("{\"tool\": \"other\"}".utf8)))
        // Its inputs are read back as they were written.
        let inputs = try #require(RunManifest.inputs(Array(text.utf8)))
        #expect(inputs.count == text.components(separatedBy: "\"sha256\" : ").count - 1)
        #expect(inputs.first.map { $0.file.hasPrefix($0.dataset) } == true)
        #expect(RunManifest.inputs(Array("{\"tool\": \"other\", \"inputs\": []}".utf8)) == nil)
    }

    @Test func whatTheReplacedReportsReadAndTheNewOnesDoNotIsSaid() {
        func input(_ dataset: String, _ file: String, _ sha256: String) -> RunManifest.ListedInput {
            RunManifest.ListedInput(dataset: dataset, file: "\(dataset)/\(file)", sha256: sha256)
        }
        let before = [input("alarm_calls", "1.csv", "a1"), input("alarm_calls", "2.csv", "a2"), input("alarm_calls", "3.csv", "a3"),
                      input("burglary_reports", "1.csv", "b1"), input("burglary_reports", "2.csv", "b2"),
                      input("safe_community", "1.csv", "s1"), input("safe_community", "2.csv", "s2"), input("safe_community", "3.csv", "s3"),
                      input("safe_community", "4.csv", "s4"), input("safe_community", "5.csv", "s5")]
        // Nothing lost: the same files, one renamed (its content is read), one rewritten.
        let same = before.map { $0.file == "alarm_calls/2.csv" ? input("alarm_calls", "2b.csv", "a2") : $0.file == "alarm_calls/3.csv" ? input("alarm_calls", "3.csv", "new") : $0 }
        #expect(RunManifest.lost(before: before, after: same + [input("alarm_calls", "4.csv", "a4")]).isEmpty)
        let after = [input("alarm_calls", "1.csv", "a1"), input("alarm_calls", "3.csv", "a3"), input("safe_community", "5.csv", "s5")]
        #expect(RunManifest.lost(before: before, after: after) == [
            "alarm_calls: alarm_calls/2.csv, read for the reports this run replaces, is not in the data folder now, by name or by content: its rows are no longer counted",
            "burglary_reports: the reports this run replaces read 2 files of it, and this run reads none: it is left out of the new reports",
            "safe_community: 4 files read for the reports this run replaces are not in the data folder now, by name or by content (safe_community/1.csv, safe_community/2.csv, safe_community/3.csv and 1 more): their rows are no longer counted",
        ])
    }
}
