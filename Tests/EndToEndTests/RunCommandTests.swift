import Foundation
import Testing
import TestSupport

/// Runs `govstats run` on the committed datasets once per process and shares the output.
enum SampleReports {
    static let folder: TemporaryDirectory = {
        let folder = try! TemporaryDirectory("reports")
        let result = try! GovStatsBinary.run(["run", "--data", repositoryRoot() + "/datasets", "--out", folder.path + "/out", "--quiet"])
        precondition(result.status == 0, "govstats run failed: \(result.stderr)")
        return folder
    }()

    static func csv(_ name: String) throws -> [[String]] {
        try folder.read("out/data/" + name).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// The trends row for these leading fields, as `value prior change complete`.
    static func trend(_ fields: [String]) throws -> String? {
        try csv("trends.csv").first { Array($0.prefix(fields.count)) == fields }.map { $0[6...].joined(separator: " ") }
    }
}

@Suite struct PublishedFiguresTests {
    @Test func baoshanAlarmCalls() throws {
        let year = try #require(try SampleReports.trend(["alarm_calls", "alarm_calls", "district", "宝山区", "year", "2017"]))
        #expect(year.hasSuffix("-30.2 true"))
        let ytd = try #require(try SampleReports.trend(["alarm_calls", "alarm_calls", "district", "宝山区", "ytd", "2018-01-01..2018-02-28"]))
        #expect(ytd.hasSuffix("-26.9 true"))
        let theft = try #require(try SampleReports.trend(["alarm_calls", "theft_calls", "district", "宝山区", "ytd", "2018-01-01..2018-02-28"]))
        #expect(theft.hasSuffix("-42.0 true"))
    }

    @Test func kangchengBurglaries() throws {
        let y2016 = try #require(try SampleReports.trend(["burglary_reports", "burglaries", "community", "闵行区/康城", "year", "2016"]))
        #expect(y2016.hasSuffix("-50.0 true"))
        let y2017 = try #require(try SampleReports.trend(["burglary_reports", "burglaries", "community", "闵行区/康城", "year", "2017"]))
        #expect(y2017.hasSuffix("-80.0 true"))
    }

    @Test func minhangCompliance() throws {
        let row = try #require(try SampleReports.csv("compliance.csv").first { $0.prefix(4) == ["safe_community", "district", "闵行区", "2017"] })
        #expect(row[6] == "80.0")
    }

    @Test func qualityAddsUp() throws {
        let rows = try SampleReports.csv("quality.csv")
        #expect(rows[0] == ["dataset", "file", "rows_read", "accepted", "rejected", "duplicates", "conflicts", "filtered"])
        for row in rows.dropFirst() {
            let numbers = row[2...].map { Int($0)! }
            #expect(numbers[0] == numbers[1] + numbers[2] + numbers[3] + numbers[5], "\(row)")
            #expect(numbers[4] <= numbers[3])
        }
    }

    /// Digits and dates among Chinese words have a space on each side; a folded part's
    /// summary is not said again in Markdown above the heading it folds.
    @Test func chineseWordsAroundFiguresAndFoldedHeadings() throws {
        let calls = try SampleReports.folder.read("out/alarm_calls.md")
        #expect(calls.contains("；按 2017 年数量从多到少排列）**"))
        #expect(!calls.contains("按2017"))
        let index = try SampleReports.folder.read("out/index.md")
        #expect(index.contains(" |\n\n## 各区对比\n"))
        #expect(!index.contains("**各区对比**"))
        #expect(!index.contains("**方法说明**"))
        #expect(try SampleReports.folder.read("out/index.html").contains("<summary>"))
    }

