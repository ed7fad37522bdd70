import Schema
import Trends

/// The methodology section: a definition of every figure the pages show, with this run's
/// exact dates. The same section closes every page, so a printed page explains itself.
extension ReportBuilder {
    func methodology() -> ReportSection {
        var dates: [String] = []
        var spans: [String] = []
        for dataset in dated {
            guard let span = input.spans[dataset] else { continue }
            dates.append(words.say(
                "\(words.datasetName(dataset))数据 \(words.span(span.first, span.asOf))",
                "\(words.datasetName(dataset)): \(words.span(span.first, span.asOf))"))
            spans.append(words.say(
                "\(words.datasetName(dataset))为 \(words.span(span.ytdLabel))，对比 \(words.span(span.priorYtdLabel))",
                "\(words.datasetName(dataset)): \(words.span(span.ytdLabel)) against \(words.span(span.priorYtdLabel))"))
        }
        func thisRun(_ items: [String]) -> String {
            items.isEmpty ? "" : words.say("本次：", " In this run: ") + items.joined(separator: words.say("；", "; ")) + words.say("。", ".")
        }

        let definitions: [Definition] = [
            Definition(term: words.say("截至日期", "As-of date"), text: [.text(words.say(
                "数据集中最晚的记录日期（只有月份的记录，取该月最后一天）；首条记录日期是最早的记录日期。平安小区考评以考评期计，最新考评期是结束最晚的一期（同时结束时取年度）。",
                "The latest record date of a dataset (a record dated to the month alone counts as that month's last day); the first record date is the earliest. Safe-community assessments go by period; the latest period is the one that ends last (the year when several end together).") + thisRun(dates))]),
            Definition(term: words.say("计数", "Counts"), text: [.text(words.say(
                "每条不同记录（按记录编号；平安小区按小区编号与考评期）计一次，取其最终版本。区、街镇、小区取自该版本；无街镇的记录只计入区和全市。",
                "Each distinct record (by its key; for safe-community assessments, community and period) counts once, in its standing version; its district, street and community come from that version. A record with no street counts in its district and the city only."))]),
            Definition(term: words.say("指标", "Metrics"), text: [.text(metricDefinitions())]),
            Definition(term: words.say("同比", "Year on year"), text: [.text(words.say(
                "与上一年同一期间相比：年度对比上一年度；年初至今对比上一年的同一时段（2 月 29 日对应 2 月 28 日）。",
                "Against the same period a year earlier: a year against the year before; the year to date against the same span of the year before (29 February maps to 28 February)."))]),
            Definition(term: words.say("环比", "Period over period"), text: [.text(words.say(
                "与紧邻的上一期相比：月份对比上一个月，季度对比上一季度。",
                "Against the period just before: a month against the month before, a quarter against the quarter before."))]),
            Definition(term: words.say("年初至今", "Year to date"), text: [.text(words.say(
                "从数据最晚一年的 1 月 1 日到截至日期，对比上一年的同一时段。",
                "From 1 January of the latest year with data to the as-of date, against the same span a year earlier.") + thisRun(spans))]),
            Definition(term: words.say("变化率", "Change"), text: [.text(words.say(
                "（本期 − 上期）÷ 上期 × 100，保留一位小数，四舍五入；百分比旁写出增减的数量。上期为 0 或没有上期数据时不计算百分比。",
                "(this period − prior period) ÷ prior period × 100, to one decimal, with the change in counts beside it. No percentage when the prior value is 0 or there is no prior figure."))]),
            Definition(term: words.say("完整、进行中、不完整", "Complete, in progress, partial"), text: [.text(words.say(
                "一个期间完全处于首条记录日期至截至日期之间时为“完整”。包含截至日期、尚未结束的期间标为“进行中”，始于首条记录日期之前的期间标为“不完整”；两者都不与上期比较，不会显示为下降。上期不完整的比较会加注，且不列为要点或排名。年初至今总是与上一年的同一时段相比，视为完整。",
                "A period wholly inside the first record date .. as-of date is complete. A period that holds the as-of date is in progress; one that starts before the first record date is partial. Neither is compared with the period before, so neither is ever shown as a fall. A change against a partial prior period carries a note and is never headlined or ranked. The year to date always compares like with like and counts as complete."))]),
            Definition(term: words.say("小基数", "Small base"), text: [.text(words.say(
                "上期数量小于 10 时，百分比标为“小基数”，不用于要点和排名；要点中只写出两期的数量。达标率的参评小区少于 10 个时同样标注。",
                "When the prior value is under 10 the percentage is marked small base and never used in a headline or ranking; a headline states the two counts instead. A compliance rate on fewer than 10 assessed communities is marked the same way."))]),
            Definition(term: words.say("排名", "Rankings"), text: [.text(words.say(
                "各区按变化率排序，变化率相同的按区名排序。",
                "Districts are ordered by their rate of change; districts with the same rate, by name."))]),
            Definition(term: words.say("达标率", "Compliance rate"), text: [.text(words.say(
                "达标小区数 ÷ 参评小区数 × 100，一位小数，四舍五入；同时写出分子与分母。变化以百分点计，是两个精确比率之差，只舍入一次；对比同类的上一期（2017 年对比 2016 年，2017 年下半年对比上半年）。",
                "Compliant communities ÷ assessed communities × 100, one decimal, rounded half away from zero, shown with its numerator and denominator. The change is in percentage points: the exact difference of the two exact rates, rounded once, against the period before of the same kind (2016 before 2017, 2017 H1 before 2017 H2)."))]),
            Definition(term: words.say("重复与冲突", "Duplicates and conflicts"), text: [.text(words.say(
                "编号已出现过的有效行为重复（同一条记录在多个导出文件中出现）：内容相同则丢弃；内容不同则以较晚读到的版本替换（设了 latest_by 时以日期较晚的为准），并计为冲突。被 keep、drop 规则筛除的行不作校验、不计入任何数字。每个读入的数据行只有一种结果：接受、拒收、重复或筛除，因此读取行数 = 接受 + 拒收 + 重复 + 筛除。",
                "A valid row whose key was already seen is a duplicate (exports overlap): equal to the standing version, it is dropped; different, it replaces it (with latest_by, only when its date is not earlier) and also counts as a conflict. Rows left out by the keep and drop rules are filtered: never validated, never counted. Every row read is accepted, rejected, a duplicate or filtered, so rows read = accepted + rejected + duplicates + filtered."))]),
            Definition(term: words.say("拒收", "Rejected rows"), text: [.text(words.say(
                "字段数不符、缺少必填值或值无效的行不计入任何数字，逐行列于 rejects/<数据集>.csv，注明文件、行号、列与原因。",
                "Rows with the wrong number of fields, a required value missing or an invalid value count in no figure; each is listed in rejects/<dataset>.csv with its file, line, column and reason."))]),
            Definition(term: words.say("数据文件", "Data files"), text: [
                .text(words.say("页面上的每个趋势数字都在 ", "Every trend figure on these pages is in ")),
                .link("data/trends.csv", .file("data/trends.csv")),
                .text(words.say("，达标率在 ", ", every compliance rate in ")),
                .link("data/compliance.csv", .file("data/compliance.csv")),
                .text(words.say("，各文件的行处理结果在 ", ", and the row outcomes of every file in ")),
                .link("data/quality.csv", .file("data/quality.csv")),
                .text(words.say("。", ".")),
            ]),
        ]
        return ReportSection(level: 2, title: words.say("方法说明", "Methodology"), anchor: "methodology",
                             blocks: [.definitions(definitions)])
    }

