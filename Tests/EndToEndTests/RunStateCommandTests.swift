import Foundation
import Testing
import TestSupport

/// `run --state` and `--full` as a user meets them: where the state goes, the one warning
/// for a state that cannot be used, and what a failed run or `validate` leave of it. That
/// a warm run publishes the bytes of a full one is RunStatePropertyTests'.
@Suite struct RunStateCommandTests {
    static let header = "call_id,received_at,district,street,call_type,category,response_seconds,disposition\n"

    /// A data folder of two daily files, written an hour before the runs.
    static func folder() throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory("state")
        for (day, rows) in [(1, "A1,2017-03-01 10:00,宝山区,,报警,盗窃,,\n"), (2, "A2,2017-03-02 10:00,闵行区,,报警,纠纷,,\n")] {
            let path = try folder.write("data/alarm_calls/2017-03-0\(day).csv", header + rows)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: path)
        }
        return folder
    }

    static func run(_ folder: TemporaryDirectory, _ extra: [String] = []) throws -> CommandResult {
        try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/out", "--quiet"] + extra)
    }

    @Test func theStateLivesBesideTheReportsAndWarnsOnceWhenItCannotBeUsed() throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let state = folder.path + "/.out.state/state"
        // A first run into a new folder has no state to miss.
        let first = try Self.run(folder)
        #expect(first.status == 0 && first.stderr == "")
        #expect(FileManager.default.fileExists(atPath: state))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/.out.state") == ["state"])

        // Nothing read: the state is left as it is, byte for byte and untouched.
        let before = try FileManager.default.attributesOfItem(atPath: state)[.modificationDate] as! Date
        let again = try Self.run(folder)
        #expect(again.status == 0 && again.stderr == "")
        #expect(try FileManager.default.attributesOfItem(atPath: state)[.modificationDate] as! Date == before)

        // Damaged (the last byte before the checksum: the rejects file's): one warning, and
        // the run goes on.
        var bytes = try #require(FileManager.default.contents(atPath: state))
        bytes[bytes.count - 5] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: state))
        let damaged = try Self.run(folder)
        #expect(damaged.status == 0)
        #expect(damaged.stderr == "govstats: warning: run state ignored: \(state) is damaged (its checksum does not match): every file is read, and the state is written anew\n")
        #expect(try Self.run(folder).stderr == "")

        // Another configuration.
        _ = try folder.write("data/govstats.toml", "[report]\ncity = \"上海市\"\n")
        let configured = try Self.run(folder)
        #expect(configured.stderr == "govstats: warning: run state \(state) was written with another configuration (govstats.toml): every file is read, and the state is written anew\n")

        // Removed after earlier reports.
        try FileManager.default.removeItem(atPath: folder.path + "/.out.state")
        let missing = try Self.run(folder)
        #expect(missing.stderr == "govstats: warning: no run state in \(folder.path)/.out.state beside the earlier reports: every file is read, and the state is written anew\n")

        // Another data folder.
        try FileManager.default.copyItem(atPath: folder.path + "/data", toPath: folder.path + "/other")
        let other = try GovStatsBinary.run(["run", "--data", folder.path + "/other", "--out", folder.path + "/out", "--quiet"])
        #expect(other.stderr == "govstats: warning: run state \(state) is for another data folder (\(URL(fileURLWithPath: folder.path + "/data").resolvingSymlinksInPath().path)): every file is read, and the state is written anew\n")

        // --full says nothing of the state it ignores.
        bytes = try #require(FileManager.default.contents(atPath: state))
        try Data(bytes.prefix(10)).write(to: URL(fileURLWithPath: state))
        let full = try GovStatsBinary.run(["run", "--data", folder.path + "/other", "--out", folder.path + "/out", "--quiet", "--full"])
        #expect(full.status == 0 && full.stderr == "")
        #expect(try #require(FileManager.default.contents(atPath: state)).count > 10)
    }

    /// Whether the reports in `out` are those of `run --full` on the same data.
    static func agreesWithFull(_ folder: TemporaryDirectory) throws -> Bool {
        let full = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/full", "--state", folder.path + "/full-state", "--full", "--quiet"])
        return full.status == 0 && listFiles(folder.path + "/out").allSatisfy {
            FileManager.default.contents(atPath: folder.path + "/out/" + $0) == FileManager.default.contents(atPath: folder.path + "/full/" + $0)
        } && listFiles(folder.path + "/out") == listFiles(folder.path + "/full")
    }

    /// Writes the export of a day (two rows, one of them repeating A1 with another
    /// category), dated a minute before.
    static func night(_ folder: TemporaryDirectory, _ day: Int, category: String = "盗窃") throws {
        let path = try folder.write("data/alarm_calls/2017-03-0\(day).csv", header + "A\(day),2017-03-0\(day) 10:00,宝山区,,报警,\(category),,\nA1,2017-03-01 10:00,宝山区,,报警,纠纷,,\n")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: path)
    }

    /// A night that adds a file writes a delta beside the state; a change to a file the
    /// state itself recorded writes the state whole and removes the deltas. Each time the
    /// reports are those of --full.
    @Test func newFilesAddADeltaAndOtherChangesRewriteTheState() throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let state = folder.path + "/.out.state"
        #expect(try Self.run(folder).status == 0)
        for day in 3...4 {
            try Self.night(folder, day)
            let night = try Self.run(folder)
            #expect(night.status == 0 && night.stderr == "")
            #expect(try Self.agreesWithFull(folder))
        }
        // Beside the state, the reports the last run replaced, for the next to write over.
        #expect(try FileManager.default.contentsOfDirectory(atPath: state).sorted() == ["previous", "state", "state.1", "state.2"])
        func tree(_ path: String) -> [String: Data?] {
            Dictionary(uniqueKeysWithValues: listFiles(path).map { ($0, FileManager.default.contents(atPath: path + "/" + $0)) })
        }
        let replaced = tree(folder.path + "/out")
        // A file of the state removed: the state is written whole, and the deltas go.
        try FileManager.default.removeItem(atPath: folder.path + "/data/alarm_calls/2017-03-02.csv")
        #expect(try Self.run(folder).status == 0)
        #expect(try Self.agreesWithFull(folder))
        #expect(try FileManager.default.contentsOfDirectory(atPath: state).sorted() == ["previous", "state"])
        #expect(tree(state + "/previous") == replaced)
        #expect(tree(folder.path + "/out") != replaced)
    }

    /// A file modified later than now cannot be reused (it may change again in the tick the
    /// state is written): every run says so, once it has published, until the file is not.
    @Test func filesDatedInTheFutureAreNamed() throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let warning = "until then, each run reads it again rather than going on from the run state (is a clock ahead where it was written?)"
        func date(_ path: String, _ seconds: Double) throws {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: seconds)], ofItemAtPath: folder.path + "/data/alarm_calls/" + path)
        }
        try date("2017-03-01.csv", 4_102_444_800)
        for _ in 0..<2 {
            let run = try Self.run(folder)
            #expect(run.status == 0)
            #expect(run.stderr == "govstats: warning: alarm_calls/2017-03-01.csv is dated in the future (2100-01-01 00:00:00 UTC): \(warning)\n")
        }
        try date("2017-03-02.csv", 4_102_531_200)
        let both = try Self.run(folder, ["--full"])
        #expect(both.stderr == "govstats: warning: alarm_calls/2017-03-01.csv and 1 more file are dated in the future (the latest 2100-01-02 00:00:00 UTC): "
            + "until then, each run reads them again rather than going on from the run state (is a clock ahead where they were written?)\n")
        // Set back, they are read once more (their times changed), then reused.
        try date("2017-03-01.csv", 1_000_000_000)
        try date("2017-03-02.csv", 1_000_000_000)
        #expect(try Self.run(folder).stderr == "")
        #expect(try Self.agreesWithFull(folder))
    }

    /// A change to a file that a delta recorded (a night's export sent again with a
    /// correction, removed, or joined by a late file that sorts before it) goes on from
    /// the state as the night before that delta left it: `state` and the deltas before stay
    /// as they are, and the run writes the next delta in place of the ones from there on.
    @Test func aChangeToALaterNightsFileGoesOnFromTheNightBefore() throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let state = folder.path + "/.out.state"
        func inode(_ name: String) throws -> Int {
            try #require(FileManager.default.attributesOfItem(atPath: state + "/" + name)[.systemFileNumber] as? Int)
        }
        #expect(try Self.run(folder).status == 0)
        for day in 3...5 {
            try Self.night(folder, day)
            #expect(try Self.run(folder).status == 0)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: state).sorted() == ["previous", "state", "state.1", "state.2", "state.3"])
        let whole = try inode("state")
        let first = try inode("state.1")

        // The fourth day's export sent again, corrected: state.2 is written anew, and
        // state.3, which went on from the old one, goes.
        try Self.night(folder, 4, category: "纠纷")
        var night = try Self.run(folder)
        #expect(night.status == 0 && night.stderr == "")
        #expect(try Self.agreesWithFull(folder))
        #expect(try FileManager.default.contentsOfDirectory(atPath: state).sorted() == ["previous", "state", "state.1", "state.2"])
        #expect(try inode("state") == whole && inode("state.1") == first)

        // The third day's export removed: from the state whole, the fourth and fifth days read again.
        try FileManager.default.removeItem(atPath: folder.path + "/data/alarm_calls/2017-03-03.csv")
        night = try Self.run(folder)
        #expect(night.status == 0)
        #expect(night.stderr == "govstats: warning: alarm_calls: alarm_calls/2017-03-03.csv, read for the reports this run replaces, is not in the data folder now, by name or by content: its rows are no longer counted\n")
        #expect(try Self.agreesWithFull(folder))
        #expect(try FileManager.default.contentsOfDirectory(atPath: state).sorted() == ["previous", "state", "state.1"])
        #expect(try inode("state") == whole && inode("state.1") != first)

        // A late export that sorts before the fourth day's: the same.
        try Self.night(folder, 3, category: "纠纷")
        let replaced = try inode("state.1")
        night = try Self.run(folder)
        #expect(night.status == 0 && night.stderr == "")
        #expect(try Self.agreesWithFull(folder))
        #expect(try FileManager.default.contentsOfDirectory(atPath: state).sorted() == ["previous", "state", "state.1"])
        #expect(try inode("state") == whole && inode("state.1") != replaced)

        // A delta damaged where it names its files looks as if they had changed: its
        // checksum tells, and the state is ignored with a warning.
        try Self.night(folder, 6)
        #expect(try Self.run(folder).status == 0)
        let delta = state + "/state.2"
        var bytes = try #require(FileManager.default.contents(atPath: delta))
        let name = Data("2017-03-06.csv".utf8)
        let at = try #require(bytes.range(of: name)).lowerBound
        bytes[at] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: delta))
        night = try Self.run(folder)
        #expect(night.status == 0)
        #expect(night.stderr == "govstats: warning: run state ignored: \(delta) is damaged (its checksum does not match): every file is read, and the state is written anew\n")
        #expect(try Self.agreesWithFull(folder))
    }

    /// The last night's export removed: the run goes on from the night before, says once
    /// that the file is gone, and writes that night's delta anew, so that the next run has
    /// nothing to find again.
    @Test func aFileGoneSinceTheLastRunIsNamedOnce() throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let state = folder.path + "/.out.state"
        #expect(try Self.run(folder).status == 0)
        for day in 3...4 {
            try Self.night(folder, day)
            #expect(try Self.run(folder).status == 0)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: state).sorted() == ["previous", "state", "state.1", "state.2"])
        let fourth = try #require(FileManager.default.attributesOfItem(atPath: state + "/state.2")[.systemFileNumber] as? Int)
        try FileManager.default.removeItem(atPath: folder.path + "/data/alarm_calls/2017-03-04.csv")
        var night = try Self.run(folder)
        #expect(night.status == 0)
        #expect(night.stderr == "govstats: warning: alarm_calls: alarm_calls/2017-03-04.csv, read for the reports this run replaces, is not in the data folder now, by name or by content: its rows are no longer counted\n")
        #expect(try Self.agreesWithFull(folder))
        #expect(try FileManager.default.contentsOfDirectory(atPath: state).sorted() == ["previous", "state", "state.1", "state.2"])
        let rewritten = try #require(FileManager.default.attributesOfItem(atPath: state + "/state.2")[.systemFileNumber] as? Int)
        #expect(rewritten != fourth)
        night = try Self.run(folder)
        #expect(night.status == 0 && night.stderr == "")
        #expect(try Self.agreesWithFull(folder))
        #expect(try FileManager.default.attributesOfItem(atPath: state + "/state.2")[.systemFileNumber] as? Int == rewritten)
        // Renamed, the file is still read: nothing is said.
        try FileManager.default.moveItem(atPath: folder.path + "/data/alarm_calls/2017-03-03.csv", toPath: folder.path + "/data/alarm_calls/2017-03-03b.csv")
        night = try Self.run(folder)
        #expect(night.status == 0 && night.stderr == "")
        #expect(try Self.agreesWithFull(folder))
    }

    /// A night whose new records outgrow the key table the state maps makes a table twice
    /// the size: the state is then written whole, so that the nights after it map that
    /// table instead of growing the old one again from it and a delta.
    @Test func aNightThatOutgrowsTheKeyTableWritesTheStateWhole() throws {
        let folder = try TemporaryDirectory("state")
        defer { folder.remove() }
        let state = folder.path + "/.out.state"
        func night(_ day: Int, _ ids: Range<Int>) throws -> CommandResult {
            let rows = ids.map { "K\($0),2017-03-0\(day) 10:00,宝山区,,报警,盗窃,,\n" }.joined()
            let path = try folder.write("data/alarm_calls/2017-03-0\(day).csv", Self.header + rows)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: path)
            return try Self.run(folder)
        }
        // 700 keys in a table of 2,048 buckets (8 KiB, mapped), which holds 1,433.
        #expect(try night(1, 0..<700).status == 0)
        #expect(try night(2, 700..<710).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: state).sorted() == ["previous", "state", "state.1"])
        #expect(try night(3, 710..<1_510).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: state).sorted() == ["previous", "state"])
        let next = try night(4, 1_510..<1_520)
        #expect(next.status == 0 && next.stderr == "")
        #expect(try FileManager.default.contentsOfDirectory(atPath: state).sorted() == ["previous", "state", "state.1"])
        let full = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/full", "--state", folder.path + "/full-state", "--full", "--quiet"])
        #expect(full.status == 0)
        #expect(listFiles(folder.path + "/out") == listFiles(folder.path + "/full"))
        #expect(listFiles(folder.path + "/out").allSatisfy {
            FileManager.default.contents(atPath: folder.path + "/out/" + $0) == FileManager.default.contents(atPath: folder.path + "/full/" + $0)
        })
    }

    /// The reports a run replaced are kept in the state folder, and the next run writes its
    /// files over theirs (renamed in and emptied) rather than making new ones; but never a
    /// file linked from elsewhere, a link to one, or one of another mode.
    @Test func theNextRunWritesOverTheReportsItReplacedButNothingLinked() throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let previous = folder.path + "/.out.state/previous"
        #expect(try Self.run(folder).status == 0)
        #expect(try Self.run(folder, ["--full"]).status == 0)
        let kept = listFiles(previous)
        #expect(kept == listFiles(folder.path + "/out"))
        func inode(_ path: String) throws -> UInt64 {
            try #require(FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? UInt64)
        }
        // Three files tampered with: a link to a file outside, a file linked from outside,
        // and one of another mode.
        let outside = try folder.write("outside.txt", "outside\n")
        try FileManager.default.removeItem(atPath: previous + "/index.md")
        try FileManager.default.createSymbolicLink(atPath: previous + "/index.md", withDestinationPath: outside)
        try FileManager.default.linkItem(atPath: previous + "/index.html", toPath: folder.path + "/linked.html")
        let linked = FileManager.default.contents(atPath: folder.path + "/linked.html")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: previous + "/run.json")
        let untouched = Set(["index.md", "index.html", "run.json"])
        let spare = Set(try kept.filter { !untouched.contains($0) }.map { try inode(previous + "/" + $0) })
        let before = Dictionary(uniqueKeysWithValues: listFiles(folder.path + "/out").map { ($0, FileManager.default.contents(atPath: folder.path + "/out/" + $0)) })

        #expect(try Self.run(folder, ["--full"]).status == 0)
        let published = listFiles(folder.path + "/out")
        #expect(published.allSatisfy { FileManager.default.contents(atPath: folder.path + "/out/" + $0) == before[$0] })
        // Every published file but three is one of the spare ones, written over.
        let reused = try published.filter { spare.contains(try inode(folder.path + "/out/" + $0)) }
        #expect(reused.count == published.count - 3)
        #expect(FileManager.default.contents(atPath: outside) == Data("outside\n".utf8))
        #expect(FileManager.default.contents(atPath: folder.path + "/linked.html") == linked)
        let modes = try published.map { try FileManager.default.attributesOfItem(atPath: folder.path + "/out/" + $0)[.posixPermissions] as? Int }
        // What a new file gets: 644 less the umask (read without setting it: tests run side by side).
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let umaskLine = try #require(status.split(separator: "\n").first { $0.hasPrefix("Umask:") })
        let mask = try #require(Int(umaskLine.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8))
        #expect(Set(modes) == [0o644 & ~mask])
    }

    @Test func aFailedRunAndValidateLeaveTheStateAsItWas() throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let state = folder.path + "/kept-state"
        #expect(try Self.run(folder, ["--state", state]).status == 0)
        let before = try #require(FileManager.default.contents(atPath: state + "/state"))
        // A third file refused whole: exit 3, nothing published, the state as it was.
        _ = try folder.write("data/alarm_calls/2017-03-03.csv", "call_id\nA3\n")
        let refused = try Self.run(folder, ["--state", state])
        #expect(refused.status == 3)
        #expect(FileManager.default.contents(atPath: state + "/state") == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: state) == ["state"])
        // validate reads everything and writes no state anywhere.
        let validate = try GovStatsBinary.run(["validate", "--data", folder.path + "/data"], in: folder.path)
        #expect(validate.status == 3)
        #expect(FileManager.default.contents(atPath: state + "/state") == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [".out.lock", "data", "kept-state", "out"])
    }

    /// What runs killed while writing the state left in its folder goes with the next run:
    /// a partial state of a process that is gone, and a grown key table's list where the
    /// file system has no unnamed files. A partial file of a live process stays.
    @Test func theNextRunRemovesWhatKilledRunsLeftInTheStateFolder() throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let state = folder.path + "/.out.state"
        #expect(try Self.run(folder).status == 0)
        let live = "state.partial-\(ProcessInfo.processInfo.processIdentifier)"
        for name in ["state.partial-99999999", ".unnamed-Xk3v9Q", live] { _ = try folder.write(".out.state/" + name, "left by a killed run") }
        let next = try Self.run(folder)
        #expect(next.status == 0 && next.stderr == "")
        #expect(try FileManager.default.contentsOfDirectory(atPath: state).sorted() == ["previous", "state", live])
    }

    @Test func aStateInsideTheReportsIsRefused() throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let inside = try Self.run(folder, ["--state", folder.path + "/out/state"])
        #expect(inside.status == 2)
        #expect(inside.stderr == "govstats: --state \(folder.path)/out/state is inside --out \(folder.path)/out, which each run replaces whole: choose a folder beside it\n")
        // Nor may the reports be inside the state's folder, as its previous/ or beside it.
        for out in ["st/previous", "st/reports"] {
            let holding = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/" + out, "--state", folder.path + "/st"])
            #expect(holding.status == 2)
            #expect(holding.stderr == "govstats: --out \(folder.path)/\(out) is inside --state \(folder.path)/st, where runs keep the reports they replaced: choose folders side by side\n")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/st"))
        _ = try folder.write("file", "x")
        let file = try Self.run(folder, ["--state", folder.path + "/file"])
        #expect(file.status == 2)
        #expect(file.stderr == "govstats: --state \(folder.path)/file is not a folder\n")
        // A link is followed: to a file it is refused so, to nothing too, to a folder it is used.
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/to-file", withDestinationPath: folder.path + "/file")
        #expect(try Self.run(folder, ["--state", folder.path + "/to-file"]).stderr == "govstats: --state \(folder.path)/to-file is not a folder\n")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/to-nothing", withDestinationPath: folder.path + "/nothing")
        let dangling = try Self.run(folder, ["--state", folder.path + "/to-nothing"])
        #expect(dangling.status == 2)
        #expect(dangling.stderr == "govstats: --state \(folder.path)/to-nothing is a symbolic link to nothing\n")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out"))
        try FileManager.default.createDirectory(atPath: folder.path + "/elsewhere", withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/linked", withDestinationPath: folder.path + "/elsewhere")
        #expect(try Self.run(folder, ["--state", folder.path + "/linked"]).status == 0)
        let again = try Self.run(folder, ["--state", folder.path + "/linked", "--full"])
        #expect(again.status == 0 && again.stderr == "")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/elsewhere").sorted() == ["previous", "state"])
    }

    /// The folder beside --out is govstats' own: what stands in its way is named with what
    /// to do, and the reports are left as they were.
    @Test func whatStandsInTheWayOfTheStateBesideTheReportsIsSaidSo() throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let state = folder.path + "/.out.state"
        _ = try folder.write(".out.state", "x")
        let file = try Self.run(folder)
        #expect(file.status == 2)
        #expect(file.stderr == "govstats: \(state), where govstats keeps the run state of --out \(folder.path)/out, is not a folder: move it away (a run then reads every file and writes the state anew), or name another folder with --state\n")
        try FileManager.default.removeItem(atPath: state)
        _ = try folder.write(".out.state/previous", "x")
        let foreign = try Self.run(folder)
        #expect(foreign.status == 2)
        #expect(foreign.stderr == "govstats: \(state), where govstats keeps the run state of --out \(folder.path)/out, holds previous, which is not of a run state: move it away; if the folder holds nothing of yours, remove it whole (a run then reads every file and writes the state anew)\n")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out"))
    }

    /// A run writes over and removes what its state folder holds (`previous/`, `state.1`),
    /// so a folder of the user's named by mistake is refused and left as it is; one that
    /// holds only what runs keep there, killed ones included, is taken.
    @Test func aFolderOfTheUsersIsNotTakenForTheState() throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let mine = folder.path + "/mine"
        _ = try folder.write("mine/previous/keep.txt", "mine")
        _ = try folder.write("mine/notes.txt", "mine")
        let refused = try Self.run(folder, ["--state", mine])
        #expect(refused.status == 2)
        #expect(refused.stderr == "govstats: --state \(mine) holds notes.txt, which is not of a run state: the state's folder must be new, empty, or one where runs kept their state (state, state.1, …, previous/)\n")
        try FileManager.default.removeItem(atPath: mine + "/notes.txt")
        try FileManager.default.createDirectory(atPath: mine + "/state", withIntermediateDirectories: false)
        #expect(try Self.run(folder, ["--state", mine]).stderr.contains("holds state/, which is not of a run state"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: mine).sorted() == ["previous", "state"])
        #expect(try String(contentsOfFile: mine + "/previous/keep.txt", encoding: .utf8) == "mine")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out"))

        // What runs leave, a killed one's partial files and deltas included, is taken.
        let ours = folder.path + "/ours"
        #expect(try Self.run(folder, ["--state", ours]).status == 0)
        #expect(try Self.run(folder, ["--state", ours]).status == 0)
        for name in ["state.1", "state.partial-99999999", ".unnamed-Xk3v9Q"] { _ = try folder.write("ours/" + name, "left") }
        let taken = try Self.run(folder, ["--state", ours])
        #expect(taken.status == 0)
        #expect(taken.stderr == "govstats: warning: run state ignored: \(ours)/state.1 is cut short (4 bytes): every file is read, and the state is written anew\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: ours).sorted() == ["previous", "state"])
    }

    /// What govstats shows on a terminal (`script` from util-linux, in every Debian, gives
    /// it one), line by line: each step rewrites the line (carriage return, then erase to
    /// its end).
    static func onATerminal(_ arguments: [String]) throws -> [String] {
        let script = "/usr/bin/script"
        try #require(FileManager.default.isExecutableFile(atPath: script), "util-linux's script, in every Debian")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["-qec", ([GovStatsBinary.path] + arguments).map { "'" + $0 + "'" }.joined(separator: " "), "/dev/null"]
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let bytes = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\u{1B}[K").map { $0.trimmingCharacters(in: .newlines) }
    }

    /// An export appended to in place: the run reads its new rows, after the other file, and
    /// says so at the end.
    @Test func aFileThatGrewIsReadFromWhereTheLastRunEnded() throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let arguments = ["run", "--data", folder.path + "/data", "--out", folder.path + "/out"]
        _ = try Self.onATerminal(arguments)
        let path = folder.path + "/data/alarm_calls/2017-03-02.csv"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("A1,2017-03-01 10:00,宝山区,,报警,纠纷,,\nA3,2017-03-02 11:00,闵行区,,报警,盗窃,,\n".utf8))
        try handle.close()
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: path)
        let lines = try Self.onATerminal(arguments)
        // From its old end: 131 of its 225 bytes.
        #expect(lines.first { $0.hasPrefix("reading ") } == "reading alarm_calls/2017-03-02.csv 58%")
        #expect(lines.last { !$0.isEmpty } == "published \(folder.path)/out: read 1 file, reused 1 from the run state \(folder.path)/.out.state; alarm_calls/2017-03-02.csv grew, and only its new rows were read")
        // The night's delta records it again.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/.out.state").sorted() == ["previous", "state", "state.1"])
        let full = try GovStatsBinary.run(["run", "--data", folder.path + "/data", "--out", folder.path + "/full", "--state", folder.path + "/full.state", "--full", "--quiet"])
        #expect(full.status == 0)
        for table in ["data/trends.csv", "data/quality.csv", "rejects/alarm_calls.csv", "alarm_calls.md", "run.json"] {
            #expect(FileManager.default.contents(atPath: folder.path + "/out/" + table) == FileManager.default.contents(atPath: folder.path + "/full/" + table), "\(table)")
        }
    }

    /// The end of a run on a terminal names the change that made it read files it had read
    /// before: a night's export sent again, then a file of the first night removed.
    @Test func theEndOfARunSaysWhyFilesWereReadAgain() throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let arguments = ["run", "--data", folder.path + "/data", "--out", folder.path + "/out"]
        let summary = { (read: String, reused: Int) in
            "published \(folder.path)/out: read \(read), reused \(reused) from the run state \(folder.path)/.out.state"
        }
        _ = try Self.onATerminal(arguments)
        try Self.night(folder, 3)
        #expect(try Self.onATerminal(arguments).last { !$0.isEmpty } == summary("1 file", 2))
        try Self.night(folder, 3, category: "诈骗")
        #expect(try Self.onATerminal(arguments).last { !$0.isEmpty } == summary("1 file", 2) + "; read again because alarm_calls/2017-03-03.csv changed since it was read")
        try FileManager.default.removeItem(atPath: folder.path + "/data/alarm_calls/2017-03-01.csv")
        let lines = try Self.onATerminal(arguments).last { !$0.isEmpty }?.components(separatedBy: "\r\n")
        #expect(lines == [
            "govstats: warning: alarm_calls: alarm_calls/2017-03-01.csv, read for the reports this run replaces, is not in the data folder now, by name or by content: its rows are no longer counted",
            summary("2 files", 0) + "; read again because alarm_calls/2017-03-01.csv is gone",
        ])
        #expect(try Self.agreesWithFull(folder))
    }

    /// A control character in a file's name is shown as its code on the terminal, not sent
    /// to it: in the progress line, and in the end of the run.
    @Test func aFilesNameCannotWriteControlsToTheTerminal() throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let arguments = ["run", "--data", folder.path + "/data", "--out", folder.path + "/out"]
        _ = try Self.onATerminal(arguments)
        try FileManager.default.copyItem(atPath: folder.path + "/data/alarm_calls/2017-03-02.csv", toPath: folder.path + "/data/alarm_calls/2017-03-02\u{1B}[2J.csv")
        let lines = try Self.onATerminal(arguments)
        #expect(lines.contains { $0.hasPrefix("reading alarm_calls/2017-03-02\\u{1B}[2J.csv ") })
        #expect(lines.last { !$0.isEmpty }?.hasSuffix("; read again because alarm_calls/2017-03-02\\u{1B}[2J.csv is new and sorts before alarm_calls/2017-03-02.csv") == true)
        #expect(!lines.joined().contains("\u{1B}"))
    }

    /// On a terminal the progress line names each step in turn; with two jobs the state is
    /// written beside the trends and pages, and when it is not written yet once the pages
    /// are, the run names that wait too (on this small data it most often is written by
    /// then: which one happens is up to the threads). (Run under `script`:
    /// `onATerminal`.)
    @Test(arguments: [
        ("1", ["reading", "writing the run state", "computing trends", "rendering reports"], nil),
        ("2", ["reading", "computing trends", "rendering reports"], "finishing the run state"),
    ])
    func theProgressOnATerminalNamesTheRunState(jobs: String, steps: [String], wait: String?) throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let lines = try Self.onATerminal(["run", "--data", folder.path + "/data", "--out", folder.path + "/out", "--jobs", jobs])
        var shown: [String] = []
        var reading: [String] = []
        for line in lines {
            if line.hasPrefix("reading ") { reading.append(line) }
            let step = line.hasPrefix("reading ") ? "reading" : line
            if !step.isEmpty && shown.last != step { shown.append(step) }
        }
        // Each file from its start to its end, numbered among the files the run reads.
        #expect(reading.first == "reading alarm_calls/2017-03-01.csv 0% (file 1 of 2)")
        #expect(reading.last == "reading alarm_calls/2017-03-02.csv 100% (file 2 of 2)")
        #expect(reading.contains("reading alarm_calls/2017-03-01.csv 100% (file 1 of 2)"))
        let summary = "published \(folder.path)/out: read 2 files, reused 0 from the run state \(folder.path)/.out.state"
        if let wait, shown.count == steps.count + 2 {
            #expect(shown == steps + [wait, summary])
        } else {
            #expect(shown == steps + [summary])
        }
    }
}
