import CSVReading
import Schema
import Testing

@Suite struct GovStatsConfigTests {
    @Test func readsEveryKey() throws {
        let text = """
            # Exports from the new dispatch system
            [alarm_calls]
            columns = { call_id = "Incident Number", received_at = "Call Date", district = "Police District", category = "Call Type" }
            datetime_formats = ["MM/dd/yyyy hh:mm:ss a", "yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM"]
            encoding = "auto"            # auto (default), utf-8, gb18030 or big5
            theft_categories = ["THEFT", "BURGLARY", "盗窃"]
            alarm_call_types = ["报警"]

            [burglary_reports]
            columns = { case_id = "ID", reported_at = "Date", district = "District", community = "Community Area" }
            cleared_statuses = ["已破", "破案", "solved", "CLEARED"]
            encoding = "big5"

            [safe_community]
            encoding = "GB18030"
            datetime_formats = [
                "yyyy年M月",   # month precision
            ]
            [safe_community.columns]
            community_id = "Community ID"
            "score" = " Points "
            """
        let config = try GovStatsConfig.parse(text, file: "govstats.toml")

        var alarm = DatasetSettings()
        alarm.columns = [
            "call_id": "Incident Number", "received_at": "Call Date", "district": "Police District",
            "category": "Call Type",
        ]
        alarm.datetimeFormats = [
            try DatePattern("MM/dd/yyyy hh:mm:ss a"), try DatePattern("yyyy-MM-dd'T'HH:mm:ss.SSS"),
            try DatePattern("yyyy-MM"),
        ]
        alarm.encoding = .auto
        alarm.valueLists = ["theft_categories": PatternList(plain: ["THEFT", "BURGLARY", "盗窃"]), "alarm_call_types": PatternList(plain: ["报警"])]

        var burglary = DatasetSettings()
        burglary.columns = ["case_id": "ID", "reported_at": "Date", "district": "District", "community": "Community Area"]
        burglary.valueLists = ["cleared_statuses": PatternList(plain: ["已破", "破案", "solved", "CLEARED"])]
        burglary.encoding = .fixed(.big5)

        var safe = DatasetSettings()
        safe.encoding = .fixed(.gb18030)
        safe.datetimeFormats = [try DatePattern("yyyy年M月")]
        safe.columns = ["community_id": "Community ID", "score": "Points"]

        var expected = GovStatsConfig()
        expected.datasets = [.alarmCalls: alarm, .burglaryReports: burglary, .safeCommunity: safe]
        #expect(config == expected)
        let theft = config.resolve(.alarmCalls).metrics.first { $0.name == "theft_calls" }!
        #expect(theft.conditions == [Metric.Condition(column: TextColumn(index: 5, name: "category"), patterns: PatternList(plain: ["THEFT", "BURGLARY", "盗窃"]))])
        let defaults = GovStatsConfig().resolve(.alarmCalls).metrics.first { $0.name == "theft_calls" }!
        #expect(defaults.conditions[0].patterns == PatternList(plain: ["盗窃", "入室盗窃", "扒窃", "偷盗"]))
    }

    @Test func anEmptyFileKeepsTheDefaults() throws {
        #expect(try GovStatsConfig.parse("", file: "govstats.toml") == GovStatsConfig())
        #expect(try GovStatsConfig.parse("# nothing yet\n\n", file: "govstats.toml") == GovStatsConfig())
        let config = try GovStatsConfig.parse("[safe_community]\n", file: "govstats.toml")
        #expect(config.datasets == [.safeCommunity: DatasetSettings()])
        #expect(config[.alarmCalls] == DatasetSettings())
    }

    @Test func readsYears() throws {
        #expect(DatasetSettings().years == 1980...2099)
        let config = try GovStatsConfig.parse("[burglary_reports]\nyears = [2016, 2017]\n[safe_community]\nyears = [1, 9999]\n", file: "govstats.toml")
        #expect(config[.burglaryReports].years == 2016...2017)
        #expect(config[.safeCommunity].years == 1...9999)
        #expect(config[.alarmCalls].years == 1980...2099)
        #expect(try GovStatsConfig.parse("[alarm_calls]\nyears = [2017, 2017]\n", file: "govstats.toml")[.alarmCalls].years == 2017...2017)
    }