    /// A month with no record amid months of a dozen or more is most likely an export that
    /// is missing: a change over it is given in counts, with that reason, and not headlined.
    /// Amid months of two, a month of none is a quiet month, and changes are as usual.
    @Test func aChangeOverAMonthWithoutRecordsIsNotHeadlined() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        func export(perMonth: Int) -> String {
            var rows = alarmHeader
            var id = 0
            for year in [2016, 2017] {
                for month in 1...12 where !(year == 2017 && month == 3) {
                    for day in 1...(perMonth + (year == 2016 ? 1 : 0)) {
                        id += 1
                        rows += "A\(id),\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day),宝山区,,报警,盗窃,,\n"
                    }
                }
            }
            // The last record on 2017-12-31: 2017 is a complete year.
            return rows + "Z1,2017-12-31,宝山区,,报警,盗窃,,\n"
        }
        try folder.write("busy/alarm_calls.csv", export(perMonth: 12))
        try folder.write("quiet/alarm_calls.csv", export(perMonth: 2))
        for name in ["busy", "quiet"] {
            let run = try GovStatsBinary.run(["run", "--data", folder.path + "/" + name, "--out", folder.path + "/" + name + "-out", "--quiet"])
            #expect(run.status == 0)
            #expect(run.stderr == "govstats: warning: alarm_calls: no record citywide in 2017-03, with records before and after: an export may be missing (see Data quality in alarm_calls.md)\n")
        }
        // 2016: 13 a month, 156; 2017: 12 a month but March, and the last, 133.
        let busy = try folder.read("busy-out/index.md")
        #expect(busy.contains("- 全市 2017 年接警总数 133 起，上年 156 起（含可能缺少导出的月份，不计算百分比）\n"))
        #expect(busy.contains("- 接警总数 · 2017 年 **133 起** 上年同期 156 起（含可能缺少导出的月份，不计算百分比） · "))
        #expect(busy.contains("| [宝山区](district-宝山区.md) | 133 | 156 | ▼ 下降 14.7%（减少 23 起，含可能缺少导出的月份） |"))
        #expect(!busy.contains("同比下降"))
        let quiet = try folder.read("quiet-out/index.md")
        #expect(quiet.contains("- 全市 2017 年接警总数 23 起，同比下降 36.1%（减少 13 起）\n"))
    }

    /// The community tables of a dataset of two metrics share the rows of the first, in its
    /// order; the caption of the second says so.
    @Test func aCitywideRateOfSomeDistrictsNamesThem() throws {
        let page = try SampleReports.folder.read("out/safe_community.md")
        #expect(page.contains("**全市平安小区达标率（半年）（仅 徐汇区、浦东新区参评）** "))
    }

    @Test func communityTablesNameTheMetricTheyAreOrderedBy() throws {
        let page = try SampleReports.folder.read("out/burglary_reports.md")
        #expect(page.contains("**已破入室盗窃案件：各小区（2017 年对比 2016 年；年初至今 2018-01-01 至 2018-02-28，上年同期 2017-01-01 至 2017-02-28；各表均按入室盗窃案件 2017 年变化的绝对数量排列，入室盗窃案件各期均为 0 的小区不列出；列出前 30 个，共 520 个，全部见 data/trends.csv）**\n"))
    }

    /// A district tile places a rise among the rises: 虹口区's burglaries rose the most of
    /// the 16 districts (+36.7%), and its alarm calls fell the tenth most.
    @Test func aDistrictThatRoseIsRankedAmongTheRises() throws {
        let page = try SampleReports.folder.read("out/district-虹口区.md")
        #expect(page.contains("- 入室盗窃案件 · 2017 年 **41 起** ▲ 36.7%（增加 11 起） · 年初至今 7 起，上年同期 1 起（小基数，不计算百分比） · 全市 ▼ 9.4%（减少 90 起） · 升幅在 16 个区中排第 1\n"))
        #expect(page.contains("- 接警总数 · 2017 年 **278 起** ▼ 3.1%（减少 9 起） · 年初至今 39 起，▼ 2.5%（减少 1 起） · 全市 ▼ 5.5%（减少 535 起） · 降幅在 16 个区中排第 10\n"))
    }
}

