import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The acceptance test of the run state (`govstats run` keeping what it learned from the
/// inputs beside `--out`, so that a nightly run reads only the new files).
///
/// A seeded random walk over a small data folder — two datasets of daily exports with
/// duplicates and conflicts across files and a few rejected rows — applies one operation per
/// step: add a file that sorts last or first, modify one (also keeping its size and setting
/// its mtime back, as `touch -r` does, or the last one, as when a night's export is sent
/// again), append rows to the last one in place, delete, rename, truncate, change
/// `govstats.toml`, corrupt the state, kill a run with SIGKILL at a random moment, move the
/// day of the run.
/// After every step a run that uses the state (`--out WARM`, state beside it) must publish,
/// byte for byte, what `--full` publishes on the same inputs.
///
/// `GOVSTATS_PROPERTY_SEED` (decimal or 0x…) and `GOVSTATS_PROPERTY_STEPS` override the seed
/// and the number of steps. A failure names the seed, the step, every operation so far and
/// the first differing file, and keeps the folder for inspection.
@Suite(.serialized) struct RunStatePropertyTests {
    static let defaultSeed: UInt64 = 20_180_301
    static let defaultSteps = 200

    @Test(.timeLimit(.minutes(30)))
    func warmRunsPublishTheBytesOfFullRuns() throws {
        let environment = ProcessInfo.processInfo.environment
        var seed = Self.defaultSeed
        if let text = environment["GOVSTATS_PROPERTY_SEED"] {
            guard let parsed = parsePropertySeed(text) else {
                Issue.record("GOVSTATS_PROPERTY_SEED must be a whole number (decimal or 0x…), not '\(text)'")
                return
            }
            seed = parsed
        }
        var steps = Self.defaultSteps
        if let text = environment["GOVSTATS_PROPERTY_STEPS"] {
            guard let parsed = Int(text), parsed >= 0 else {
                Issue.record("GOVSTATS_PROPERTY_STEPS must be a whole number >= 0, not '\(text)'")
                return
            }
            steps = parsed
        }
        print("RunStatePropertyTests: seed \(seed), \(steps) steps (override with GOVSTATS_PROPERTY_SEED and GOVSTATS_PROPERTY_STEPS)")
        let walk = try RunStateWalk(seed: seed, steps: steps)
        let started = Date()
        let failure = walk.run()
        let seconds = Date().timeIntervalSince(started)
        print("RunStatePropertyTests: \(walk.summary()), \(String(format: "%.1f", seconds)) s")
        if let failure {
            print("RunStatePropertyTests: folder kept for inspection: \(walk.folder.path)")
            Issue.record("\(failure)")
        } else {
            walk.folder.remove()
        }
        if steps >= 100 && walk.earlierNights == 0 {
            Issue.record("no warm run of \(steps) steps went on from the state as an earlier night left it: the walk no longer covers a change to a delta's files")
        }
    }
}

private func parsePropertySeed(_ text: String) -> UInt64? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed.hasPrefix("0x") || trimmed.hasPrefix("0X") { return UInt64(trimmed.dropFirst(2), radix: 16) }
    return UInt64(trimmed)
}

// MARK: - The random walk

private enum WalkOperation: String, CaseIterable {
    case addLast = "add-last"
    case addFirst = "add-first"
    case modify = "modify"
    case modifySameSize = "modify-same-size"
    case resendLast = "resend-last"
    case growLast = "grow-last"
    case delete = "delete"
    case rename = "rename"
    case truncateFile = "truncate"
    case config = "config"
    case corruptState = "corrupt-state"
    case tamperPrevious = "tamper-previous"
    case killRun = "kill"
    case clock = "clock"
    case nothing = "nothing"

    /// Weights favour a file that sorts last: the nightly case the state exists for.
    static let weights: [(WalkOperation, Int)] = [
        (.addLast, 30), (.addFirst, 6), (.modify, 8), (.modifySameSize, 8), (.resendLast, 6), (.growLast, 8), (.delete, 5),
        (.rename, 6), (.truncateFile, 5), (.config, 5), (.corruptState, 6), (.killRun, 6),
        (.clock, 4), (.nothing, 3), (.tamperPrevious, 4),
    ]

    /// The operations that change the inputs: what a killed run is started after.
    static let dataWeights = weights.filter {
        [.addLast, .addFirst, .modify, .modifySameSize, .resendLast, .growLast, .delete, .rename, .truncateFile, .config].contains($0.0)
    }
}

/// How many warning lines about the state the run that uses it may print.
private enum StateWarnings {
    /// The state was left intact: none.
    case none
    /// A state file was damaged: exactly one, a `govstats: warning: ` line.
    case one
    /// The state may be set aside (missing, another config, the day of the run moved, a run
    /// killed while writing it): none or one.
    case atMostOne
}

private enum WalkDataset: String, CaseIterable {
    case alarm = "alarm_calls"
    case burglary = "burglary_reports"

    var header: String {
        switch self {
        case .alarm: "call_id,received_at,district,street,call_type,category,response_seconds,disposition"
        case .burglary: "case_id,reported_at,district,street,community,premises,loss_yuan,status"
        }
    }

    /// Every dataset, `preferred` first: where the walk looks for a file to work on.
    static func starting(with preferred: WalkDataset) -> [WalkDataset] {
        [preferred] + allCases.filter { $0 != preferred }
    }

    var keyPrefix: String {
        switch self {
        case .alarm: "C"
        case .burglary: "RS"
        }
    }
}

/// What a killed run left: --out as it stood after the kill, or why that is wrong already.
private struct KillOutcome {
    var tree: [String: [UInt8]]
    var problem: String?
}

/// One valid record as written: key, date and time, and the six other columns.
private struct WalkRow {
    var key: String
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    var values: [String]
}

