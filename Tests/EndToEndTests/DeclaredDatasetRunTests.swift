import Foundation
import Testing
import TestSupport

/// `run` on a data folder that holds only datasets declared in govstats.toml: they get
/// trend or compliance rows, pages, a place on the index and district pages, rejects,
/// quality and run.json like the built-ins.
@Suite struct DeclaredDatasetRunTests {
    static let config = """
        [report]
        city = "Springfield"

        [datasets.hotline]
        kind = "events"
        title = { zh = "市民热线", en = "Citizen hotline" }
        columns = { id = "Ticket", at = "Opened", district = "Ward", category = "Topic" }
        keep = { Status = ["Closed", "Open*"] }
        metrics.noise = { title = { zh = "噪声投诉", en = "noise complaints" }, where = { category = ["NOISE*"] } }

        [datasets.fire]
        kind = "assessments"
        title = { zh = "消防检查", en = "Fire inspections" }
        columns = { unit_id = "Building", unit = "Name", district = "Ward", assessed_at = "Checked", compliant = "Result" }
        period_from = "half"
        compliant_when = { values = ["Pass*"] }
        latest_by = "assessed_at"

        """

    @Test func onlyDeclaredDatasets() throws {
        let folder = try TemporaryDirectory("declared")
        defer { folder.remove() }
        try folder.write("data/govstats.toml", Self.config)
        try folder.write("data/hotline/2017.csv", """
            Ticket,Opened,Ward,Topic,Status
            T1,2017-02-01 10:00,W1,NOISE - PARTY,Closed
            T2,2017-02-03 11:00,W1,POTHOLE,Closed
            T3,2017-03-05 12:00,W2,NOISE - DOG,Open - assigned
            T4,2017-03-06 12:00,W2,NOISE - DOG,Cancelled
            T5,not a date,W2,NOISE - DOG,Cancelled

            """)
        try folder.write("data/hotline/2018.csv", """
            Ticket,Opened,Ward,Topic,Status
            T3,2017-03-05 12:00,W2,NOISE - DOG,Closed
            T6,2018-02-01 09:00,W1,NOISE - PARTY,Closed
            T7,2018-03-01 09:00,W2,,Closed

            """)
        try folder.write("data/fire.csv", """
            Building,Name,Ward,Checked,Result
            B1,Hall,W1,2017-08-01,Fail
            B1,Hall,W1,2017-09-01,Pass with notes
            B1,Hall,W1,2017-07-01,Fail
            B2,Mill,W2,2017-10-01,Fail

            """)
        let result = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/out", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        // T3 again, its status changed: a column not of the dataset is not compared, so a
        // duplicate and no conflict.
        #expect(try folder.read("out/data/quality.csv") == """
            dataset,file,rows_read,accepted,rejected,duplicates,conflicts,filtered
            fire,fire.csv,4,2,0,2,2,0
            hotline,hotline/2017.csv,5,3,0,0,0,2
            hotline,hotline/2018.csv,3,2,0,1,0,0

            """)
        #expect(try folder.read("out/data/compliance.csv") == """
            dataset,area_level,area,period,assessed,compliant,rate_pct,prior_rate_pct,change_pts
            fire,city,Springfield,2017H2,2,1,50.0,,
            fire,district,W1,2017H2,1,1,100.0,,
            fire,district,W2,2017H2,1,0,0.0,,

            """)
        let trends = try folder.read("out/data/trends.csv")
        #expect(trends.contains("hotline,count,city,Springfield,year,2017,3,0,,false\n"))
        #expect(trends.contains("hotline,noise,city,Springfield,year,2017,2,0,,false\n"))
        #expect(trends.contains("hotline,noise,district,W2,year,2017,1,0,,false\n"))
        #expect(trends.contains("hotline,count,city,Springfield,ytd,2018-01-01..2018-03-01,2,2,0.0,true\n"))
        #expect(!trends.contains("全市"))
        for page in ["index", "hotline", "fire", "district-W1", "district-W2"] {
            #expect(folder.exists("out/\(page).html") && folder.exists("out/\(page).md"), "\(page)")
        }
        #expect(try folder.read("out/rejects/hotline.csv") == "file,line,column,reason,record\n")
        let district = try folder.read("out/district-W1.md")
        #expect(district.contains("## 市民热线"))
        #expect(district.contains("## 消防检查"))
        let manifest = try folder.read("out/run.json")
        #expect(manifest.contains("\"contract_version\" : 2,"))
        #expect(manifest.contains("\"filtered\" : 2,"))
    }

    /// One mistyped year must not move the as-of date: a datetime after the day of the run
    /// (SOURCE_DATE_EPOCH's here) is a rejected row.
    @Test func aFutureDateIsRejected() throws {
        let folder = try TemporaryDirectory("declared")
        defer { folder.remove() }
        try folder.write("data/alarm_calls.csv", """
            call_id,received_at,district,category
            A1,2018-02-27 10:00:00,宝山区,盗窃
            A2,2018-02-28 23:59:59,宝山区,盗窃
            F1,2028-02-27 10:00:00,宝山区,盗窃

            """)
        // 2018-02-28 12:00:00 UTC.
        let result = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/out", "--quiet", "--max-reject-pct", "50"],
                                            environment: ["SOURCE_DATE_EPOCH": "1519819200", "TZ": "UTC"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try folder.read("out/rejects/alarm_calls.csv").contains(
            "alarm_calls.csv,4,received_at,\"'2028-02-27 10:00:00' is in the future (after 2018-02-28, the day of this run)\""))
        #expect(try folder.read("out/data/trends.csv").contains("alarm_calls,calls,city,全市,ytd,2018-01-01..2018-02-28,2,0,,true\n"))
    }

    /// A wrong column mapped as the district names thousands: refused, naming the count and
    /// the column, unless max_districts allows them.
    @Test func tooManyDistrictsAreRefused() throws {
        let folder = try TemporaryDirectory("declared")
        defer { folder.remove() }
        let rows = (0..<201).map { "C\($0),2017-01-02 10:00:00,Street \($0),盗窃\n" }.joined()
        try folder.write("data/alarm_calls.csv", "Call,Time,Address,Type\n" + rows)
        try folder.write("data/govstats.toml", "[alarm_calls]\ncolumns = { call_id = \"Call\", received_at = \"Time\", district = \"Address\", category = \"Type\" }\n")
        let result = try GovStatsBinary.run(["validate", "--data", folder.path + "/data"])
        #expect(result.status == 3)
        #expect(result.stderr == "govstats: alarm_calls: the records name 201 distinct districts, read from column 'Address', more than 200: the column mapped as district is most likely not one (if it is, raise max_districts under [report] in govstats.toml)\n")
        try folder.write("data/govstats.toml", "[report]\nmax_districts = 201\n[alarm_calls]\ncolumns = { call_id = \"Call\", received_at = \"Time\", district = \"Address\", category = \"Type\" }\n")
        #expect(try GovStatsBinary.run(["validate", "--data", folder.path + "/data"]).status == 0)
    }
}