@Suite struct RunCommandTests {
    @Test func twoRunsGiveIdenticalBytes() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        let data = repositoryRoot() + "/datasets"
        let first = try GovStatsBinary.run(["run", "--data", data, "--out", folder.path + "/one", "--jobs", "1"])
        let second = try GovStatsBinary.run(["run", "--data", data, "--out", folder.path + "/two", "--jobs", "2"])
        #expect(first.status == 0 && second.status == 0)
        #expect(first.stderr == "" && second.stderr == "")
        let files = listFiles(folder.path + "/one")
        #expect(files == listFiles(folder.path + "/two"))
        #expect(files.contains("index.html") && files.contains("run.json") && files.contains("rejects/alarm_calls.csv"))
        for file in files {
            let one = FileManager.default.contents(atPath: folder.path + "/one/" + file)
            let two = FileManager.default.contents(atPath: folder.path + "/two/" + file)
            #expect(one == two, "\(file) differs")
        }
        // No absolute path or output folder name in any output.
        for file in files {
            let text = try folder.read("one/" + file)
            #expect(!text.contains(folder.path), "\(file) names the folder")
        }
    }

    @Test func refusedDataPublishesNothing() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        try folder.write("good/alarm_calls.csv", alarmHeader + "A1,2017-03-05,宝山区,,报警,盗窃,,\n")
        try folder.write("bad/alarm_calls.csv", "call_id\nA1\n")
        let good = try GovStatsBinary.run(["run", "--data", folder.path + "/good", "--out", folder.path + "/out"])
        #expect(good.status == 0)
        let before = listFiles(folder.path + "/out").map { ($0, FileManager.default.contents(atPath: folder.path + "/out/" + $0)) }
        let bad = try GovStatsBinary.run(["run", "--data", folder.path + "/bad", "--out", folder.path + "/out"])
        #expect(bad.status == 3)
        #expect(bad.stderr == "govstats: alarm_calls.csv: file refused: missing required columns 'received_at', 'district', 'category' (the header is: call_id); if the file has it under another name, say so in govstats.toml, in its [alarm_calls] section: columns = { received_at = \"<header>\", district = \"<header>\", category = \"<header>\" } (read as utf-8)\n")
        let after = listFiles(folder.path + "/out").map { ($0, FileManager.default.contents(atPath: folder.path + "/out/" + $0)) }
        #expect(before.map(\.0) == after.map(\.0))
        #expect(before.map(\.1) == after.map(\.1))
        // No staging folder is left behind; the run state is the good run's.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [".out.lock", ".out.state", "bad", "good", "out"])
    }

    /// Publishing removes what stood at `--out`: only nothing, an empty folder or earlier
    /// reports are replaced. Anything else is refused (exit 2) before a file is made, and
    /// is left as it was.
    @Test func outMustBeNewEmptyOrEarlierReports() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        try folder.write("data/alarm_calls.csv", alarmHeader + "A1,2017-03-05,宝山区,,报警,盗窃,,\n")
        try folder.write("data/govstats.toml", "")
        try folder.write("notes.txt", "kept")
        try folder.write("docs/a.md", "kept")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/link", withDestinationPath: folder.path + "/docs")
        try folder.write("reports/index.md", "not from govstats")
        try folder.write("reports/run.json", "{\n  \"tool\": \"other\",\n}\n")
        let rule = "govstats replaces the whole --out folder, so it must be a new or empty folder or earlier reports"
        let refused: [([String], String)] = [
            (["--out", "data"], "--out data is the input data (\(rule))"),
            (["--out", "data/"], "--out data is the input data (\(rule))"),
            (["--out", "."], "--out must name a folder that govstats may replace, not '.'"),
            (["--out", "docs/.."], "--out must name a folder that govstats may replace, not 'docs/..'"),
            (["--out", "notes.txt"], "--out notes.txt is a file, not a folder (\(rule))"),
            (["--out", "link"], "--out link is a symbolic link: name the folder itself (\(rule))"),
            (["--out", "docs"], "--out docs holds files but no run.json of a govstats run (\(rule))"),
            (["--out", "reports"], "--out reports holds files but no run.json of a govstats run (\(rule))"),
        ]
        for (arguments, message) in refused {
            let result = try GovStatsBinary.run(["run", "--data", "data", "--quiet"] + arguments, in: folder.path)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr == "govstats: \(message)\n")
        }
        try FileManager.default.createDirectory(atPath: folder.path + "/top", withIntermediateDirectories: true)
        try folder.write("top/data/alarm_calls.csv", alarmHeader + "A1,2017-03-05,宝山区,,报警,盗窃,,\n")
        let holding = try GovStatsBinary.run(["run", "--data", "top/data", "--out", "top", "--quiet"], in: folder.path)
        #expect(holding.status == 2)
        #expect(holding.stderr == "govstats: --out top holds the input top/data (\(rule))\n")
        // Nothing was made or removed.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["data", "docs", "link", "notes.txt", "reports", "top"])
        #expect(try folder.read("notes.txt") == "kept" && folder.read("docs/a.md") == "kept" && folder.read("reports/index.md") == "not from govstats")
        #expect(try folder.read("data/alarm_calls.csv").hasPrefix(alarmHeader))
        // A new folder, an empty one, and earlier reports are replaced.
        try FileManager.default.createDirectory(atPath: folder.path + "/empty", withIntermediateDirectories: true)
        for out in ["new", "empty", "new"] {
            let result = try GovStatsBinary.run(["run", "--data", "data", "--out", out, "--quiet"], in: folder.path)
            #expect(result.status == 0 && result.stderr.isEmpty, "\(out): \(result.stderr)")
            #expect(folder.exists(out + "/run.json"))
        }
        // Not even earlier reports when they hold the config.
        try folder.write("new/govstats.toml", "")
        let config = try GovStatsBinary.run(["run", "--data", "data", "--config", "new/govstats.toml", "--out", "new", "--quiet"], in: folder.path)
        #expect(config.status == 2)
        #expect(config.stderr == "govstats: --out new holds the input new/govstats.toml (\(rule))\n")
    }

    @Test func secondRunExits1WhileTheLockIsHeld() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        try folder.write("data/alarm_calls.csv", alarmHeader + "A1,2017-03-05,宝山区,,报警,盗窃,,\n")
        let lockPath = folder.path + "/.out.lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT, 0o644)
        #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        let blocked = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/out"])
        #expect(blocked.status == 1)
        #expect(blocked.stderr == "govstats: another govstats run is writing \(folder.path)/out: the lock \(lockPath) is held\n")
        #expect(!folder.exists("out"))
        close(descriptor)
        let free = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/out"])
        #expect(free.status == 0)
    }

    @Test func staleStagingIsCleanedAndClockOnlyFromSourceDateEpoch() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        try folder.write("data/alarm_calls.csv", alarmHeader + "A1,2017-03-05,宝山区,,报警,盗窃,,\n")
        try folder.write(".out.staging-99999/index.html", "stale")
        let result = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/out"], environment: ["SOURCE_DATE_EPOCH": "1520208000"])
        #expect(result.status == 0)
        #expect(!folder.exists(".out.staging-99999"))
        #expect(try folder.read("out/run.json").contains("\"generated_at\" : \"2018-03-05 00:00:00 UTC\""))
        let plain = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/plain"])
        #expect(plain.status == 0)
        #expect(try folder.read("plain/run.json").contains("\"generated_at\" : null"))
        // Every dataset present gets a rejects file, header alone when nothing was rejected.
        #expect(try folder.read("plain/rejects/alarm_calls.csv") == "file,line,column,reason,record\n")
        #expect(!folder.exists("plain/rejects/burglary_reports.csv"))
    }

    /// SOURCE_DATE_EPOCH is checked before anything is read: a date past 9999 used to be
    /// blamed on the system clock (exit 1).
    @Test(arguments: ["abc", "-1", "253402214400", "99999999999999999999"])
    func aSourceDateEpochThatIsNoDateIsAUsageError(epoch: String) throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        try folder.write("data/alarm_calls.csv", alarmHeader + "A1,2017-03-05,宝山区,,报警,盗窃,,\n")
        let message = "govstats: SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01, up to 253402214399 (9999-12-30), not '\(epoch)'\n"
        for command in [["run", "--out", folder.path + "/out"], ["validate"]] {
            let result = try GovStatsBinary.run(command + ["--data", folder.path + "/data"], environment: ["SOURCE_DATE_EPOCH": epoch, "TZ": "Pacific/Kiritimati"])
            #expect(result.status == 2)
            #expect(result.stderr == message)
        }
        let latest = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/out", "--quiet"], environment: ["SOURCE_DATE_EPOCH": "253402214399", "TZ": "Pacific/Kiritimati"])
        #expect(latest.status == 0)
        #expect(try folder.read("out/run.json").contains("\"generated_at\" : \"9999-12-30 23:59:59 UTC\""))
    }

    /// Earlier reports are removed whole, whatever names they hold: a file whose name is not
    /// UTF-8 (a GBK name) used to keep the old folder beside the new reports for ever, and a
    /// link inside is removed, never followed.
    @Test func earlierReportsGoWholeWhateverTheirNames() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        try folder.write("data/alarm_calls.csv", alarmHeader + "A1,2017-03-05,宝山区,,报警,盗窃,,\n")
        try folder.write("kept/notes.txt", "not ours")
        let arguments = ["run", "--data", folder.path + "/data", "--out", folder.path + "/out", "--quiet"]
        #expect(try GovStatsBinary.run(arguments).status == 0)
        // 说明.txt in GBK, in the reports and in a folder under them; a stale staging folder
        // holding one too; and a link to a folder that is not the reports'.
        func makeFile(_ folderPath: String, _ name: [UInt8]) {
            let raw = Array((folder.path + "/" + folderPath + "/").utf8) + name
            let descriptor = (raw.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) }
            #expect(descriptor >= 0)
            close(descriptor)
        }
        let gbk: [UInt8] = [0xCB, 0xB5, 0xC3, 0xF7] + Array(".txt".utf8)
        try folder.write("out/extra/x.txt", "x")
        makeFile("out", gbk)
        makeFile("out/extra", gbk)
        try folder.write(".out.staging-99999/index.html", "stale")
        makeFile(".out.staging-99999", gbk)
        #expect(symlink(folder.path + "/kept", folder.path + "/out/extra/link") == 0)
        let second = try GovStatsBinary.run(arguments)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [".out.lock", ".out.state", "data", "kept", "out"])
        #expect(try folder.read("kept/notes.txt") == "not ours")
        // The reports are those of a run into a new folder, and nothing else.
        let fresh = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/fresh", "--quiet"])
        #expect(fresh.status == 0)
        #expect(listFiles(folder.path + "/out") == listFiles(folder.path + "/fresh"))
    }

    @Test func hostileValuesStayText() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        try folder.write("data/alarm_calls.csv", alarmHeader
            + "A1,2017-03-05,<script>alert(1)</script>,,报警,盗窃,,\n"
            + "A2,2017-03-05,../../etc/passwd,,报警,盗窃,,\n"
            + "A3,2017-03-05,\"=HYPERLINK(\"\"http://x\"\")\",,报警,盗窃,,\n"
            + "=A4,2017-02-30,宝山区,,报警,盗窃,,\n")
        let result = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/out", "--max-reject-pct", "50"])
        #expect(result.status == 0, "\(result.stderr)")
        let files = listFiles(folder.path + "/out")
        // Every page stays inside the output folder, and no page name carries a path.
        #expect(files.allSatisfy { name in
            !name.contains("..") && (["data/", "rejects/", "charts/"].contains { name.hasPrefix($0) && !name.dropFirst($0.count).contains("/") } || !name.contains("/"))
        })
        for file in files where file.hasSuffix(".html") {
            let html = try folder.read("out/" + file)
            #expect(!html.contains("<script"), "\(file)")
        }
        #expect(try folder.read("out/index.html").contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        let trends = try folder.read("out/data/trends.csv")
        #expect(trends.contains("alarm_calls,alarm_calls,district,\"'=HYPERLINK(\"\"http://x\"\")\",year,2017,1,0,,false"))
        #expect(try folder.read("out/rejects/alarm_calls.csv").contains("alarm_calls.csv,5,received_at,'2017-02-30' is not a valid date and time,\"'=A4,2017-02-30,"))
    }

    /// A month without a record citywide inside the data's span (an export missing) is said
    /// on standard error, which a cron job mails, and in the dataset page's data quality.
    @Test func emptyMonthsAreWarnedOf() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        try folder.write("data/alarm_calls.csv", alarmHeader
            + "A1,2017-01-05,宝山区,,报警,盗窃,,\nA2,2017-02-05,宝山区,,报警,盗窃,,\nA3,2017-05-05,宝山区,,报警,盗窃,,\n")
        let zh = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/zh", "--quiet"])
        #expect(zh.status == 0)
        #expect(zh.stderr == "govstats: warning: alarm_calls: no record citywide in 2017-03, 2017-04, with records before and after: an export may be missing (see Data quality in alarm_calls.md)\n")
        #expect(try folder.read("zh/alarm_calls.md").contains("**可能缺少导出文件：**2017-03、2017-04 全市没有一条记录，而前后月份都有。"))
        let en = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/en", "--lang", "en", "--quiet"])
        #expect(en.stderr == zh.stderr)
        #expect(try folder.read("en/alarm_calls.md").contains("**An export may be missing:** no record at all citywide in 2017-03, 2017-04, with records before and after."))
        #expect(try folder.read("en/alarm_calls.html").contains("<strong>An export may be missing:</strong> no record at all citywide in 2017-03, 2017-04"))
        // Without the gap: no warning, no paragraph.
        try folder.write("data/alarm_calls.csv", alarmHeader + "A1,2017-01-05,宝山区,,报警,盗窃,,\nA2,2017-02-05,宝山区,,报警,盗窃,,\n")
        let whole = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/zh", "--quiet"])
        #expect(whole.status == 0 && whole.stderr == "")
        #expect(try !folder.read("zh/alarm_calls.md").contains("可能缺少"))
    }

    /// Placeholder dates are rejected rows, not a trend series over centuries: before the
    /// default years, one row dated 0001-01-01 among the sample datasets made a 1.7 GB
    /// `data/trends.csv` (a row per month of 2018 years) and exit 0.
    @Test func placeholderDatesAreRejectedNotCounted() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        try FileManager.default.copyItem(atPath: repositoryRoot() + "/datasets", toPath: folder.path + "/data")
        try folder.write("data/alarm_calls/zz_placeholders.csv", alarmHeader
            + "Z1,0001-01-01 00:00:00,宝山区,罗店镇,报警,盗窃,60,已处置\n"
            + "Z2,9999-12-31,宝山区,罗店镇,报警,盗窃,60,已处置\n")
        let result = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/out", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try folder.read("out/data/trends.csv") == SampleReports.folder.read("out/data/trends.csv"))
        let rejects = try folder.read("out/rejects/alarm_calls.csv").split(separator: "\n").suffix(2)
        #expect(Array(rejects) == [
            "alarm_calls/zz_placeholders.csv,2,received_at,\"'0001-01-01 00:00:00' is outside the years read, 1980 to 2099 (set by years in govstats.toml)\",\"Z1,0001-01-01 00:00:00,宝山区,罗店镇,报警,盗窃,60,已处置\"",
            "alarm_calls/zz_placeholders.csv,3,received_at,\"'9999-12-31' is outside the years read, 1980 to 2099 (set by years in govstats.toml)\",\"Z2,9999-12-31,宝山区,罗店镇,报警,盗窃,60,已处置\"",
        ])
        #expect(try folder.read("out/data/quality.csv").contains("alarm_calls,alarm_calls/zz_placeholders.csv,2,0,2,0,0,0\n"))
    }

    /// A quote left open took the rest of an export as one rejected row: before, `run` said
    /// nothing (exit 0) and the only trace was one reject, "a field is larger than 1048576
    /// bytes" or "expected 8 fields, found 3". Now cron's mail names the file, the line and
    /// how many lines the record took, also when the rejected share refuses the data.
    @Test func quoteLeftOpenIsWarnedOf() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        var text = alarmHeader
        for index in 2...60 { text += "A\(index),2017-03-05,宝山区,,报警,盗窃,,\n" }
        text += "B61,2017-03-05,\"宝山区,,报警,盗窃,,\n"  // lines 61-65, to the end
        for index in 62...65 { text += "A\(index),2017-03-05,宝山区,,报警,盗窃,,\n" }
        try folder.write("data/alarm_calls/x.csv", text)
        let warning = "govstats: warning: alarm_calls/x.csv line 61: a record rejected whole runs over 5 lines, which count as one rejected row: a quote may be left open\n"
        let run = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/out", "--quiet"])
        #expect(run.status == 0)
        #expect(run.stderr == warning)
        // The record as read, its last field running to the end, quoted in the CSV.
        let openRecord = "B61,2017-03-05,\"\"宝山区,,报警,盗窃,,\n" + (62...65).map { "A\($0),2017-03-05,宝山区,,报警,盗窃,,\n" }.joined() + "\"\""
        #expect(try folder.read("out/rejects/alarm_calls.csv").hasSuffix(
            "alarm_calls/x.csv,61,,\"a quoted field is not closed before the end of the file, so the 5 lines from this one to the end were read as one record\",\"\(openRecord)\"\n"))
        #expect(try folder.read("out/alarm_calls.md").contains("**可能有未闭合的引号：**alarm\\_calls/x.csv 第 61 行起的一条记录跨了 5 行，被整体拒收，只算一行被拒收的行。这些行上的记录都没有计入。"))
        let english = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/en", "--quiet", "--lang", "en"])
        #expect(english.stderr == warning)
        #expect(try folder.read("en/alarm_calls.md").contains("**A quote may be left open:** in alarm\\_calls/x.csv, a record from line 61 runs over 5 lines and was rejected whole, as one rejected row. The records on those lines are not counted."))
        #expect(try folder.read("en/alarm_calls.html").contains("<strong>A quote may be left open:</strong> in alarm_calls/x.csv, a record from line 61 runs over 5 lines"))
        let validate = try GovStatsBinary.run(["validate", "--data", folder.path + "/data", "--jobs", "2"])
        #expect(validate.status == 0)
        #expect(validate.stderr == warning)
        // Refused for the share of rows rejected: the warning comes first, and says why.
        let refused = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/out", "--quiet", "--max-reject-pct", "1"])
        #expect(refused.status == 3)
        #expect(refused.stderr == warning + "govstats: alarm_calls: 1.7% of rows rejected (1 of 60), more than --max-reject-pct 1; all in alarm_calls/x.csv; commonest: a quoted field is not closed before the end of the file, so the 5 lines from this one to the end were read as one record (1)\n"
            + "govstats: to see every rejected row with its file, line and reason: govstats validate --data \(folder.path)/data --rejects DIR\n")
        // A second file with two such records: one closed by a later quote, one open to the end.
        try folder.write("data/alarm_calls/y.csv", alarmHeader
            + "C2,2017-03-05,\"宝山区,,报警,盗窃,,\nC3,2017-03-05,宝山区,,报警,盗窃,,\"x\"\n"
            + "C4,2017-03-05,\"宝山区,,报警,盗窃,,\nC5,2017-03-05,宝山区,,报警,盗窃,,\n")
        let two = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/en", "--quiet", "--lang", "en"])
        #expect(two.status == 0)
        // Both its rows rejected: the file is named for that too, though its dataset passes.
        #expect(two.stderr == warning + "govstats: warning: alarm_calls/y.csv line 2: a record rejected whole runs over 2 lines, which count as one rejected row (and 1 more such record in the file): a quote may be left open\n"
            + "govstats: warning: alarm_calls/y.csv: 100.0% of its rows rejected (2 of 2), more than --max-reject-pct 5, which its dataset keeps within; commonest: a quoted field is not closed before the end of the file, so the 2 lines from this one to the end were read as one record (1); expected 8 fields (1)\n")
        #expect(try folder.read("en/alarm_calls.md").contains("**A quote may be left open:** in alarm\\_calls/y.csv, a record from line 2 runs over 2 lines and was rejected whole, as one rejected row (the file holds 1 more such record). The records on those lines are not counted."))
    }

    /// A quote left open in a column and closed by a later quote in the same column makes a
    /// record of the right width, the lines between inside one field: it is rejected, with
    /// the warning, not accepted with those rows lost. A note over several lines whose lines
    /// hold fewer commas than a record is a row like any other.
    @Test func aQuoteClosedByALaterOneInTheSameColumnIsRejected() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        var rows = ["call_id,received_at,district,category"]
        for index in 1...39 { rows.append("Q\(index),2017-03-0\(1 + index % 9) 10:00,宝山区,盗窃") }
        rows[10] = "Q10,2017-03-05 10:00,宝山区,\"盗窃"  // left open on line 11 ...
        rows[20] = "Q20,2017-03-05 10:00,宝山区,\"诈骗\""  // ... and closed on line 21
        rows[30] = "Q30,2017-03-05 10:00,宝山区,\"盗窃\n(两行, 一个逗号)\""  // lines 31-32: a note
        try folder.write("data/alarm_calls/a.csv", rows.joined(separator: "\n") + "\n")
        let result = try GovStatsBinary.run(["validate", "--data", folder.path + "/data", "--rejects", folder.path + "/rejects", "--max-reject-pct", "100"])
        #expect(result.status == 0)
        #expect(result.stderr == "govstats: warning: alarm_calls/a.csv line 11: a record rejected whole runs over 11 lines, which count as one rejected row: a quote may be left open\n")
        #expect(result.stdout.contains("alarm_calls/a.csv  utf-8            29        28         1           0          0         0\n"))
        // The record as read: its last field runs from the open quote to the last quote of
        // line 21 (libcsv keeps the one before 诈骗 as text); quoted as CSV, then again in
        // the rejects.
        let field = "盗窃\n" + rows[11...19].joined(separator: "\n") + "\nQ20,2017-03-05 10:00,宝山区,\"诈骗"
        let record = "Q10,2017-03-05 10:00,宝山区,\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        #expect(try folder.read("rejects/alarm_calls.csv") == "file,line,column,reason,record\n"
            + "alarm_calls/a.csv,11,,\"the record runs over 11 lines, and line 2 of them, inside a field, holds the 3 commas of a whole record (a quote left open makes the lines after it one field)\",\""
            + record.replacingOccurrences(of: "\"", with: "\"\"") + "\"\n")
    }
}