/// Values of the same byte length, so that a same-size edit can swap one for another.
private let walkDistricts = ["宝山区", "闵行区", "徐汇区"]
private let walkStreets = ["宝山区": ["罗店镇", "顾村镇", "大场镇"], "闵行区": ["马桥镇", "莘庄镇", "梅陇镇"], "徐汇区": ["枫林路街道", "徐家汇街道"]]
private let walkAllStreets = ["罗店镇", "顾村镇", "大场镇", "马桥镇", "莘庄镇", "梅陇镇", "枫林路街道", "徐家汇街道"]
private let walkCallTypes = ["报警", "求助", "举报"]
private let walkCategories = ["盗窃", "诈骗", "纠纷", "扒窃", "噪音扰民", "入室盗窃"]
private let walkDispositions = ["已处理", "已移交", "已核查"]
private let walkCommunities = ["康城", "新城", "金桥三村", "阳光名邸", "瑞和名邸"]
private let walkPremises = ["住宅", "商铺", "仓库"]
private let walkStatuses = ["已破", "未破", "侦查中"]
private let walkSwapGroups: [[String]] = [
    walkDistricts, walkAllStreets, walkCallTypes, walkCategories, walkDispositions,
    walkCommunities, walkPremises, walkStatuses,
]

/// Valid `govstats.toml` texts; `nil` is no file at all.
private let walkConfigs: [String?] = [
    nil,
    "",
    "[report]\ncity = \"上海市\"\n",
    "[report]\ncity = \"Shanghai\"\nmax_districts = 50\n",
    "[alarm_calls]\ntheft_categories = [\"盗窃\", \"扒窃\"]\n",
    "[alarm_calls]\nalarm_call_types = [\"报警\", \"求助\"]\n",
    "[alarm_calls]\ndrop = { category = [\"纠纷\"] }\n",
    "[alarm_calls]\nkeep = { district = [\"宝山区\", \"闵行区\"] }\n",
    "[alarm_calls]\nlatest_by = \"received_at\"\n",
    "[alarm_calls]\nyears = [2017, 2099]\nencoding = \"utf-8\"\n",
    "[burglary_reports]\ncleared_statuses = [\"已破\", \"侦查中\"]\n",
    "[burglary_reports]\ndrop = { status = [\"未*\"] }\n",
    "[report]\ncity = \"全市\"\n\n[alarm_calls]\ntheft_categories = [\"*窃\"]\n",
]

private final class RunStateWalk {
    let seed: UInt64
    let steps: Int
    let folder: TemporaryDirectory
    let data: String
    let warm: String
    let warmParent: String
    let warmState: String
    let full: String
    let fullState: String
    let binary = GovStatsBinary.path

    var rng: SplitMix
    var history: [String] = []
    var keyCounter = 0
    var pools: [WalkDataset: [WalkRow]] = [.alarm: [], .burglary: []]
    var configIndex = 0
    /// The day of the run (days since 1970-01-01), given to both runs as SOURCE_DATE_EPOCH.
    var runDay = 0
    /// What WARM held after the last step: the reports a killed run must leave or replace whole.
    var published: [String: [UInt8]] = [:]
    var warmSeconds: [Double] = []
    var fullSeconds: [Double] = []
    var counts: [String: Int] = [:]
    var killsMidRun = 0
    var killsAfterExit = 0
    /// Warm runs that went on from the state as an earlier night left it: `state` kept,
    /// a delta that was there before replaced or removed.
    var earlierNights = 0
    /// Files outside the reports that `tamperPrevious` linked into the reports the state keeps,
    /// with their bytes: no run may change them.
    var outsiders: [String: [UInt8]] = [:]

    init(seed: UInt64, steps: Int) throws {
        self.seed = seed
        self.steps = steps
        rng = SplitMix(state: seed)
        folder = try TemporaryDirectory("govstats-runstate")
        data = folder.path + "/data"
        warmParent = folder.path + "/warm"
        warm = warmParent + "/reports"
        warmState = warmParent + "/.reports.state"
        full = folder.path + "/full/reports"
        fullState = folder.path + "/full/state"
        for path in [data + "/alarm_calls", data + "/burglary_reports", warmParent, folder.path + "/full"] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
    }

    func summary() -> String {
        func mean(_ values: [Double]) -> String {
            values.isEmpty ? "-" : String(format: "%.0f ms", values.reduce(0, +) / Double(values.count) * 1000)
        }
        let operations = counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "\(history.count - 1) steps after the initial data (\(operations); kills mid-run \(killsMidRun), after exit \(killsAfterExit); "
            + "went on from an earlier night \(earlierNights)); "
            + "mean run with state \(mean(warmSeconds)), --full \(mean(fullSeconds))"
    }

    /// Runs every step; returns the failure message, or nil.
    func run() -> String? {
        do {
            let initial = try makeInitialData()
            history.append("0: \(initial)")
            if let failure = check(step: 0, expect: .atMostOne, killedTree: nil) { return failure }
            for step in stride(from: 1, through: steps, by: 1) {
                let operation = choose(WalkOperation.weights)
                counts[operation.rawValue, default: 0] += 1
                let (description, expect, killed) = try apply(operation)
                history.append("\(step): \(description)")
                if let problem = killed?.problem { return failureMessage(step: step, problem) }
                if let failure = check(step: step, expect: expect, killedTree: killed?.tree) { return failure }
            }
            return nil
        } catch {
            return failureMessage(step: history.count, "the test itself failed: \(error)")
        }
    }

    // MARK: Checking one step

    var environment: [String: String] {
        ["SOURCE_DATE_EPOCH": String(runDay * 86_400 + 43_200), "TZ": "UTC"]
    }

    /// Warm runs take one thread and two in turn: the state is written before the reports
    /// are made, or beside them.
    var warmArguments: [String] {
        ["run", "--data", data, "--out", warm, "--quiet", "--max-reject-pct", "100", "--jobs", String(1 + history.count % 2)]
    }

    var fullArguments: [String] {
        ["run", "--data", data, "--out", full, "--state", fullState, "--full", "--quiet", "--max-reject-pct", "100"]
    }

