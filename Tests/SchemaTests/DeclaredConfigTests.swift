import Schema
import Testing

/// The v2 keys of govstats.toml: declared datasets, filters, patterns, latest_by,
/// compliance rules and [report]; every key that cannot apply is refused with its line.
@Suite struct DeclaredConfigTests {
    @Test func readsADeclaredEventsDataset() throws {
        let config = try GovStatsConfig.parse("""
            [report]
            city = "Milwaukee"
            max_districts = 500

            [datasets.hotline_12345]
            kind = "events"
            title = { zh = "12345 市民热线", en = "12345 citizen hotline" }
            columns = { id = "工单编号", at = "受理时间", district = "所属区", street = "街镇", category = "诉求类型" }
            datetime_formats = ["yyyy/M/d H:mm"]
            keep = { "工单状态" = ["已办结", "办理中"] }
            metrics.complaints = { title = { zh = "投诉", en = "Complaints" }, where = { category = ["投诉*"] } }
            """, file: "govstats.toml")
        #expect(config.cityName == "Milwaukee")
        #expect(config.maxDistricts == 500)
        let hotline = try #require(config.allDatasets.first { $0.name == "hotline_12345" })
        #expect(hotline.kind == .events)
        #expect(hotline.title == Words(zh: "12345 市民热线", en: "12345 citizen hotline"))
        #expect(hotline.metrics.map(\.name) == ["count", "complaints"])
        #expect(hotline.metrics[1].conditions == [Metric.Condition(column: TextColumn(index: 5, name: "category"), patterns: PatternList([try Pattern("投诉*")]))])
        #expect(hotline.settings.keep == [RowFilter(column: "工单状态", patterns: PatternList(plain: ["已办结", "办理中"]))])
        #expect(hotline.settings.columns["at"] == "受理时间")
        #expect(config.allDatasets.map(\.name) == ["alarm_calls", "burglary_reports", "safe_community", "hotline_12345"])
    }

    @Test func readsADeclaredAssessmentsDataset() throws {
        let config = try GovStatsConfig.parse("""
            [datasets.fire_inspections]
            kind = "assessments"
            title = { zh = "消防安全检查", en = "Fire safety inspections" }
            columns = { unit_id = "建筑编号", unit = "建筑名称", district = "所属区", assessed_at = "检查日期", compliant = "检查结果" }
            period_from = "quarter"
            compliant_when = { values = ["合格", "基本合格"] }
            latest_by = "assessed_at"
            """, file: "govstats.toml")
        let fire = try #require(config.allDatasets.first { $0.name == "fire_inspections" })
        #expect(fire.kind == .assessments)
        #expect(fire.keyColumns == ["unit_id", "period"])
        #expect(fire.column(named: "period")?.derivation == .period(from: "assessed_at", .quarter))
        #expect(fire.column(named: "assessed_at")?.required == true)
        #expect(fire.column(named: "compliant")?.type == .verdict(PatternList(plain: ["合格", "基本合格"])))
        #expect(fire.settings.latestBy == "assessed_at")
    }

    @Test func scoreAtLeastDerivesCompliance() throws {
        let config = try GovStatsConfig.parse("[safe_community]\ncompliant_when = { score_at_least = 70 }\n", file: "govstats.toml")
        let safe = config.resolve(.safeCommunity)
        #expect(safe.column(named: "compliant")?.derivation == .scoreAtLeast(column: "score", ExactDecimal(canonical: "70")))
        #expect(safe.column(named: "score")?.required == true)
        #expect(safe.column(named: "period")?.required == true)
    }