/// `generate --out` writes its exports into a new folder or over its own earlier ones, never
/// beside other data files, which the next run would read with the synthetic rows.
@Suite struct GenerateCommandTests {
    @Test func generateNeverMixesWithOtherData() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        try folder.write("real/alarm_calls/2017.csv", "call_id\n")
        try folder.write("single/burglary_reports.csv", "case_id\n")
        for (out, other) in [("real", "alarm_calls/2017.csv"), ("single", "burglary_reports.csv")] {
            let result = try GovStatsBinary.run(["generate", "--out", out, "--rows", "1000", "--quiet"], in: folder.path)
            #expect(result.status == 2)
            #expect(result.stderr == "govstats: --out \(out) holds \(other), which generate does not write: the synthetic exports would be read with it; choose a new folder\n")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/real") == ["alarm_calls"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/real/alarm_calls") == ["2017.csv"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/single") == ["burglary_reports.csv"])
        // A file: a usage error (it was exit 1, "cannot write").
        let file = try GovStatsBinary.run(["generate", "--out", "single/burglary_reports.csv", "--rows", "1000", "--quiet"], in: folder.path)
        #expect(file.status == 2)
        #expect(file.stderr == "govstats: --out single/burglary_reports.csv is not a folder\n")
        #expect(try folder.read("single/burglary_reports.csv") == "case_id\n")
        // A new folder, then the same folder again at another size: the files are replaced.
        for rows in ["1000", "2000"] {
            let result = try GovStatsBinary.run(["generate", "--out", "new", "--rows", rows, "--quiet"], in: folder.path)
            #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        }
        let validate = try GovStatsBinary.run(["validate", "--data", "new"], in: folder.path)
        #expect(validate.status == 0)
        #expect(validate.stdout.contains("alarm_calls/alarm_calls_2015-07-01.csv"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/new/alarm_calls").count == 7)
    }
}