    func check(step: Int, expect: StateWarnings, killedTree: [String: [UInt8]]?) -> String? {
        let warmResult: CommandResult
        let fullResult: CommandResult
        do {
            var started = Date()
            let before = stateFiles()
            warmResult = try GovStatsBinary.run(warmArguments, environment: environment)
            warmSeconds.append(Date().timeIntervalSince(started))
            let after = stateFiles()
            if let state = before["state"], after["state"] == state,
               before.contains(where: { $0.key != "state" && after[$0.key] != $0.value }) {
                earlierNights += 1
            }
            started = Date()
            fullResult = try GovStatsBinary.run(fullArguments, environment: environment)
            fullSeconds.append(Date().timeIntervalSince(started))
        } catch {
            return failureMessage(step: step, "cannot start govstats: \(error)")
        }
        guard warmResult.status == 0 else {
            return failureMessage(step: step, "the run with the state exited \(warmResult.status):\n\(warmResult.stderr)")
        }
        guard fullResult.status == 0 else {
            return failureMessage(step: step, "the --full run exited \(fullResult.status):\n\(fullResult.stderr)")
        }
        let warmTree = readTree(warm)
        let fullTree = readTree(full)
        if warmTree.isEmpty || fullTree["run.json"] == nil {
            return failureMessage(step: step, "no reports were published (with the state: \(warmTree.count) files, --full: \(fullTree.count) files)")
        }
        if let difference = firstDifference(warmTree, "with the state", fullTree, "--full") {
            return failureMessage(step: step, "the reports published with the state differ from those of --full: \(difference)")
        }
        // Warnings: every line of a successful run is one; lines about the state as expected.
        let lines = warmResult.stderr.split(separator: "\n")
        if let stray = lines.first(where: { !$0.hasPrefix("govstats: warning: ") }) {
            return failureMessage(step: step, "the run with the state printed a line that is not a warning: \(stray)\nstderr:\n\(warmResult.stderr)")
        }
        let stateLines = lines.filter { $0.lowercased().contains("state") }
        let expected: ClosedRange<Int> = switch expect {
        case .none: 0...0
        case .one: 1...1
        case .atMostOne: 0...1
        }
        if !expected.contains(stateLines.count) {
            return failureMessage(step: step, "the run with the state printed \(stateLines.count) warning lines about the state, expected \(expected.lowerBound == expected.upperBound ? "\(expected.lowerBound)" : "\(expected.lowerBound) to \(expected.upperBound)"):\n\(warmResult.stderr)")
        }
        for (path, bytes) in outsiders.sorted(by: { $0.key < $1.key }) where [UInt8](FileManager.default.contents(atPath: path) ?? Data()) != bytes {
            return failureMessage(step: step, "a run changed \(path), a file outside the reports linked into those the state keeps")
        }
        // What a killed run leaves behind is removed by the next run.
        let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: warmParent)) ?? []).filter { $0.hasPrefix(".reports.staging") }
        if !leftovers.isEmpty {
            return failureMessage(step: step, "a successful run left staging folders beside --out: \(leftovers.sorted())")
        }
        // A killed run leaves the earlier reports, or replaces them whole with the new ones.
        if let killedTree, killedTree != published, killedTree != fullTree {
            let before = firstDifference(killedTree, "after the kill", published, "before the kill") ?? ""
            let after = firstDifference(killedTree, "after the kill", fullTree, "--full") ?? ""
            return failureMessage(step: step, "after the kill --out holds neither the earlier reports nor the new ones: against the earlier: \(before); against the new: \(after)")
        }
        published = fullTree
        return nil
    }

    /// The inode of each file of the warm run's state, by name.
    func stateFiles() -> [String: Int] {
        var inodes: [String: Int] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: warmState)) ?? [] where name == "state" || name.hasPrefix("state.") && !name.hasPrefix("state.partial") {
            inodes[name] = (try? FileManager.default.attributesOfItem(atPath: warmState + "/" + name))?[.systemFileNumber] as? Int
        }
        return inodes
    }

    func failureMessage(step: Int, _ what: String) -> String {
        """
        run state property failed at step \(step) of \(steps), seed \(seed) \
        (replay: GOVSTATS_PROPERTY_SEED=\(seed) GOVSTATS_PROPERTY_STEPS=\(step) swift test --skip-build --filter RunStatePropertyTests)
        \(what)
        operations so far (step 0 is the initial data):
        \(history.joined(separator: "\n"))
        folder kept for inspection: \(folder.path)
        """
    }

    // MARK: Random choices

    func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    func chance(_ percent: Int) -> Bool { int(0...99) < percent }
    func pick<T>(_ values: [T]) -> T { values[int(0...values.count - 1)] }

    func choose<T>(_ weighted: [(T, Int)]) -> T {
        var roll = int(0...weighted.reduce(0) { $0 + $1.1 } - 1)
        for (value, weight) in weighted {
            if roll < weight { return value }
            roll -= weight
        }
        return weighted[weighted.count - 1].0
    }

    func chooseDataset() -> WalkDataset { chance(70) ? .alarm : .burglary }

    // MARK: Rows and files

    func newKey(_ dataset: WalkDataset) -> String {
        keyCounter += 1
        // Some keys shorter than the rest: a key table whose keys have one length keeps
        // them apart from one whose keys have several (`ByteTable`).
        return dataset.keyPrefix + (chance(10) ? String(keyCounter) : String(format: "%05d", keyCounter))
    }

    func newValues(_ dataset: WalkDataset) -> [String] {
        let district = pick(walkDistricts)
        switch dataset {
        case .alarm:
            return [
                district,
                chance(25) ? "" : pick(walkStreets[district]!),
                pick(walkCallTypes),
                pick(walkCategories),
                chance(20) ? "" : String(int(30...900)),
                chance(20) ? "" : pick(walkDispositions),
            ]
        case .burglary:
            let loss = switch int(0...3) {
            case 0: "0"
            case 1: "\(int(1...9999)).50"
            case 2: ""
            default: String(int(1...9999))
            }
            return [
                district,
                chance(30) ? "" : pick(walkStreets[district]!),
                pick(walkCommunities),
                chance(20) ? "" : pick(walkPremises),
                loss,
                pick(walkStatuses),
            ]
        }
    }

    func newRow(_ dataset: WalkDataset, key: String, day: Int) -> WalkRow {
        let midnight = chance(5)
        let row = WalkRow(
            key: key, day: day - int(0...2),
            hour: midnight ? 0 : int(0...23), minute: midnight ? 0 : int(0...59),
            second: midnight || chance(50) ? 0 : int(0...59),
            values: newValues(dataset))
        pools[dataset]!.append(row)
        return row
    }

    /// The date in one of the forms that read as the same value.
    func formatDate(_ row: WalkRow) -> String {
        let (y, m, d) = civilFromDays(row.day)
        let p2 = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
        var forms = [
            "\(y)-\(p2(m))-\(p2(d)) \(p2(row.hour)):\(p2(row.minute)):\(p2(row.second))",
            "\(y)/\(m)/\(d) \(row.hour):\(p2(row.minute)):\(p2(row.second))",
            "\(y)-\(p2(m))-\(p2(d))T\(p2(row.hour)):\(p2(row.minute)):\(p2(row.second))",
        ]
        if row.second == 0 {
            forms += ["\(y)-\(p2(m))-\(p2(d)) \(p2(row.hour)):\(p2(row.minute))", "\(y)/\(m)/\(d) \(row.hour):\(p2(row.minute))"]
        }
        if row.hour == 0 && row.minute == 0 && row.second == 0 {
            forms += ["\(y)-\(p2(m))-\(p2(d))", "\(y)/\(m)/\(d)"]
        }
        // Mostly the export's usual form.
        return chance(70) ? forms[0] : pick(forms)
    }

    func line(_ row: WalkRow, padded: Bool = false) -> String {
        var fields = [row.key, formatDate(row)] + row.values
        if padded {
            // White space around a value does not matter: still the same record.
            let index = int(0...fields.count - 1)
            if !fields[index].isEmpty { fields[index] = " " + fields[index] + (chance(50) ? "　" : " ") }
        }
        return fields.joined(separator: ",")
    }

    func invalidLine(_ dataset: WalkDataset, day: Int) -> String {
        let row = WalkRow(key: newKey(dataset), day: day, hour: 8, minute: 0, second: 0, values: newValues(dataset))
        var fields = [row.key, formatDate(row)] + row.values
        switch int(0...5) {
        case 0: fields[1] = "\(civilFromDays(day).0)-02-30 08:00:00"  // no such day
        case 1: fields[2] = ""  // district missing
        case 2: fields[6] = dataset == .alarm ? "-5" : "-200"  // response_seconds, loss_yuan
        case 3: fields.removeLast()  // a field short
        case 4: return dataset.header  // the header again
        default: fields[dataset == .alarm ? 5 : 4] = ""  // category, community missing
        }
        return fields.joined(separator: ",")
    }

    /// Rows of an export of `day`: new records, duplicates of earlier ones (the same or
    /// written another way), conflicts (a known key, other values), a few invalid rows.
    func generateLines(_ dataset: WalkDataset, day: Int, count: Int) -> [String] {
        var lines: [String] = []
        for _ in 0..<count {
            let roll = int(0...99)
            let pool = pools[dataset]!
            if roll < 3 {
                lines.append(invalidLine(dataset, day: day))
            } else if roll < 15, !pool.isEmpty {
                lines.append(line(pick(pool), padded: chance(30)))
            } else if roll < 24, !pool.isEmpty {
                var changed = pick(pool)
                if chance(30) {
                    changed.hour = (changed.hour + int(1...5)) % 24
                } else {
                    changed.values = newValues(dataset)
                }
                pools[dataset]!.append(changed)
                lines.append(line(changed))
            } else if roll < 28, let earlier = lines.last {
                lines.append(earlier)
            } else {
                lines.append(line(newRow(dataset, key: newKey(dataset), day: day)))
            }
        }
        return lines
    }

    func newFileText(_ dataset: WalkDataset, day: Int) -> String {
        var lines = generateLines(dataset, day: day, count: int(3...30))
        if chance(5) { lines.insert(chance(50) ? "" : "   ", at: int(0...lines.count)) }
        let file = WalkFile(lines: [dataset.header] + lines, crlf: chance(10), trailingNewline: chance(90))
        return file.text
    }

    // MARK: The data folder

    func datasetFolder(_ dataset: WalkDataset) -> String { data + "/" + dataset.rawValue }

    /// The files govstats reads, in its order: `.csv`, not hidden.
    func csvFiles(_ dataset: WalkDataset) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: datasetFolder(dataset))) ?? []
        return names.filter { $0.hasSuffix(".csv") && !$0.hasPrefix(".") }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    func allDays() -> [Int] {
        WalkDataset.allCases.flatMap { csvFiles($0).compactMap(dayOfName) }
    }

    /// Writes a data file, in place (the same inode) or by a rename over it (a new one), and
    /// dates it a little in the past, as the files of a nightly folder are older than the state.
    func writeDataFile(_ path: String, _ text: String) throws -> String {
        let inPlace = chance(50)
        try writeBytes(path, Array(text.utf8), inPlace: inPlace)
        try setMTimeInThePast(path)
        return inPlace ? "in place" : "replaced"
    }

    func writeBytes(_ path: String, _ bytes: [UInt8], inPlace: Bool) throws {
        let url = URL(fileURLWithPath: path)
        let target = inPlace ? path : url.deletingLastPathComponent().path + "/.writing-" + url.lastPathComponent
        let descriptor = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw SupportError("cannot open \(target): errno \(errno)") }
        defer { close(descriptor) }
        try writeAll(descriptor, bytes, path: target)
        if !inPlace, rename(target, path) != 0 { throw SupportError("cannot rename \(target): errno \(errno)") }
    }

    func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            guard written > 0 else { throw SupportError("cannot write \(path): errno \(errno)") }
            offset += written
        }
    }

    func setMTimeInThePast(_ path: String) throws {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let past = timespec(tv_sec: now.tv_sec - 10 - int(0...20), tv_nsec: int(0...999_999_999))
        try setTimes(path, access: past, modification: past)
    }

    func makeInitialData() throws -> String {
        var day = daysFromCivil(2017, 1, 2)
        var made: [String] = []
        for index in 0..<6 {
            let name = dayName(day) + ".csv"
            _ = try writeDataFile(datasetFolder(.alarm) + "/" + name, newFileText(.alarm, day: day))
            made.append("alarm_calls/" + name)
            if index % 2 == 0 {
                let burglaryDay = day + int(0...1)
                let burglaryName = dayName(burglaryDay) + ".csv"
                _ = try writeDataFile(datasetFolder(.burglary) + "/" + burglaryName, newFileText(.burglary, day: burglaryDay))
                made.append("burglary_reports/" + burglaryName)
            }
            day += int(1...4)
        }
        runDay = (allDays().max() ?? day) + 30
        return "initial data: \(made.joined(separator: ", ")); day of the run \(dayName(runDay))"
    }

    // MARK: Operations

    func apply(_ operation: WalkOperation) throws -> (String, StateWarnings, KillOutcome?) {
        switch operation {
        case .corruptState:
            let (description, expect) = try corruptState()
            return (description, expect, nil)
        case .tamperPrevious:
            return (try tamperPrevious(), .none, nil)
        case .killRun:
            return try killRun()
        case .clock:
            return (moveTheDayOfTheRun(), .atMostOne, nil)
        case .nothing:
            return ("nothing changed", .none, nil)
        default:
            let (description, expect) = try applyDataOperation(operation)
            return (description, expect, nil)
        }
    }

    func applyDataOperation(_ operation: WalkOperation) throws -> (String, StateWarnings) {
        switch operation {
        case .addLast: return (try addFile(chooseDataset(), last: true), .none)
        case .addFirst: return (try addFile(chooseDataset(), last: false), .none)
        case .modify: return try modifyFile()
        case .resendLast: return try modifyFile(last: true)
        case .growLast: return try growLastFile()
        case .modifySameSize: return try modifyKeepingSizeAndMTime()
        case .delete: return try deleteFile()
        case .rename: return try renameFile()
        case .truncateFile: return try truncateFile()
        case .config: return (try changeConfig(), .atMostOne)
        default: throw SupportError("\(operation) is not a data operation")
        }
    }

    func addFile(_ dataset: WalkDataset, last: Bool) throws -> String {
        let names = csvFiles(dataset)
        let days = names.compactMap(dayOfName)
        let base = (last ? days.max() : days.min()) ?? allDays().max() ?? daysFromCivil(2017, 1, 2)
        var day = last ? base + int(1...3) : base - int(1...5)
        var name = dayName(day) + ".csv"
        // Sorts strictly after (before) every file of the dataset.
        while let edge = last ? names.last : names.first,
              last ? !edge.utf8.lexicographicallyPrecedes(name.utf8) : !name.utf8.lexicographicallyPrecedes(edge.utf8) {
            day += last ? 1 : -1
            name = dayName(day) + ".csv"
        }
        let text = newFileText(dataset, day: day)
        let how = try writeDataFile(datasetFolder(dataset) + "/" + name, text)
        let rows = WalkFile(text: text).lines.count - 1
        return "add \(last ? "last" : "first") \(dataset.rawValue)/\(name) (\(rows) lines, \(how))"
    }

    /// A file to work on, of `preferred` when it has one; nil when no dataset has one that
    /// fits. One time in two it is one of the last two (a night's export sent again,
    /// which the deltas of the state recorded), else any.
    func chooseFile(_ preferred: WalkDataset, where fits: (WalkDataset, String) -> Bool = { _, _ in true }) -> (WalkDataset, String)? {
        let recent = chance(50)
        for dataset in WalkDataset.starting(with: preferred) {
            let names = csvFiles(dataset).filter { fits(dataset, $0) }
            if !names.isEmpty { return (dataset, pick(recent ? Array(names.suffix(2)) : names)) }
        }
        return nil
    }

    /// The last file of `preferred`, or of the other dataset when `preferred` has none.
    func lastFile(_ preferred: WalkDataset) -> (WalkDataset, String)? {
        for dataset in WalkDataset.starting(with: preferred) {
            if let name = csvFiles(dataset).last { return (dataset, name) }
        }
        return nil
    }

    func fallBack(_ why: String) throws -> (String, StateWarnings) {
        let description = try addFile(.alarm, last: true)
        return ("(\(why)) \(description)", .none)
    }

    /// `last`: the dataset's last file, as when last night's export is sent again.
    func modifyFile(last: Bool = false) throws -> (String, StateWarnings) {
        let preferred = chooseDataset()
        let chosen = last ? lastFile(preferred) : chooseFile(preferred)
        guard let (dataset, name) = chosen else { return try fallBack("no file to modify") }
        let path = datasetFolder(dataset) + "/" + name
        let old = try String(contentsOfFile: path, encoding: .utf8)
        var file = WalkFile(text: old)
        let day = dayOfName(name) ?? runDay
        let dataLines = file.lines.count - 1
        var what: String
        switch int(0...6) {
        case 0:
            file.lines += generateLines(dataset, day: day, count: int(1...5))
            what = "rows appended"
        case 1 where dataLines > 0:
            file.lines.remove(at: int(1...dataLines))
            what = "a row removed"
        case 2 where dataLines > 0:
            // Another version of a record of the file: a conflict.
            let index = int(1...dataLines)
            let key = file.lines[index].split(separator: ",", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let row = newRow(dataset, key: key.isEmpty ? newKey(dataset) : key.trimmingCharacters(in: .whitespaces), day: day)
            file.lines[index] = line(row)
            what = "row \(index + 1) changed"
        case 3:
            file.lines = [dataset.header] + generateLines(dataset, day: day, count: int(3...30))
            what = "rewritten"
        case 4 where dataLines > 1:
            file.lines = [file.lines[0]] + file.lines.dropFirst().shuffled(using: &rng)
            what = "rows reordered"
        case 5:
            file.crlf.toggle()
            what = file.crlf ? "line ends made CRLF" : "line ends made LF"
        default:
            file.lines.insert(contentsOf: generateLines(dataset, day: day, count: int(1...3)), at: 1)
            what = "rows inserted after the header"
        }
        if file.text == old {
            file.lines.append(line(newRow(dataset, key: newKey(dataset), day: day)))
            what += ", a row appended"
        }
        let how = try writeDataFile(path, file.text)
        return ("modify \(dataset.rawValue)/\(name): \(what) (\(how))", .none)
    }

    /// Appends rows to the last file of a dataset, in place (`O_APPEND`), as an export kept
    /// for the year to date grows: usually after a line break, sometimes after a record
    /// the file ended without one.
    func growLastFile() throws -> (String, StateWarnings) {
        guard let (dataset, name) = lastFile(chooseDataset()) else { return try fallBack("no file to grow") }
        let path = datasetFolder(dataset) + "/" + name
        let file = WalkFile(text: try String(contentsOfFile: path, encoding: .utf8))
        let end = file.crlf ? "\r\n" : "\n"
        let rows = generateLines(dataset, day: dayOfName(name) ?? runDay, count: int(1...8))
        let text = rows.joined(separator: end) + end
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else { throw SupportError("cannot open \(path): errno \(errno)") }
        defer { close(descriptor) }
        try writeAll(descriptor, Array(text.utf8), path: path)
        try setMTimeInThePast(path)
        let after = file.trailingNewline || file.lines.isEmpty ? "" : ", after a last record without a line break"
        return ("grow \(dataset.rawValue)/\(name): \(rows.count) rows appended in place\(after)", .none)
    }

    /// Changes one value to another of the same byte length, in place, and sets the mtime
    /// back to what it was (`touch -r`): only the ctime tells the file changed.
    func modifyKeepingSizeAndMTime() throws -> (String, StateWarnings) {
        var candidates: [(WalkDataset, String, Int, Int)] = []  // dataset, name, line start, line end
        func lineRanges(_ bytes: [UInt8]) -> [(Int, Int)] {
            var ranges: [(Int, Int)] = []
            var start = 0
            for (index, byte) in bytes.enumerated() where byte == 0x0A {
                ranges.append((start, index))
                start = index + 1
            }
            if start < bytes.count { ranges.append((start, bytes.count)) }
            return ranges.dropFirst().map { range in
                var end = range.1
                if end > range.0, bytes[end - 1] == 0x0D { end -= 1 }
                return (range.0, end)
            }.filter { $0.1 > $0.0 }
        }
        let dataset = chooseDataset()
        for candidate in WalkDataset.starting(with: dataset) where candidates.isEmpty {
            for name in csvFiles(candidate) {
                let bytes = [UInt8](FileManager.default.contents(atPath: datasetFolder(candidate) + "/" + name) ?? Data())
                for (start, end) in lineRanges(bytes) { candidates.append((candidate, name, start, end)) }
            }
        }
        guard !candidates.isEmpty else { return try fallBack("no row to change in place") }
        // Tries lines until one holds a value that can change.
        for _ in 0..<20 {
            let (dataset, name, start, end) = pick(candidates)
            let path = datasetFolder(dataset) + "/" + name
            var bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
            guard end <= bytes.count else { continue }
            let oldLine = String(decoding: bytes[start..<end], as: UTF8.self)
            var fields = oldLine.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var edits: [(Int, String)] = []
            for (index, field) in fields.enumerated() {
                if let group = walkSwapGroups.first(where: { $0.contains(field) }) {
                    for other in group where other != field && other.utf8.count == field.utf8.count { edits.append((index, other)) }
                }
                var digits = Array(field.utf8)
                if let position = digits.indices.filter({ digits[$0] >= 0x30 && digits[$0] <= 0x39 }).randomElement(using: &rng) {
                    let old = digits[position]
                    var new = UInt8(0x30 + int(0...9))
                    if new == old { new = 0x30 + (old - 0x30 + 1) % 10 }
                    digits[position] = new
                    edits.append((index, String(decoding: digits, as: UTF8.self)))
                }
            }
            guard !edits.isEmpty else { continue }
            let (index, value) = pick(edits)
            let was = fields[index]
            fields[index] = value
            let newLine = Array(fields.joined(separator: ",").utf8)
            guard newLine.count == end - start else { throw SupportError("a same-size edit changed the size of \(path)") }
            let before = try fileStatus(path)
            bytes.replaceSubrange(start..<end, with: newLine)
            let descriptor = open(path, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw SupportError("cannot open \(path): errno \(errno)") }
            try writeAll(descriptor, bytes, path: path)
            close(descriptor)
            try setTimes(path, access: before.st_atim, modification: before.st_mtim)
            let after = try fileStatus(path)
            guard after.st_size == before.st_size, after.st_ino == before.st_ino,
                  after.st_mtim.tv_sec == before.st_mtim.tv_sec, after.st_mtim.tv_nsec == before.st_mtim.tv_nsec else {
                throw SupportError("\(path): size, inode or mtime changed by a same-size edit")
            }
            let lineNumber = bytes[..<start].filter { $0 == 0x0A }.count + 1
            return ("modify \(dataset.rawValue)/\(name) keeping its size and mtime: line \(lineNumber) field \(index + 1) '\(was)' -> '\(value)'", .none)
        }
        return try fallBack("no value to change in place")
    }

    func deleteFile() throws -> (String, StateWarnings) {
        // At least one alarm_calls file stays, so that the data folder is never refused.
        guard let (dataset, name) = chooseFile(chooseDataset(), where: { dataset, _ in dataset != .alarm || csvFiles(.alarm).count > 1 }) else {
            return try fallBack("no file to delete")
        }
        try FileManager.default.removeItem(atPath: datasetFolder(dataset) + "/" + name)
        return ("delete \(dataset.rawValue)/\(name)", .none)
    }

    func renameFile() throws -> (String, StateWarnings) {
        let preferred = chooseDataset()
        // A file set aside earlier (hidden, so not read) comes back.
        let hidden = ((try? FileManager.default.contentsOfDirectory(atPath: datasetFolder(preferred))) ?? []).filter { $0.hasPrefix(".hidden-") }.sorted()
        if !hidden.isEmpty, chance(30) {
            let name = pick(hidden)
            let back = String(name.dropFirst(".hidden-".count))
            let folder = datasetFolder(preferred)
            if !FileManager.default.fileExists(atPath: folder + "/" + back) {
                try renamePath(folder + "/" + name, folder + "/" + back)
                return ("rename \(preferred.rawValue)/\(name) -> \(back) (read again)", .none)
            }
        }
        guard let (dataset, name) = chooseFile(preferred) else { return try fallBack("no file to rename") }
        let folder = datasetFolder(dataset)
        let existing = Set((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
        var target: String
        var how: String
        let roll = int(0...99)
        if roll < 15, dataset != .alarm || csvFiles(.alarm).count > 1 {
            target = ".hidden-" + name
            how = "set aside: no longer read"
        } else if roll < 50 {
            target = String(name.dropLast(4)) + "_r.csv"
            how = "the same place in the order"
        } else {
            let days = allDays()
            target = dayName(int((days.min() ?? runDay) - 10...(days.max() ?? runDay) + 10)) + ".csv"
            how = "elsewhere in the order"
        }
        while existing.contains(target) { target = String(target.dropLast(4)) + "_r.csv" }
        try renamePath(folder + "/" + name, folder + "/" + target)
        return ("rename \(dataset.rawValue)/\(name) -> \(target) (\(how))", .none)
    }

    func renamePath(_ from: String, _ to: String) throws {
        guard rename(from, to) == 0 else { throw SupportError("cannot rename \(from) to \(to): errno \(errno)") }
    }

    /// Cuts a file at a random byte after its header, perhaps mid-line, never inside a
    /// character (the file stays UTF-8, and its header whole).
    func truncateFile() throws -> (String, StateWarnings) {
        func headerEnd(_ bytes: [UInt8]) -> Int? { bytes.firstIndex(of: 0x0A).map { $0 + 1 } }
        let fits = { (dataset: WalkDataset, name: String) -> Bool in
            let bytes = [UInt8](FileManager.default.contents(atPath: self.datasetFolder(dataset) + "/" + name) ?? Data())
            return headerEnd(bytes).map { $0 < bytes.count } ?? false
        }
        guard let (dataset, name) = chooseFile(chooseDataset(), where: fits) else { return try fallBack("no file to truncate") }
        let path = datasetFolder(dataset) + "/" + name
        let bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
        let start = headerEnd(bytes)!
        var cut = int(start...bytes.count - 1)
        while cut > start, bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
        guard truncate(path, off_t(cut)) == 0 else { throw SupportError("cannot truncate \(path): errno \(errno)") }
        try setMTimeInThePast(path)
        let midLine = cut > 0 && bytes[cut - 1] != 0x0A
        return ("truncate \(dataset.rawValue)/\(name) from \(bytes.count) to \(cut) bytes\(midLine ? " (mid-line)" : "")", .none)
    }

    func changeConfig() throws -> String {
        var index = int(0...walkConfigs.count - 1)
        if index == configIndex { index = (index + 1) % walkConfigs.count }
        configIndex = index
        let path = data + "/govstats.toml"
        guard let text = walkConfigs[index] else {
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            return "config: govstats.toml removed"
        }
        _ = try writeDataFile(path, text)
        return "config: govstats.toml = \(text.debugDescription)"
    }

    func moveTheDayOfTheRun() -> String {
        let latest = allDays().max() ?? runDay
        // Mostly ahead of the data; sometimes just behind, so that the newest rows are in the
        // future until the day moves on.
        var day = chance(30) ? latest + int(-3...0) : latest + int(1...40)
        if day == runDay { day += 1 }
        runDay = day
        return "the day of the run becomes \(dayName(day)) (latest file \(dayName(latest)))"
    }

    /// Damages a file of the state beside WARM.
    func corruptState() throws -> (String, StateWarnings) {
        // The state's own files: the reports it keeps for the next run to write over are
        // `tamperPrevious`'s.
        let files = listFiles(warmState).filter { name in
            let lower = name.lowercased()
            return !["lock", "tmp", "staging", "partial"].contains { lower.contains($0) } && !name.hasPrefix("previous/")
        }
        guard !files.isEmpty else { return ("corrupt the state: skipped, no state file in \(warmState)", .atMostOne) }
        let name = pick(files)
        let path = warmState + "/" + name
        var bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
        var mode = int(0...5)
        if mode == 4 && files.count < 2 { mode = 0 }
        if bytes.isEmpty && (mode == 0 || mode == 1) { mode = 2 }
        let description: String
        switch mode {
        case 0:
            let offset = int(0...bytes.count - 1)
            bytes[offset] ^= UInt8(int(1...255))
            description = "flip byte \(offset) of \(bytes.count) of \(name)"
        case 1:
            let size = int(0...bytes.count - 1)
            description = "truncate \(name) from \(bytes.count) to \(size) bytes"
            bytes = Array(bytes.prefix(size))
        case 2:
            let garbage = (0..<int(1...64)).map { _ in UInt8(int(0...255)) }
            bytes += garbage
            description = "append \(garbage.count) bytes of garbage to \(name)"
        case 3:
            let size = chance(50) ? bytes.count : int(0...200)
            var garbage = (0..<size).map { _ in UInt8(int(0...255)) }
            if garbage == bytes { garbage.append(0) }
            description = "replace \(name) (\(bytes.count) bytes) with \(garbage.count) bytes of garbage"
            bytes = garbage
        case 4:
            try FileManager.default.removeItem(atPath: path)
            // Without `state`, the run says so; without a delta, what is left is the state
            // of an earlier run, which is sound (the run reads what it holds not).
            return ("corrupt the state: delete \(name) (one of \(files.count) files)", name == "state" ? .one : .atMostOne)
        default:
            try FileManager.default.removeItem(atPath: warmState)
            return ("corrupt the state: remove the whole state folder (\(files.count) files)", .atMostOne)
        }
        try writeBytes(path, bytes, inPlace: chance(50))
        return ("corrupt the state: \(description)", .one)
    }

    /// Tampers with a file of the reports the state folder keeps for the next run to write
    /// over (`previous/`): a symbolic link to a file outside, a hard link from outside,
    /// another mode, garbage, or a folder in its place. None of it may reach the reports,
    /// change a file outside, or bring a warning.
    func tamperPrevious() throws -> String {
        let previous = warmState + "/previous"
        let files = listFiles(previous)
        guard !files.isEmpty else { return "tamper with the reports kept in the state: skipped, none kept" }
        let name = pick(files)
        let path = previous + "/" + name
        let outside = warmParent + "/outside-\(history.count)"
        switch int(0...4) {
        case 0:
            try writeBytes(outside, Array("outside \(history.count)\n".utf8), inPlace: false)
            outsiders[outside] = Array("outside \(history.count)\n".utf8)
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: outside)
            return "tamper with the reports kept in the state: previous/\(name) made a symbolic link to a file outside"
        case 1:
            try FileManager.default.linkItem(atPath: path, toPath: outside)
            outsiders[outside] = [UInt8](FileManager.default.contents(atPath: outside) ?? Data())
            return "tamper with the reports kept in the state: previous/\(name) hard-linked from outside"
        case 2:
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            return "tamper with the reports kept in the state: previous/\(name) made mode 600"
        case 3:
            try writeBytes(path, (0..<int(1...64)).map { _ in UInt8(int(0...255)) }, inPlace: chance(50))
            return "tamper with the reports kept in the state: previous/\(name) replaced with garbage"
        default:
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)
            return "tamper with the reports kept in the state: previous/\(name) made a folder"
        }
    }

    /// Changes the inputs, starts the run with the state and kills it (SIGKILL) after a random
    /// delay, from at once to a little after a whole run usually takes.
    func killRun() throws -> (String, StateWarnings, KillOutcome) {
        let (change, _) = try applyDataOperation(choose(WalkOperation.dataWeights))
        let typical = warmSeconds.isEmpty ? 0.2 : warmSeconds.suffix(20).reduce(0, +) / Double(warmSeconds.suffix(20).count)
        let delay = Double(int(0...1000)) / 1000 * typical * 1.3
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = warmArguments
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in self.environment { environment[key] = value }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(useconds_t(delay * 1_000_000))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let killed = process.terminationReason == .uncaughtSignal
        if killed { killsMidRun += 1 } else { killsAfterExit += 1 }
        let outcome = killed ? "killed mid-run" : "it had already exited \(process.terminationStatus)"
        let description = "\(change); then a run with the state, SIGKILL after \(String(format: "%.0f", delay * 1000)) ms (\(outcome))"
        let tree = readTree(warm)
        var problem: String?
        if !killed && process.terminationStatus != 0 {
            problem = "the run to be killed exited \(process.terminationStatus) by itself"
        } else if tree["run.json"] == nil {
            problem = "after the kill, \(warm)/run.json is gone: the earlier reports were not left whole"
        }
        return (description, .atMostOne, KillOutcome(tree: tree, problem: problem))
    }
}