    /// Each metric of each events dataset present, from its declaration: what it counts, by
    /// which column and patterns (the defaults, or those govstats.toml set).
    func metricDefinitions() -> String {
        var parts: [String] = []
        for dataset in dated {
            let datasetName = words.datasetName(dataset)
            let metrics = dataset.metrics.map { metric -> String in
                let name = words.metricName(metric.title)
                guard !metric.conditions.isEmpty else {
                    // A metric of the dataset's name, after it: not said twice (入室盗窃案件：全部记录).
                    if metric.name == dataset.metrics.first?.name, name == datasetName { return words.say("全部记录", "every record") }
                    return words.say("\(name)：全部记录", "\(name): every record")
                }
                let conditions = metric.conditions.map { condition -> String in
                    var text = words.say("\(condition.column.name) 为 \(condition.patterns) 之一", "\(condition.column.name) matches \(condition.patterns)")
                    if condition.absentMatches {
                        text += words.say("（文件没有该列时全部计入）", " (every record counts when its file has no such column)")
                    }
                    return text
                }
                return words.say("\(name)：\(conditions.joined(separator: "且"))的记录", "\(name): records whose \(conditions.joined(separator: " and "))")
            }
            parts.append(words.say("\(datasetName)：", "\(datasetName): ") + metrics.joined(separator: words.say("；", "; ")))
        }
        return parts.joined(separator: words.say("。", ". ")) + words.say(
            "。值为空的记录不计入按值筛选的指标；* 匹配任意一串字符，? 匹配一个字符。这些列表可在 govstats.toml 中另行配置。",
            ". A record with an empty value never counts in a metric that matches values; * matches any run of characters and ? one character. govstats.toml may set other lists.")
    }
}
