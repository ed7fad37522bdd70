import Foundation
import Testing
import TestSupport

let alarmHeader = "call_id,received_at,district,street,call_type,category,response_seconds,disposition\n"

@Suite struct ValidateCommandTests {
    @Test func tableRejectsFileAndExitCode() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        try folder.write("data/alarm_calls/a.csv", alarmHeader
            + "A1,2017-03-05 09:07:00,宝山区,罗店镇,报警,盗窃,300,\"已处置,和解\"\n"
            + "A2,2017-02-30 08:00,宝山区,,报警,盗窃,,\n"
            + "A1,2017/3/5 9:07,宝山区,罗店镇,报警,盗窃,300,\"已处置,和解\"\n")
        try folder.write("data/alarm_calls/b.csv", alarmHeader + "A1,2017-03-05 09:07,宝山区,罗店镇,报警,盗窃,60,已处置\n")
        let result = try GovStatsBinary.run(["validate", "--data", folder.path + "/data", "--rejects", folder.path + "/rejects", "--max-reject-pct", "50"])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == """
            file               encoding  rows_read  accepted  rejected  duplicates  conflicts  filtered
            alarm_calls/a.csv  utf-8             3         1         1           1          0         0
            alarm_calls/b.csv  utf-8             1         0         0           1          1         0
            alarm_calls total                    4         1         1           2          1         0

            """)
        #expect(try folder.read("rejects/alarm_calls.csv") == """
            file,line,column,reason,record
            alarm_calls/a.csv,3,received_at,'2017-02-30 08:00' is not a valid date and time,"A2,2017-02-30 08:00,宝山区,,报警,盗窃,,"

            """)
        #expect(!folder.exists("rejects/burglary_reports.csv"))
    }

    /// A control character in a file's name is shown in the table as its code, not sent to
    /// the terminal, and the columns stay aligned.
    @Test func aFilesNameCannotWriteControlsToTheTerminal() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        try folder.write("alarm_calls/a\u{1B}[2J\nb.csv", alarmHeader + "A1,2017-03-05 09:07:00,宝山区,,,盗窃,,\n")
        let result = try GovStatsBinary.run(["validate", "--data", folder.path])
        #expect(result.status == 0)
        #expect(result.stdout == #"""
            file                              encoding  rows_read  accepted  rejected  duplicates  conflicts  filtered
            alarm_calls/a\u{1B}[2J\u{A}b.csv  utf-8             1         1         0           0          0         0
            alarm_calls total                                   1         1         0           0          0         0

            """#)
    }

    /// A file over 1 MiB is taken for UTF-8 when its first MiB is, and the rest is checked
    /// as it is read. Here the last row is GB18030 (so is the file: the rest is ASCII): the
    /// ingest starts over with every file checked first, and the table, the rejects file
    /// (whose row at line 2 was written before the start over) and `run`'s sha256 are what
    /// a first pass over the whole file gives, at one job and two.
    @Test(arguments: ["1", "2"])
    func fileWhoseEndIsNotUTF8IsReadAgain(jobs: String) throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        var text = alarmHeader + "bad,row\n"
        for index in 0..<25_000 { text += "A\(index),2017-03-05 09:07:00,Baoshan,Luodian,110,theft,120,done\n" }
        let last: [UInt8] = Array("Z1,2017-03-05 09:07:00,".utf8) + [0xB1, 0xA6, 0xC9, 0xBD, 0xC7, 0xF8] + Array(",,110,theft,120,done\n".utf8)  // 宝山区 in GB18030
        let bytes = Array(text.utf8) + last
        #expect(bytes.count > 1 << 20)
        let path = try folder.write("data/alarm_calls/x.csv", bytes: bytes)
        let result = try GovStatsBinary.run(["validate", "--data", "data", "--rejects", "rejects", "--jobs", jobs], in: folder.path)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == """
            file               encoding  rows_read  accepted  rejected  duplicates  conflicts  filtered
            alarm_calls/x.csv  gb18030       25002     25001         1           0          0         0
            alarm_calls total                25002     25001         1           0          0         0

            """)
        #expect(try folder.read("rejects/alarm_calls.csv") == "file,line,column,reason,record\nalarm_calls/x.csv,2,,\"expected 8 fields, found 2\",\"bad,row\"\n")
        let run = try GovStatsBinary.run(["run", "--data", "data", "--out", "out", "--quiet", "--jobs", jobs], in: folder.path)
        #expect(run.status == 0)
        let sha256sum = Process()
        sha256sum.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        sha256sum.arguments = [path]
        let out = Pipe()
        sha256sum.standardOutput = out
        try sha256sum.run()
        let sha = String(decoding: out.fileHandleForReading.readDataToEndOfFile().prefix(64), as: UTF8.self)
        sha256sum.waitUntilExit()
        #expect(sha.count == 64)
        #expect(try folder.read("out/run.json").contains("\"sha256\" : \"\(sha)\""))
        #expect(try folder.read("out/rejects/alarm_calls.csv") == folder.read("rejects/alarm_calls.csv"))
    }

    /// The rejects files are renamed into place once every file was read: a validate that
    /// fails (exit 1) leaves those of the last one as they were (before, they were left
    /// empty), and one that refuses the data (exit 3) still writes them whole.
    @Test func rejectsAreReplacedOnlyWhenEveryFileWasRead() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        try folder.write("data/alarm_calls/a.csv", alarmHeader + "A1,2017-03-05,宝山区,,报警,盗窃,,\nA2,bad,宝山区,,报警,盗窃,,\n")
        try folder.write("rejects/alarm_calls.csv", "earlier rejects\n")
        try FileManager.default.createDirectory(atPath: folder.path + "/data/alarm_calls/b.csv", withIntermediateDirectories: true)
        try folder.write("rejects/.alarm_calls.csv.partial-99999", "left by a killed run")
        let failed = try GovStatsBinary.run(["validate", "--data", "data", "--rejects", "rejects"], in: folder.path)
        #expect(failed.status == 1)
        #expect(failed.stderr == "govstats: cannot read data/alarm_calls/b.csv: Is a directory\n")
        #expect(try folder.read("rejects/alarm_calls.csv") == "earlier rejects\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/rejects") == ["alarm_calls.csv"])
        try FileManager.default.removeItem(atPath: folder.path + "/data/alarm_calls/b.csv")
        let refused = try GovStatsBinary.run(["validate", "--data", "data", "--rejects", "rejects"], in: folder.path)
        #expect(refused.status == 3)
        #expect(try folder.read("rejects/alarm_calls.csv") == "file,line,column,reason,record\nalarm_calls/a.csv,3,received_at,'bad' is not a valid date and time,\"A2,bad,宝山区,,报警,盗窃,,\"\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/rejects") == ["alarm_calls.csv"])
    }

    /// `--rejects` writes `<dataset>.csv` files: never over an input (or the config), nor
    /// where the next run would read them as data. Refused with exit 2, nothing written.
    @Test func rejectsFolderNeverReplacesOrJoinsTheData() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        let export = alarmHeader + "A1,2017-03-05,宝山区,,报警,盗窃,,\nA2,bad,宝山区,,报警,盗窃,,\n"
        try folder.write("single/alarm_calls.csv", export)
        try folder.write("nested/alarm_calls/a.csv", export)
        try FileManager.default.createDirectory(atPath: folder.path + "/linked", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/linked/alarm_calls.csv", withDestinationPath: folder.path + "/single/alarm_calls.csv")
        let refused: [(String, String, String)] = [
            ("single", "single", "--rejects single is the data folder, where the rejects files (<dataset>.csv) would replace inputs or be read as data next time; choose another folder"),
            ("single", "./single/", "--rejects ./single/ is the data folder, where the rejects files (<dataset>.csv) would replace inputs or be read as data next time; choose another folder"),
            ("nested", "nested/alarm_calls", "--rejects nested/alarm_calls is the data folder's alarm_calls/, where the rejects files would be read as data next time; choose another folder"),
            ("nested", "nested/alarm_calls/new/..", "--rejects nested/alarm_calls/new/.. is the data folder's alarm_calls/, where the rejects files would be read as data next time; choose another folder"),
            ("single", "linked", "--rejects linked: linked/alarm_calls.csv is the input single/alarm_calls.csv, which the rejected rows would replace; choose another folder"),
        ]
        for (data, rejects, message) in refused {
            let result = try GovStatsBinary.run(["validate", "--data", data, "--rejects", rejects, "--max-reject-pct", "50"], in: folder.path)
            #expect(result.status == 2, "\(rejects)")
            #expect(result.stderr == "govstats: \(message)\n")
            #expect(result.stdout.isEmpty)
        }
        #expect(try folder.read("single/alarm_calls.csv") == export && folder.read("nested/alarm_calls/a.csv") == export)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/nested/alarm_calls") == ["a.csv"])
        // A folder named like the rejects file could not be renamed over once every row was
        // read: refused before reading, with nothing written (a link to a folder would be
        // replaced itself, so it is not refused).
        try FileManager.default.createDirectory(atPath: folder.path + "/taken/alarm_calls.csv", withIntermediateDirectories: true)
        let taken = try GovStatsBinary.run(["validate", "--data", "single", "--rejects", "taken", "--max-reject-pct", "50"], in: folder.path)
        #expect(taken.status == 2)
        #expect(taken.stderr == "govstats: --rejects taken: taken/alarm_calls.csv is a folder, where the rejected rows of alarm_calls would go; move it or choose another folder\n")
        #expect(taken.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/taken") == ["alarm_calls.csv"])
        // A file named as the folder: a usage error (it was exit 1, "cannot create").
        _ = try folder.write("a-file", "x")
        let file = try GovStatsBinary.run(["validate", "--data", "single", "--rejects", "a-file", "--max-reject-pct", "50"], in: folder.path)
        #expect(file.status == 2)
        #expect(file.stderr == "govstats: --rejects a-file is not a folder\n")
        #expect(file.stdout.isEmpty)
        try FileManager.default.createDirectory(atPath: folder.path + "/linkdir", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/linkdir/alarm_calls.csv", withDestinationPath: folder.path + "/taken/alarm_calls.csv")
        // Beside the data, or in a folder of its own inside it, the rejects are written.
        for rejects in ["out/new", "nested/rejects", "linkdir"] {
            let result = try GovStatsBinary.run(["validate", "--data", "nested", "--rejects", rejects, "--max-reject-pct", "50"], in: folder.path)
            #expect(result.status == 0, "\(rejects): \(result.stderr)")
            #expect(try folder.read(rejects + "/alarm_calls.csv").hasPrefix("file,line,column,reason,record\nalarm_calls/a.csv,3,received_at,"))
        }
    }

    @Test func tooManyRejectsExits3NamingTheShare() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        try folder.write("data/alarm_calls.csv", alarmHeader + "A1,2017-03-05,宝山区,,报警,盗窃,,\nA2,bad,宝山区,,报警,盗窃,,\n")
        let result = try GovStatsBinary.run(["validate", "--data", folder.path + "/data"])
        #expect(result.status == 3)
        let share = "govstats: alarm_calls: 50.0% of rows rejected (1 of 2), more than --max-reject-pct 5; all in alarm_calls.csv; commonest: received_at: not a valid date and time (1)\n"
        #expect(result.stderr == share + "govstats: to see every rejected row with its file, line and reason: add --rejects DIR\n")
        // With --rejects, where they are; run, which publishes nothing, names validate.
        let listed = try GovStatsBinary.run(["validate", "--data", folder.path + "/data", "--rejects", folder.path + "/rejects"])
        #expect(listed.status == 3)
        #expect(listed.stderr == share + "govstats: every rejected row is listed, with its file, line and reason, in \(folder.path)/rejects/alarm_calls.csv\n")
        #expect(try folder.read("rejects/alarm_calls.csv").hasPrefix("file,line,column,reason,record\nalarm_calls.csv,3,received_at,"))
        let run = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/out", "--quiet"])
        #expect(run.status == 3)
        #expect(run.stderr == share + "govstats: to see every rejected row with its file, line and reason: govstats validate --data \(folder.path)/data --rejects DIR\n")
    }

    @Test func missingColumnRefusesTheFile() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        try folder.write("alarm_calls/x.csv", "call_id,district,category\nA1,宝山区,盗窃\n")
        let result = try GovStatsBinary.run(["validate", "--data", folder.path])
        #expect(result.status == 3)
        #expect(result.stderr == "govstats: alarm_calls/x.csv: file refused: missing required column 'received_at' (the header is: call_id, district, category); if the file has it under another name, say so in govstats.toml, in its [alarm_calls] section: columns = { received_at = \"<header>\" } (read as utf-8)\n")
        #expect(result.stdout.contains("alarm_calls/x.csv  utf-8       refused\n"))
    }

    /// A file that is neither UTF-8 nor GB18030 is refused before its encoding is known:
    /// the table says "-" for it, on one thread and on two. `validate` hashes no file, so
    /// an empty sha256 cannot be what tells such a file apart.
    @Test(arguments: ["1", "2"])
    func undecodableFileShowsNoEncoding(jobs: String) throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        try folder.write("alarm_calls/x.csv", alarmHeader + "A1,2017-03-05 09:07:00,宝山区,,,盗窃,,\n")
        try folder.write("alarm_calls/y.csv", bytes: Array(alarmHeader.utf8) + [0x41, 0xFF, 0xFF, 0x0A])
        let result = try GovStatsBinary.run(["validate", "--data", folder.path, "--jobs", jobs])
        #expect(result.status == 3)
        #expect(result.stdout.contains("alarm_calls/x.csv  utf-8             1         1         0           0          0         0\n"), "\(result.stdout)")
        #expect(result.stdout.contains("alarm_calls/y.csv  -           refused\n"), "\(result.stdout)")
    }

    @Test func unknownCommandIsNamedWithTheNearestOne() throws {
        let misspelt = try GovStatsBinary.run(["valdiate", "--data", "datasets"])
        #expect(misspelt.status == 2)
        #expect(misspelt.stderr == "govstats: unknown command 'valdiate' (did you mean validate?): the commands are run, validate, init and generate; see govstats --help\n")
        let short = try GovStatsBinary.run(["gen"])
        #expect(short.stderr == "govstats: unknown command 'gen' (did you mean generate?): the commands are run, validate, init and generate; see govstats --help\n")
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        let dataFolder = try GovStatsBinary.run([folder.path])
        #expect(dataFolder.status == 2)
        #expect(dataFolder.stderr == "govstats: unknown command '\(folder.path)' (a data folder is named with --data, as in govstats run --data \(folder.path)): the commands are run, validate, init and generate; see govstats --help\n")
        let positional = try GovStatsBinary.run(["validate", folder.path])
        #expect(positional.status == 2)
        #expect(positional.stderr.hasPrefix("Error: Unexpected argument '\(folder.path)'\n"), "\(positional.stderr)")
        #expect(positional.stderr.hasSuffix("\nA data folder is named with --data: govstats validate --data \(folder.path)\n"), "\(positional.stderr)")
        let unknown = try GovStatsBinary.run(["report"])
        #expect(unknown.stderr == "govstats: unknown command 'report': the commands are run, validate, init and generate; see govstats --help\n")
    }

    @Test func usageErrorsExit2() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        let empty = try GovStatsBinary.run(["validate", "--data", folder.path])
        #expect(empty.status == 2)
        #expect(empty.stderr == "govstats: no datasets in \(folder.path): expected alarm_calls/, burglary_reports/ or safe_community/ (or <dataset>.csv)\n")

        let badFlag = try GovStatsBinary.run(["validate", "--bogus"])
        #expect(badFlag.status == 2)
        #expect(badFlag.stderr.contains("Unknown option '--bogus'"))

        let badPercent = try GovStatsBinary.run(["validate", "--max-reject-pct", "abc"])
        #expect(badPercent.status == 2)
        #expect(badPercent.stderr.contains("--max-reject-pct takes a number from 0 to 100, not 'abc'"))

        // A negative number is taken as the value (and refused as one), not as an unknown option.
        let negativePercent = try GovStatsBinary.run(["validate", "--max-reject-pct", "-1"])
        #expect(negativePercent.status == 2)
        #expect(negativePercent.stderr.hasPrefix("Error: --max-reject-pct takes a number from 0 to 100, not '-1'\n"), "\(negativePercent.stderr)")
        let negativeJobs = try GovStatsBinary.run(["validate", "--jobs", "-2"])
        #expect(negativeJobs.status == 2)
        #expect(negativeJobs.stderr.hasPrefix("Error: --jobs must be at least 1, not -2\n"), "\(negativeJobs.stderr)")
        let negativeRows = try GovStatsBinary.run(["generate", "--out", folder.path + "/generated", "--rows", "-5"])
        #expect(negativeRows.status == 2)
        #expect(negativeRows.stderr.hasPrefix("Error: --rows must be at least 1, not -5\n"), "\(negativeRows.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/generated"))

        try folder.write("alarm_calls.csv", alarmHeader)
        try folder.write("govstats.toml", "[alarm_calls]\ncolums = { call_id = \"ID\" }\n")
        let badConfig = try GovStatsBinary.run(["validate", "--data", folder.path])
        #expect(badConfig.status == 2)
        #expect(badConfig.stderr.hasPrefix("govstats: \(folder.path)/govstats.toml line 2: unknown key 'colums'"))

        // A config that cannot be read says why.
        for (config, reason) in [("none.toml", "No such file or directory"), ("alarm_calls.csv/..", "Not a directory"), (".", "Is a directory")] {
            let unreadable = try GovStatsBinary.run(["validate", "--data", folder.path, "--config", folder.path + "/" + config])
            #expect(unreadable.status == 2)
            #expect(unreadable.stderr == "govstats: cannot read config file \(folder.path)/\(config): \(reason)\n")
        }
        // "[alarm_calls]\n# café\n" in Latin-1.
        try Data(Array("[alarm_calls]\n# caf".utf8) + [0xE9, 0x0A]).write(to: URL(fileURLWithPath: folder.path + "/latin1.toml"))
        let latin1 = try GovStatsBinary.run(["validate", "--data", folder.path, "--config", folder.path + "/latin1.toml"])
        #expect(latin1.status == 2)
        #expect(latin1.stderr == "govstats: \(folder.path)/latin1.toml: not valid UTF-8\n")
    }

    @Test func unreadableFileExits1() throws {
        let folder = try TemporaryDirectory("e2e")
        defer { folder.remove() }
        try FileManager.default.createDirectory(atPath: folder.path + "/alarm_calls/x.csv", withIntermediateDirectories: true)
        let result = try GovStatsBinary.run(["validate", "--data", folder.path])
        #expect(result.status == 1)
        #expect(result.stderr == "govstats: cannot read \(folder.path)/alarm_calls/x.csv: Is a directory\n")
    }

    @Test func helpTeaches() throws {
        let result = try GovStatsBinary.run(["validate", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("--rejects <dir>"))
        #expect(result.stdout.contains("Exit codes"))
    }

    /// `govstats --help` names the commands a first user runs, in order, and each
    /// subcommand.
    @Test func theTopLevelHelpTeachesTheFirstSteps() throws {
        let result = try GovStatsBinary.run(["--help"])
        #expect(result.status == 0)
        let text = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("govstats init --data exports (a draft govstats.toml mapping their headers), govstats validate --data exports (what becomes of every row), govstats run --data exports --out reports."))
        for command in ["run", "validate", "init", "generate"] { #expect(result.stdout.contains("\n  \(command) ")) }
    }
}