// MARK: - Files as lines

/// A CSV file as lines, with its line ends, for edits that need not keep its bytes.
private struct WalkFile {
    var lines: [String]
    var crlf: Bool
    var trailingNewline: Bool

    init(lines: [String], crlf: Bool, trailingNewline: Bool) {
        self.lines = lines
        self.crlf = crlf
        self.trailingNewline = trailingNewline
    }

    /// Split on the bytes: in a Swift string "\r\n" is one character, not a "\n".
    init(text: String) {
        let bytes = Array(text.utf8)
        crlf = bytes.indices.contains { bytes[$0] == 0x0A && $0 > 0 && bytes[$0 - 1] == 0x0D }
        var parts = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { part in
            String(decoding: part.last == 0x0D ? part.dropLast() : part, as: UTF8.self)
        }
        trailingNewline = parts.last == ""
        if trailingNewline { parts.removeLast() }
        lines = parts
    }

    var text: String {
        let end = crlf ? "\r\n" : "\n"
        return lines.joined(separator: end) + (trailingNewline ? end : "")
    }
}

// MARK: - Helpers

/// Every file under `folder`, by relative path.
private func readTree(_ folder: String) -> [String: [UInt8]] {
    var tree: [String: [UInt8]] = [:]
    for name in listFiles(folder) {
        tree[name] = [UInt8](FileManager.default.contents(atPath: folder + "/" + name) ?? Data())
    }
    return tree
}