    /// An empty list would make a metric count nothing without a word: refused.
    @Test func emptyListsAreRefused() throws {
        #expect(throws: ConfigError(file: "govstats.toml", line: 2, message: "theft_categories is an empty list, which no value matches: list at least one pattern, or remove the key to use the default")) {
            try GovStatsConfig.parse("[alarm_calls]\ntheft_categories = []\n", file: "govstats.toml")
        }
        #expect(throws: ConfigError(file: "govstats.toml", line: 2, message: "cleared_statuses: an empty pattern matches no value (values are trimmed, and an empty one is missing)")) {
            try GovStatsConfig.parse("[burglary_reports]\ncleared_statuses = [\"\"]\n", file: "govstats.toml")
        }
    }

    @Test(arguments: [
        ("auto", EncodingSetting.auto), ("utf-8", .fixed(.utf8)), ("UTF-8", .fixed(.utf8)),
        ("gb18030", .fixed(.gb18030)), ("big5", .fixed(.big5)), ("Big5", .fixed(.big5)),
    ])
    func readsEncodings(_ name: String, _ expected: EncodingSetting) throws {
        let config = try GovStatsConfig.parse("[burglary_reports]\nencoding = \"\(name)\"\n", file: "govstats.toml")
        #expect(config[.burglaryReports].encoding == expected)
    }

    static let knownAlarmColumns =
        "call_id, received_at, district, street, call_type, category, response_seconds, disposition"
    static let patternLetters = "(supported: y M d H h m s S a; put literal letters in quotes, as in 'T')"

    @Test(arguments: [
        // unknown keys, sections and columns
        (
            "[alarm_calls]\nencoding = \"auto\"\ncolums = { call_id = \"ID\" }\n",
            "govstats.toml line 3: unknown key 'colums' in [alarm_calls] (known: columns, datetime_formats, encoding, years, keep, drop, latest_by, alarm_call_types, theft_categories)"
        ),
        (
            "[alarm_calls]\n\"colums\" = 1\n",
            "govstats.toml line 2: unknown key 'colums' in [alarm_calls] (known: columns, datetime_formats, encoding, years, keep, drop, latest_by, alarm_call_types, theft_categories)"
        ),
        (
            "[burglary_reports]\ntheft_categories = [\"盗窃\"]\n",
            "govstats.toml line 2: unknown key 'theft_categories' in [burglary_reports] (known: columns, datetime_formats, encoding, years, keep, drop, latest_by, cleared_statuses)"
        ),
        (
            "[safe_community]\ncleared_statuses = []\n",
            "govstats.toml line 2: unknown key 'cleared_statuses' in [safe_community] (known: columns, datetime_formats, encoding, years, keep, drop, latest_by, period_from, compliant_when)"
        ),
        (
            "[alarm_calls]\nencoding = \"auto\"\n\n[alarm_calls.extra]\nx = 1\n",
            "govstats.toml line 4: unknown key 'extra' in [alarm_calls] (known: columns, datetime_formats, encoding, years, keep, drop, latest_by, alarm_call_types, theft_categories)"
        ),
        (
            "# settings\nalarm_calls.colums = 1\n",
            "govstats.toml line 2: unknown key 'colums' in [alarm_calls] (known: columns, datetime_formats, encoding, years, keep, drop, latest_by, alarm_call_types, theft_categories)"
        ),
        (
            "[alarm_calls]\nencoding = \"auto\"\n[fire_calls]\nencoding = \"auto\"\n",
            "govstats.toml line 3: unknown section [fire_calls] (known: [alarm_calls], [burglary_reports], [safe_community], [report], [datasets.<name>]; a dataset of your own is declared as [datasets.fire_calls])"
        ),
        (
            "encoding = \"gb18030\"\n",
            "govstats.toml line 1: unknown key 'encoding' outside a section (sections: [alarm_calls], [burglary_reports], [safe_community], [report], [datasets.<name>])"
        ),
        (
            "[alarm_calls]\ncolumns = { call_id = \"ID\", caller = \"Caller\" }\n",
            "govstats.toml line 2: unknown column 'caller' in [alarm_calls] columns (known: \(knownAlarmColumns))"
        ),
        (
            "[alarm_calls.columns]\ncall_id = \"ID\"\n\n\"caller\" = \"Caller\"\n",
            "govstats.toml line 4: unknown column 'caller' in [alarm_calls] columns (known: \(knownAlarmColumns))"
        ),
        (
            "[burglary_reports]\ncolumns = { call_id = \"ID\" }\n",
            "govstats.toml line 2: unknown column 'call_id' in [burglary_reports] columns (known: case_id, reported_at, district, street, community, premises, loss_yuan, status)"
        ),
        // values
        (
            "[alarm_calls]\ncolumns = {}\ndatetime_formats = []\n\nencoding = \"latin1\"\n",
            "govstats.toml line 5: encoding must be one of auto, utf-8, gb18030, big5, not 'latin1'"
        ),
        (
            "[alarm_calls]\nencoding = 5\n",
            "govstats.toml line 2: encoding must be a string (one of auto, utf-8, gb18030, big5), not an integer"
        ),
        (
            "[alarm_calls]\ndatetime_formats = [\n  \"yyyy-MM\",\n  \"yyyy-QQ\",\n]\n",
            "govstats.toml line 4: datetime_formats: date pattern 'yyyy-QQ': unknown pattern letter 'Q' \(patternLetters)"
        ),
        (
            "[burglary_reports]\ndatetime_formats = [\"dd/MM\"]\n",
            "govstats.toml line 2: datetime_formats: date pattern 'dd/MM': no year (y, yy or yyyy)"
        ),
        (
            "[alarm_calls]\ndatetime_formats = \"yyyy-MM\"\n",
            "govstats.toml line 2: datetime_formats must be an array of strings, not a string"
        ),
        (
            "[alarm_calls]\ntheft_categories = [\"THEFT\",\n  1]\n",
            "govstats.toml line 3: theft_categories must be an array of strings, not an array holding an integer"
        ),
        (
            "[alarm_calls]\nalarm_call_types = true\n",
            "govstats.toml line 2: alarm_call_types must be an array of strings, not a boolean"
        ),
        (
            "[burglary_reports]\ncleared_statuses = [[\"已破\"]]\n",
            "govstats.toml line 2: cleared_statuses must be an array of strings, not an array holding an array"
        ),
        (
            "[alarm_calls]\ncolumns = \"Incident Number\"\n",
            "govstats.toml line 2: columns must be a table of column = \"header\", not a string"
        ),
        (
            "[alarm_calls]\ncolumns = { call_id = 5 }\n",
            "govstats.toml line 2: columns: the header for 'call_id' must be a string, not an integer"
        ),
        (
            "[alarm_calls]\ncolumns = { call_id = \"\u{3000}\" }\n",
            "govstats.toml line 2: columns: the header for 'call_id' must not be empty"
        ),
        (
            "[alarm_calls]\nyears = 1990\n",
            "govstats.toml line 2: years must be an array of two whole numbers, the first and the last year read (as [1990, 2030]), not an integer"
        ),
        (
            "[alarm_calls]\nyears = [1990]\n",
            "govstats.toml line 2: years must be an array of two whole numbers, the first and the last year read (as [1990, 2030]), not an array of 1"
        ),
        (
            "[burglary_reports]\nyears = [1990,\n  \"2030\"]\n",
            "govstats.toml line 3: years must be an array of two whole numbers, the first and the last year read (as [1990, 2030]), not an array holding a string"
        ),
        (
            "[safe_community]\nyears = [0, 2030]\n",
            "govstats.toml line 2: years: 0 is not a year from 1 to 9999"
        ),
        (
            "[alarm_calls]\nyears = [2030, 1990]\n",
            "govstats.toml line 2: years: the first year, 2030, is after the last, 1990"
        ),
        (
            "alarm_calls = 1\n",
            "govstats.toml line 1: alarm_calls must be a section [alarm_calls], not an integer"
        ),
        (
            "[[alarm_calls]]\nencoding = \"auto\"\n",
            "govstats.toml line 1: alarm_calls must be a section [alarm_calls], not an array"
        ),
        // the first problem in the text, whatever order TOMLKit keeps keys in
        (
            "[safe_community]\ncolour = 1\n[alarm_calls]\ncolums = {}\n",
            "govstats.toml line 2: unknown key 'colour' in [safe_community] (known: columns, datetime_formats, encoding, years, keep, drop, latest_by, period_from, compliant_when)"
        ),
        (
            "[alarm_calls]\ncolumns = { zeta = \"Z\", alpha = \"A\" }\n",
            "govstats.toml line 2: unknown column 'zeta' in [alarm_calls] columns (known: \(knownAlarmColumns))"
        ),
        (
            "[alarm_calls]\nencoding = \"big5\"\nz_key = 1\n[burglary_reports]\na_key = 1\n",
            "govstats.toml line 3: unknown key 'z_key' in [alarm_calls] (known: columns, datetime_formats, encoding, years, keep, drop, latest_by, alarm_call_types, theft_categories)"
        ),
        // text that only looks like keys: comments and multi-line strings
        (
            "[alarm_calls]\n# colums = 1\ntheft_categories = [\"\"\"\n[burglary_reports]\ncolums = 1\"\"\", 'x']\ncolums = 2\n",
            "govstats.toml line 6: unknown key 'colums' in [alarm_calls] (known: columns, datetime_formats, encoding, years, keep, drop, latest_by, alarm_call_types, theft_categories)"
        ),
    ])
    func refuses(_ text: String, _ expected: String) {
        let error = #expect(throws: ConfigError.self) { try GovStatsConfig.parse(text, file: "govstats.toml") }
        #expect(error?.description == expected)
    }

    @Test(arguments: [
        (
            "[alarm_calls]\nencoding = \"auto\n",
            "govstats.toml line 2: malformed TOML: Error while parsing string: unescaped control characters other than TAB (U+0009) are explicitly prohibited"
        ),
        (
            "[alarm_calls\nencoding = \"auto\"\n",
            "govstats.toml line 1: malformed TOML: Error while parsing table header: expected ']', saw '\\n'"
        ),
        (
            "[alarm_calls]\nencoding = \"auto\"\nencoding = \"big5\"\n",
            "govstats.toml line 3: malformed TOML: Error while parsing key-value pair: cannot redefine existing string 'encoding'"
        ),
        (
            "[alarm_calls]\n\ncolumns = { call_id = }\n",
            "govstats.toml line 3: malformed TOML: Error while parsing key-value pair: expected value, saw '}'"
        ),
    ])
    func malformedTOMLNamesTheLine(_ text: String, _ expected: String) {
        let error = #expect(throws: ConfigError.self) { try GovStatsConfig.parse(text, file: "govstats.toml") }
        #expect(error?.description == expected)
    }

    @Test(arguments: [
        ("\u{FEFF}[alarm_calls]\nencoding = \"big5\"\ncolums = 1\n", "govstats.toml line 3: unknown key 'colums' in [alarm_calls] (known: columns, datetime_formats, encoding, years, keep, drop, latest_by, alarm_call_types, theft_categories)"),
        ("[alarm_calls]\r\nencoding = \"big5\"\r\ncolums = 1\r\n", "govstats.toml line 3: unknown key 'colums' in [alarm_calls] (known: columns, datetime_formats, encoding, years, keep, drop, latest_by, alarm_call_types, theft_categories)"),
    ])
    func namesLinesInFilesFromWindows(_ text: String, _ expected: String) {
        let error = #expect(throws: ConfigError.self) { try GovStatsConfig.parse(text, file: "govstats.toml") }
        #expect(error?.description == expected)
    }

    @Test func errorWithoutALine() {
        #expect(ConfigError(file: "x.toml", line: nil, message: "m").description == "x.toml: m")
        #expect(ConfigError(file: "x.toml", line: 3, message: "m").description == "x.toml line 3: m")
    }
}
