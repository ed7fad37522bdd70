import Foundation
import Testing
import TestSupport

/// `govstats init`: a draft govstats.toml from the exports' headers and values.
@Suite struct InitCommandTests {
    /// The draft `init` writes for a data folder of `files` (paths inside it).
    static func draft(of files: [String: String]) throws -> String {
        let folder = try TemporaryDirectory("init")
        defer { folder.remove() }
        for (path, text) in files { try folder.write("data/" + path, text) }
        let result = try GovStatsBinary.run(["init", "--data", folder.path + "/data"])
        #expect(result.status == 0, "\(result.stderr)")
        return try folder.read("data/govstats.toml")
    }

    /// A header it can map: the draft maps it, guesses the date pattern, and validate then
    /// reads every row with it as written.
    @Test func draftsAConfigThatReadsTheExport() throws {
        let folder = try TemporaryDirectory("init")
        defer { folder.remove() }
        try folder.write("data/alarm_calls/calls.csv", """
            Incident Number,Call Date,Police District,Call Type,Disposition
            1001,03/05/2018 09:07:00 PM,MISSION,THEFT,CIT
            1002,03/06/2018 10:00:00 AM,BAYVIEW,ASSAULT,ADV
            1003,03/06/2018 11:30:00 AM,MISSION,THEFT VEHICLE,CIT

            """)
        let result = try GovStatsBinary.run(["init", "--data", folder.path + "/data"])
        #expect(result.status == 0, "\(result.stderr)")
        let draft = try folder.read("data/govstats.toml")
        #expect(draft.contains("""
            columns = { call_id = "Incident Number", received_at = "Call Date", district = "Police District", category = "Call Type" }   # guessed: check each
            """))
        #expect(draft.contains("datetime_formats = [\"M/d/yyyy h:mm:ss a\"]   # guessed from 3 of 3 values of \"Call Date\""))
        #expect(result.stdout.hasSuffix("next: check every line marked guessed or TODO, then run govstats validate --data \(folder.path)/data\n"))
        #expect(draft.contains("# disposition: read from \"Disposition\" (its name or an alias)"))
        // Ties in byte order.
        #expect(draft.contains("# most frequent values of category (\"Call Type\"): \"ASSAULT\" (1), \"THEFT\" (1), \"THEFT VEHICLE\" (1)"))
        let validate = try GovStatsBinary.run(["validate", "--data", folder.path + "/data"])
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.contains("alarm_calls/calls.csv  utf-8             3         3         0           0          0         0\n"), "\(validate.stdout)")
        // Never overwrites.
        let again = try GovStatsBinary.run(["init", "--data", folder.path + "/data"])
        #expect(again.status == 2)
        #expect(again.stderr == "govstats: \(folder.path)/data/govstats.toml exists: init never overwrites a file; move it away or name another with --config\n")
        #expect(try folder.read("data/govstats.toml") == draft)
    }

    /// A header it cannot map: the required columns it found no header for are TODOs, the
    /// draft still parses, and validate then names the column the file lacks.
    @Test func namesWhatItCannotMap() throws {
        let folder = try TemporaryDirectory("init")
        defer { folder.remove() }
        try folder.write("data/burglary_reports.csv", "Ref,Opened,Notes\nR1,2018-01-02,x\n")
        let result = try GovStatsBinary.run(["init", "--data", folder.path + "/data", "--config", folder.path + "/draft.toml"])
        #expect(result.status == 0, "\(result.stderr)")
        let draft = try folder.read("draft.toml")
        // The next step reads the draft where it was written.
        #expect(result.stdout.hasSuffix("then run govstats validate --data \(folder.path)/data --config \(folder.path)/draft.toml\n"))
        #expect(draft.contains("columns = { case_id = \"Ref\", reported_at = \"Opened\" }   # guessed: check each"))
        #expect(draft.contains("# TODO district (required): no header found; add district = \"<header>\" to columns"))
        #expect(draft.contains("# TODO community (required): no header found; add community = \"<header>\" to columns"))
        #expect(draft.contains("# \"Opened\": dates in a built-in form, no datetime_formats needed"))
        let validate = try GovStatsBinary.run(["validate", "--data", folder.path + "/data", "--config", folder.path + "/draft.toml"])
        #expect(validate.status == 3)
        #expect(validate.stderr.contains("missing required columns 'district', 'community'"))
    }

    /// Dates whose day and month are all 12 or less fit month first and day first: the draft
    /// keeps the first and says which other reads them as other dates. One day over 12
    /// settles it. A data folder that is not there is named as such.
    @Test func saysWhenDatesFitTheDayAndTheMonthEitherWay() throws {
        let folder = try TemporaryDirectory("init")
        defer { folder.remove() }
        let header = "接警编号,接警时间,所属区,警情类别\n"
        try folder.write("either/alarm_calls/a.csv", header + "Z1,05/03/2017 14:32,宝山区,盗窃\nZ2,06/03/2017 09:00,宝山区,盗窃\n")
        try folder.write("dayFirst/alarm_calls/a.csv", header + "Z1,05/03/2017 14:32,宝山区,盗窃\nZ2,13/03/2017 09:00,宝山区,盗窃\nZ3,１３/03/2017 09:00,宝山区,盗窃\n")
        #expect(try GovStatsBinary.run(["init", "--data", folder.path + "/either"]).status == 0)
        let either = try folder.read("either/govstats.toml")
        #expect(either.contains("datetime_formats = [\"M/d/yyyy H:mm\"]   # guessed from 2 of 2 values of \"接警时间\"\n"
            + "# TODO: every value of \"接警时间\" read by \"M/d/yyyy H:mm\" also fits \"d/M/yyyy H:mm\", which reads them as other dates (\"05/03/2017 14:32\": 2017-05-03 or 2017-03-05); keep the one your export uses\n"), "\(either)")
        #expect(try GovStatsBinary.run(["init", "--data", folder.path + "/dayFirst"]).status == 0)
        let dayFirst = try folder.read("dayFirst/govstats.toml")
        // A value with full-width digits is not one a pattern could read.
        #expect(dayFirst.contains("datetime_formats = [\"d/M/yyyy H:mm\"]   # guessed from 2 of 3 values of \"接警时间\"\n"
            + "# TODO: 1 value of \"接警时间\" holds full-width digits, such as \"１３/03/2017 09:00\", which no pattern reads: the export must write digits as 0-9\n"), "\(dayFirst)")
        #expect(!dayFirst.contains("also fits"))
        let missing = try GovStatsBinary.run(["init", "--data", folder.path + "/none"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "govstats: data folder \(folder.path)/none does not exist or is not a folder\n")
    }

    /// Files with other headers: each row is sampled under its own file's header, so a
    /// column only a later file has is found, and its values counted. A row that is its
    /// file's header again (exports joined) is no value.
    @Test func samplesEveryFileByItsOwnHeader() throws {
        let later = "警情类型,接警编号,接警时间,所属区,街道,警情类别\n"
        let draft = try Self.draft(of: [
            "alarm_calls/2017.csv": "接警编号,接警时间,所属区,警情类别\nA1,2017-03-05 10:00,宝山区,盗窃\nA2,2017-03-06 10:00,宝山区,盗窃\n",
            "alarm_calls/2018.csv": later + "报警,B1,2018-03-05 10:00,宝山区,罗店镇,电信诈骗\n" + later
                + "报警,B2,2018-03-05 10:00,宝山区,罗店镇,电信诈骗\n求助,B3,2018-03-06 10:00,宝山区,顾村镇,电信诈骗\n",
        ])
        #expect(draft.contains("(2 files, 5 rows sampled)"), "\(draft)")
        #expect(draft.contains("# street: read from \"街道\" (its name or an alias)\n"))
        #expect(draft.contains("# call_type: read from \"警情类型\" (its name or an alias)\n"))
        #expect(draft.contains("# most frequent values of category (\"警情类别\"): \"电信诈骗\" (3), \"盗窃\" (2)\n"))
        #expect(draft.contains("# most frequent values of call_type (\"警情类型\"): \"报警\" (2), \"求助\" (1)\n"))
    }

    /// What is not drafted, or may belong elsewhere, is said: a file whose name cannot be a
    /// dataset's, an export of a built-in dataset under another name, rejected rows written
    /// inside the data folder. A folder whose exports have no header row is refused.
    @Test func saysWhatItLeftOutOrWouldMove() throws {
        let folder = try TemporaryDirectory("init")
        defer { folder.remove() }
        let calls = "call_id,received_at,district,category\nA1,2017-03-05,宝山区,盗窃\n"
        try folder.write("data/alarm_calls/a.csv", calls)
        try folder.write("data/110接警.csv", calls)
        try folder.write("data/b.csv", "案件编号,报案时间,所属区,小区\nK1,2017-03-05,闵行区,康城\n")
        try folder.write("data/rejects/alarm_calls.csv", "file,line,column,reason,record\nalarm_calls/a.csv,2,,x,y\n")
        let result = try GovStatsBinary.run(["init", "--data", folder.path + "/data"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "wrote \(folder.path)/data/govstats.toml: [alarm_calls], [datasets.b]\n"
            + "note: 110接警.csv is not read: a dataset's name is lower-case ASCII letters, digits and _, starting with a letter; put an export in alarm_calls/, burglary_reports/ or safe_community/, or give it such a name\n"
            + "note: b.csv has the columns of burglary_reports: to read it as burglary_reports, rename it burglary_reports.csv, or move it into burglary_reports/\n"
            + "note: rejects/ holds rejected rows that govstats wrote, not exports, so it is not in the draft; keep --rejects outside the data folder\n"
            + "next: check every line marked guessed or TODO, then run govstats validate --data \(folder.path)/data\n")
        try folder.write("empty/alarm_calls/a.csv", "")
        let empty = try GovStatsBinary.run(["init", "--data", folder.path + "/empty"])
        #expect(empty.status == 2)
        #expect(empty.stderr == "govstats: no export in \(folder.path)/empty has a header row to draft from\ngovstats: alarm_calls: no file has a header row, so it is not in the draft\n")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/empty/govstats.toml"))
    }

    /// Periods and compliance values the built-in forms do not read, as Chinese exports
    /// write them (2017年上半年, √ and ×): TODOs that say so, and what to set.
    @Test func namesPeriodsAndVerdictsItCannotRead() throws {
        let draft = try Self.draft(of: ["safe_community/s.csv": "小区编号,小区名称,所属区,考评期,是否达标,得分\n"
            + "C1,康城,闵行区,2017年上半年,√,90\nC2,古美,闵行区,2017H1,×,50\nC3,康城,闵行区,2017年,√,88\nC4,古美,闵行区,2017,是,80\n"])
        #expect(draft.contains("# TODO: 2 of 4 values of \"考评期\" are not periods (YYYY, YYYYH1..H2 or YYYYQ1..Q4), such as \"2017年上半年\", which no setting reads: the export must write them so, or give each assessment's date (assessed_at) and set period_from\n"), "\(draft)")
        #expect(draft.contains("# TODO: values of \"是否达标\" that are not yes/no: \"√\" (2), \"×\" (1); name the compliant ones: compliant_when = { values = [\"<compliant value>\"] }\n"))
    }

    /// A folder that is no built-in dataset becomes a dataset of its own; scores and
    /// inspection dates make it assessments, with the period and compliance worked out.
    @Test func draftsDeclaredDatasets() throws {
        let folder = try TemporaryDirectory("init")
        defer { folder.remove() }
        try folder.write("data/inspections/2017.csv", "Facility ID,Name,District,Inspection Date,Score\nF1,Cafe,D1,2017-03-01,88\nF2,Deli,D2,2017-04-01,60\n")
        let result = try GovStatsBinary.run(["init", "--data", folder.path + "/data"])
        #expect(result.status == 0, "\(result.stderr)")
        let draft = try folder.read("data/govstats.toml")
        #expect(draft.contains("[datasets.inspections]\nkind = \"assessments\""))
        #expect(draft.contains("columns = { unit_id = \"Facility ID\", unit = \"Name\", assessed_at = \"Inspection Date\" }   # guessed: check each"))
        #expect(draft.contains("period_from = \"year\""))
        #expect(draft.contains("compliant_when = { score_at_least = 70 }"))
        let run = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/out", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try folder.read("out/data/compliance.csv").contains("inspections,city,全市,2017,2,1,50.0,,\n"))
    }
}