/// The first path (in byte order) at which two trees differ, with the first differing line.
private func firstDifference(_ left: [String: [UInt8]], _ leftName: String, _ right: [String: [UInt8]], _ rightName: String) -> String? {
    let paths = Set(left.keys).union(right.keys).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    for path in paths {
        guard let one = left[path] else { return "\(path) is only in the reports \(rightName)" }
        guard let two = right[path] else { return "\(path) is only in the reports \(leftName)" }
        if one == two { continue }
        let oneLines = one.split(separator: 0x0A, omittingEmptySubsequences: false)
        let twoLines = two.split(separator: 0x0A, omittingEmptySubsequences: false)
        for index in 0..<max(oneLines.count, twoLines.count) {
            let a = index < oneLines.count ? String(decoding: oneLines[index], as: UTF8.self) : "(no line: the file ends)"
            let b = index < twoLines.count ? String(decoding: twoLines[index], as: UTF8.self) : "(no line: the file ends)"
            if a != b {
                func cut(_ text: String) -> String { text.count > 400 ? String(text.prefix(400)) + "…" : text }
                return "first differing file \(path) (\(one.count) bytes \(leftName), \(two.count) bytes \(rightName)), line \(index + 1):\n  \(leftName): \(cut(a))\n  \(rightName): \(cut(b))"
            }
        }
        return "first differing file \(path)"
    }
    return nil
}