    @Test(arguments: [
        ("[datasets.Hotline]\nkind = \"events\"\n", "govstats.toml line 1: dataset name 'Hotline' must be lowercase letters, digits and _, starting with a letter"),
        ("[datasets.alarm_calls]\nkind = \"events\"\n", "govstats.toml line 1: [datasets.alarm_calls]: alarm_calls is a built-in dataset: configure it in its own section [alarm_calls]"),
        ("[datasets.x]\ntitle = { zh = \"x\", en = \"x\" }\n", "govstats.toml line 1: [datasets.x] needs kind = \"events\" or kind = \"assessments\""),
        ("[datasets.x]\nkind = \"counts\"\ntitle = { zh = \"x\", en = \"x\" }\n", "govstats.toml line 2: kind must be \"events\" or \"assessments\", not 'counts'"),
        ("[datasets.x]\nkind = \"events\"\ntitle = { zh = \"x\" }\n", "govstats.toml line 3: title needs both zh and en: title = { zh = \"…\", en = \"…\" }"),
        ("[datasets.x]\nkind = \"events\"\n", "govstats.toml line 1: [datasets.x] needs title = { zh = \"…\", en = \"…\" }"),
        ("[datasets.x]\nkind = \"events\"\ntitle = { zh = \"x\", en = \"x\" }\nmetrics.count = { title = { zh = \"a\", en = \"a\" }, where = { category = [\"a\"] } }\n",
         "govstats.toml line 4: metric name 'count' is taken (every record): choose another"),
        ("[datasets.x]\nkind = \"events\"\ntitle = { zh = \"x\", en = \"x\" }\nmetrics.m = { title = { zh = \"a\", en = \"a\" }, where = { at = [\"a\"] } }\n",
         "govstats.toml line 4: metrics.m: where names 'at', which is not a text column of x that a metric can read (those are: district, street, community, category)"),
        ("[datasets.x]\nkind = \"events\"\ntitle = { zh = \"x\", en = \"x\" }\n"
            + (1...9).map { "metrics.m\($0) = { title = { zh = \"a\", en = \"a\" }, where = { category = [\"a\"] } }\n" }.joined(),
         "govstats.toml line 4: at most 8 metrics in a dataset, not 9: trends count each set of metrics a record is in, which doubles with every metric"),
        ("[datasets.x]\nkind = \"assessments\"\ntitle = { zh = \"x\", en = \"x\" }\ntheft_categories = [\"a\"]\n",
         "govstats.toml line 4: unknown key 'theft_categories' in [datasets.x] (known: kind, title, columns, datetime_formats, encoding, years, keep, drop, latest_by, period_from, compliant_when)"),
        ("[alarm_calls]\nperiod_from = \"year\"\n",
         "govstats.toml line 2: unknown key 'period_from' in [alarm_calls] (known: columns, datetime_formats, encoding, years, keep, drop, latest_by, alarm_call_types, theft_categories)"),
        ("[alarm_calls]\nlatest_by = \"category\"\n", "govstats.toml line 2: latest_by = 'category' cannot apply: it must name a datetime column of alarm_calls (received_at)"),
        ("[safe_community]\nperiod_from = \"month\"\n", "govstats.toml line 2: period_from must be \"year\", \"half\" or \"quarter\", not 'month'"),
        ("[safe_community]\ncompliant_when = { score_at_least = 170 }\n", "govstats.toml line 2: score_at_least must be a number from 0 to 100"),
        ("[safe_community]\ncompliant_when = { score = 70 }\n", "govstats.toml line 2: compliant_when must be { score_at_least = N } or { values = [\"pattern\", …] }"),
        ("[alarm_calls]\nkeep = { category = [] }\n", "govstats.toml line 2: keep for category is an empty list, which no value matches: list at least one pattern, or remove the key to use the default"),
        ("[alarm_calls]\ndrop = { \"警情类别\" = [] }\n", "govstats.toml line 2: drop for 警情类别 is an empty list, which no value matches: list at least one pattern, or remove the key to use the default"),
        // A Chinese header as a bare key, which TOML does not allow: say to quote it.
        ("[alarm_calls]\nkeep = { 警情类别 = [\"盗窃\"] }\n", "govstats.toml line 2: malformed TOML: Error while parsing inline table: expected key or closing '}', saw '警' (a key that is not ASCII letters, digits, _ and - must be quoted: \"警情类别\" = …)"),
        ("[alarm_calls]\nencoding = \"GBK\"\n", "govstats.toml line 2: encoding must be one of auto, utf-8, gb18030, big5, not 'GBK' (gb18030 reads GBK files: write encoding = \"gb18030\")"),
        ("[alarm_calls]\nencoding = \"latin1\"\n", "govstats.toml line 2: encoding must be one of auto, utf-8, gb18030, big5, not 'latin1'"),
        ("[alarm_calls]\ntheft_categories = [\"a\\\\b\"]\n", "govstats.toml line 2: theft_categories: pattern 'a\\b': '\\b' is not an escape (only \\*, \\? and \\\\ are)"),
        ("[alarm_calls]\ncolumns = { call_id = \"district\" }\n", "govstats.toml line 2: columns: header 'district' would be read as both 'call_id' and 'district': map each column to a header of its own"),
        ("[alarm_calls]\ncolumns = { call_id = \"Beat\", district = \"beat\" }\n", "govstats.toml line 2: columns: header 'Beat' would be read as both 'call_id' and 'district': map each column to a header of its own"),
        ("[report]\ncity = \"\"\n", "govstats.toml line 2: city must not be empty"),
        ("[report]\ncity = \"全\\u202E市\"\n", "govstats.toml line 2: city: holds an invisible format character (U+202E), which makes a name look like another"),
        ("[report]\nmax_districts = 0\n", "govstats.toml line 2: max_districts must be a whole number of at least 1, not 0"),
        ("[report]\ntitle = \"x\"\n", "govstats.toml line 2: unknown key 'title' in [report] (known: city, max_districts)"),
    ])
    func refuses(_ text: String, _ expected: String) {
        var refusal: ConfigError?
        do { _ = try GovStatsConfig.parse(text, file: "govstats.toml") } catch { refusal = error }
        #expect(refusal?.description == expected)
    }
}