private func fileStatus(_ path: String) throws -> stat {
    var status = stat()
    guard stat(path, &status) == 0 else { throw SupportError("cannot stat \(path): errno \(errno)") }
    return status
}

/// Sets both times to the nanosecond.
private func setTimes(_ path: String, access: timespec, modification: timespec) throws {
    var times = [access, modification]
    guard utimensat(AT_FDCWD, path, &times, 0) == 0 else { throw SupportError("cannot set the times of \(path): errno \(errno)") }
}

private func dayName(_ day: Int) -> String {
    let (y, m, d) = civilFromDays(day)
    return String(format: "%04d-%02d-%02d", y, m, d)
}

/// The day a file is named after (`2017-03-05.csv`, `2017-03-05_r.csv`).
private func dayOfName(_ name: String) -> Int? {
    let parts = name.prefix(10).split(separator: "-").compactMap { Int($0) }
    guard name.count >= 10, parts.count == 3 else { return nil }
    return daysFromCivil(parts[0], parts[1], parts[2])
}

/// The Gregorian calendar in UTC, for day numbers (days since 1970-01-01).
private let utcCalendar: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar
}()

/// Days since 1970-01-01 of a date.
private func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
    let date = utcCalendar.date(from: DateComponents(year: year, month: month, day: day))!
    return Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
}

private func civilFromDays(_ days: Int) -> (Int, Int, Int) {
    let parts = utcCalendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(days) * 86_400))
    return (parts.year!, parts.month!, parts.day!)
}
