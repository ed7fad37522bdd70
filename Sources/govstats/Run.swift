import ArgumentParser
import CSVReading
import Ingest
import Reports
import Schema
import Trends
#if canImport(Glibc)
import Glibc
#endif

/// `govstats run`: ingest, transform, render and publish the reports.
///
///     data folder ─▶ ingest (rejects streamed to staging) ─▶ trends, compliance
///         ─▶ report model ─▶ Markdown, HTML, CSV, run.json ─▶ staging ─▶ atomic swap
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the reports from the data folder and publish them atomically.",
        discussion: """
            Writes index.md/.html, a page per dataset and per district, data/trends.csv, \
            data/compliance.csv, data/quality.csv, rejects/<dataset>.csv and run.json into a \
            staging folder beside --out, then swaps it into place in one step: readers see the \
            old reports or the new ones, never a mix. A lock (.<out>.lock beside --out) keeps \
            a second run on the same folder out; it exits 1 at once. Because the old folder \
            is removed, --out must be a new or empty folder or earlier reports (with the \
            run.json of a govstats run), and must not hold the data or the config: anything \
            else is refused (exit 2) and left as it is.

            A run keeps what it read in a run state (.<out>.state beside --out, or \
            --state DIR): the next run, when its inputs are the same files unchanged plus new \
            ones whose names sort after them, reads only the new files, and publishes the \
            same bytes as a run that reads everything (--full). A change to a file that one \
            of the last nights added (an export sent again) is read from that night on. A \
            state that cannot be used (damaged, or made by another build, govstats.toml or \
            data folder) is ignored with one warning. An input file modified later than \
            now (a clock ahead where it was written) is read by every run until then, \
            with a warning. On a terminal the run ends by saying how many files it read \
            and reused, and which change made it read files it had read before.

            Output is the same bytes for the same inputs. No clock is shown unless \
            SOURCE_DATE_EPOCH is set. Progress shows on a terminal; under --quiet, or when \
            standard error is not a terminal (cron), only errors and warnings are printed: \
            a warning (exit 0) names months without a record citywide inside a dataset's \
            span, which most often means an export is missing, and a file where a record \
            rejected whole runs over several lines, which most often means a quote was left \
            open (all those lines count as one rejected row).

            Exit codes: 0 published; 1 error (unreadable file, full disk, lock held); \
            2 usage; 3 data refused (nothing is published).

            Example: govstats run --data datasets --out reports --lang en
            """
    )

    @OptionGroup var input: InputOptions

    @Option(name: .customLong("out"), help: ArgumentHelp("The reports folder to replace: new, empty, or earlier reports.", valueName: "dir"))
    var out = "reports"

    @Option(name: .customLong("lang"), help: ArgumentHelp("Report language: zh or en.", valueName: "zh|en"))
    var language: ReportInput.Language = .zh

    @Flag(name: .customLong("quiet"), help: "No progress display; only errors and warnings.")
    var quiet = false

    @Option(name: .customLong("state"), help: ArgumentHelp("The run state's folder, where a run keeps what it read so that the next one reads only new files: new, empty, or earlier runs' state. Default: .<out>.state beside --out.", valueName: "dir"))
    var state: String?

    @Flag(name: .customLong("full"), help: "Read every file, ignoring the run state, and write the state anew.")
    var full = false

    func run() throws {
        let generatedAt = try sourceDateEpoch()
        let config = try input.loadConfig()
        let folder = try input.discover(config)
        var publisher = try Publisher(output: out)
        let hadReports = try publisher.checkReplaceable(inputs: [input.data] + (input.configPath.map { [$0] } ?? []))
        let stateFolder = StateFolder(path: state ?? publisher.parent + "/." + publisher.name + ".state", named: state != nil, config: config, data: input.data)
        try stateFolder.check(reports: publisher.output)
        try publisher.lock()
        defer { publisher.unlock() }
        publisher.removeStaleStaging()
        stateFolder.removeStalePartials()
        let progress = ProgressDisplay(enabled: !quiet && ProgressDisplay.isTerminal(2))
        var resumption = Resumption()
        var stateWarning: String?
        if !full {
            (resumption, stateWarning) = stateFolder.load(folder: folder, config: config, hadReports: hadReports, jobs: input.jobs)
        }
        if full || stateWarning != nil { stateFolder.dropCachedPages() }
        let (reused, grown, readAgain) = (resumption.files, resumption.grownFiles, resumption.readAgain)
        // What the reports this run replaces read, to say what the new ones no longer do.
        let replaced = hadReports ? RunManifest.inputs(FileBlocks.head(path: publisher.output + "/run.json", count: 1 << 30)) : nil
        let staging = try publisher.makeStaging()
        let spares = SpareFiles(folder: stateFolder.previousReports, staging: staging)
        var built = Built()
        do {
            built = try build(
                into: staging, spares: spares, folder: folder, config: config, generatedAt: generatedAt, resuming: &resumption, state: stateFolder,
                progress: progress)
            try publisher.publish(staging: staging, keeping: stateFolder.previousReports)
        } catch {
            built.state?.writer.discard()
            removeTree(staging)
            throw error
        }
        // The state goes in place only once the reports it was made with are published.
        if let writer = built.state, let warning = stateFolder.commit(writer) { built.warnings.append(warning) }
        // Said once the run succeeded: a run that fails leaves the state as it was.
        if let stateWarning { built.warnings.insert(stateWarning, at: 0) }
        if let replaced { built.warnings += RunManifest.lost(before: replaced, after: built.inputs) }
        if let dated = built.datedInTheFuture { built.warnings.append(dated) }
        for warning in built.warnings { writeError("govstats: warning: " + escapedLine(warning) + "\n") }
        if progress.enabled {
            let read = folder.fileCount - reused
            let grew = grown.isEmpty ? "" : "; \(grown.joined(separator: ", ")) grew, and only \(grown.count == 1 ? "its" : "their") new rows were read"
            let why = readAgain.isEmpty ? "" : "; read again because " + readAgain.prefix(3).joined(separator: "; ") + (readAgain.count > 3 ? "; and \(readAgain.count - 3) more" : "")
            let summary = "published \(publisher.output): read \(read) \(read == 1 ? "file" : "files"), reused \(reused) from the run state \(stateFolder.path)\(grew)\(why)"
            // File names are the user's: a control character in one is shown, not sent.
            writeError(escapedLine(summary) + "\n")
        }
    }

    /// What `build` leaves for after the publish: warnings and the state to put in place,
    /// and the warning said last, of inputs dated in the future.
    struct Built {
        var warnings: [String] = []
        var state: StateFolder.Pending?
        var datedInTheFuture: String?
        /// The inputs the new reports read, as their run.json lists them.
        var inputs: [RunManifest.ListedInput] = []
    }

    /// What the reports also say, for a cron job's mail: months without a record citywide
    /// inside a dataset's span (most often an export that is missing). They are printed
    /// after ingest's own warnings (`IngestResult.warnings`).
    static func warnings(_ trends: [DatedTrends]) -> [String] {
        trends.compactMap { table in
            let empty = table.emptyMonths()
            guard !empty.isEmpty else { return nil }
            let shown = empty.prefix(6).joined(separator: ", ") + (empty.count > 6 ? " and \(empty.count - 6) more" : "")
            return "\(table.dataset.name): no record citywide in \(shown), with records before and after: an export may be missing (see Data quality in \(table.dataset.name).md)"
        }
    }

    private func build(
        into staging: String, spares: SpareFiles, folder: DataFolder, config: GovStatsConfig, generatedAt: String?, resuming: inout Resumption, state: StateFolder,
        progress: ProgressDisplay
    ) throws -> Built {
        defer { progress.clear() }
        try makeDirectories(staging + "/rejects")
        try makeDirectories(staging + "/data")

        var rejects = try RejectFiles(folder: staging + "/rejects", datasets: folder.presentDatasets, resuming: resuming, spares: spares)
        var result: IngestResult
        do {
            var stage = IngestStage(config: config, maxRejectPercent: input.maxRejectDecimal, jobs: input.jobs)
            stage.keepsKeys = true
            stage.countsGroups = false
            result = try stage.run(folder, resuming: &resuming.datasets, rejects: &rejects, progress: progress.update)
        } catch let error as IngestError {
            throw Failure(error)
        }
        try rejects.close()
        if !result.refusals.isEmpty {
            // A quote left open may be why so many rows were rejected.
            progress.clear()
            for warning in result.warnings { writeError("govstats: warning: " + escapedLine(warning) + "\n") }
            var lines = result.refusals
            if !result.refusedForRejects.isEmpty {
                let config = input.configPath.map { " --config \($0)" } ?? ""
                lines.append("to see every rejected row with its file, line and reason: govstats validate --data \(input.data)\(config) --rejects DIR")
            }
            throw Failure.refused(lines)
        }
        let dated = Self.datedInTheFuture(result.datasets.flatMap(\.files))
        // A run that read no file leaves the state as it is: it holds what this run knows,
        // unless it went on from an earlier night's part of it (a later night's file is
        // gone), which the next run would otherwise find again, and say so again.
        var (pending, stateWarning): (StateFolder.Pending?, String?) = (nil, nil)
        if !(resuming.isWhole && resuming.files == folder.fileCount && resuming.readAgain.isEmpty) {
            (pending, stateWarning) = state.startPartial(result, resumption: resuming)
        }
        let rejectsFolder = staging + "/rejects"
        let jobs = input.jobs
        var warnings: [String]
        do {
            if let started = pending, jobs > 1 {
                // The state is written on a thread of its own while the trends and reports
                // are made: its records (with the keys, which this copy of the result keeps
                // until they are written), then its groups once counted here.
                let records = Handoff(result.withoutGroups())
                let counted = Handoff<IngestResult>()
                let written: String?
                (written, warnings) = try Concurrently.run(jobs: jobs) { () -> String? in
                    if let failed = state.writeRecords(started, records.take()) { return failed }
                    return state.writeGroups(started, counted.take(), rejectsFolder: rejectsFolder)
                } and: {
                    result.releaseKeys()
                    result.countStanding(jobs: jobs)
                    counted.give(result)
                    return try transform(result, into: staging, spares: spares, config: config, generatedAt: generatedAt, progress: progress)
                } whileWaiting: {
                    // A large state can take longer to write than the pages.
                    progress.say("finishing the run state")
                }
                if let written { (pending, stateWarning) = (nil, written) }
            } else {
                // One part, then the other: the key index is let go before the records are
                // counted, so that the two are never in memory at once.
                var failed: String?
                if let started = pending {
                    progress.say("writing the run state")
                    failed = state.writeRecords(started, result)
                }
                result.releaseKeys()
                result.countStanding(jobs: jobs)
                if let started = pending, failed == nil { failed = state.writeGroups(started, result, rejectsFolder: rejectsFolder) }
                if let failed { (pending, stateWarning) = (nil, failed) }
                warnings = try transform(result, into: staging, spares: spares, config: config, generatedAt: generatedAt, progress: progress)
            }
        } catch {
            pending?.writer.discard()
            throw error
        }
        let inputs = result.datasets.flatMap(\.files).map {
            RunManifest.ListedInput(dataset: $0.file.dataset.name, file: $0.file.relativePath, sha256: $0.sha256)
        }
        return Built(warnings: warnings + (stateWarning.map { [$0] } ?? []), state: pending, datedInTheFuture: dated, inputs: inputs)
    }

    /// The transform and emit stages, into `staging`; the warnings for a cron job's mail.
    private func transform(_ result: IngestResult, into staging: String, spares: SpareFiles, config: GovStatsConfig, generatedAt: String?, progress: ProgressDisplay) throws -> [String] {
        progress.say("computing trends")
        // With --jobs 2 or more, independent steps of the transform and emit stages run side
        // by side (each reads the ingest result, none changes it): the output is the same.
        let jobs = input.jobs
        let city = config.cityName
        let (categories, trends) = try Concurrently.run(jobs: jobs) {
            result.datasets.compactMap { CategoryBreakdown($0, city: city) }
        } and: {
            result.datasets.compactMap { DatedTrends($0, city: city, jobs: jobs) }
        }
        var spans: [Dataset: DataSpan] = [:]
        for table in trends { spans[table.dataset] = table.span }
        let compliance = result.datasets.flatMap { ComplianceTable.rows($0, city: city) }

        progress.say("rendering reports")
        let report = ReportInput(
            language: language, datasets: result.datasets, trends: trends, compliance: compliance,
            spans: spans, categories: categories, generatedAt: generatedAt, toolVersion: GovStats.version, city: city)
        // Every output is one writer of `Outputs.writers`; a large one gets a thread of its own.
        let sink = StagingSink(folder: staging, spares: spares)
        let writers = Outputs.writers(jobs: jobs)
        let large = writers.filter(\.isLarge)
        let others = writers.filter { !$0.isLarge }
        _ = try Concurrently.run(jobs: jobs) {
            for writer in large { try writer.write(report, to: sink) }
        } and: {
            for writer in others { try writer.write(report, to: sink) }
        }
        return result.warnings + Self.warnings(trends)
    }

    /// SOURCE_DATE_EPOCH as `YYYY-MM-DD HH:MM:SS UTC`, or nil when it is not set.
    private func sourceDateEpoch() throws(Failure) -> String? {
        try RunDay.sourceDateEpoch().map(Self.utcText)
    }

    /// `seconds` since 1970-01-01 (0 or more) as `YYYY-MM-DD HH:MM:SS UTC`.
    static func utcText(_ seconds: Int) -> String {
        let days = seconds / 86_400
        let rest = seconds % 86_400
        let date = LocalDate(dayNumber: LocalDate(year: 1970, month: 1, day: 1)!.dayNumber + days)
        let time = LocalDateTime(date: date, hour: rest / 3600, minute: rest / 60 % 60, second: rest % 60)!
        return time.description + " UTC"
    }

    /// The warning for input files modified later than now, by this machine's clock, from
    /// the versions ingest took of them (`outcomes`, in the order of the datasets). A file
    /// is reused from the run state only if it was modified before the state was written
    /// (docs/reference.md, "Run state"), so until then every run reads such a file again,
    /// and with it more of its dataset than the new files: silently, but for this word.
    static func datedInTheFuture(_ outcomes: [FileOutcome]) -> String? {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let dated = outcomes.compactMap { outcome -> (InputFile, FileVersion)? in
            guard let version = outcome.version,
                  (version.modifiedSeconds, version.modifiedNanoseconds) > (now.tv_sec, now.tv_nsec) else { return nil }
            return (outcome.file, version)
        }
        guard let (first, _) = dated.first, let latest = dated.map(\.1.modifiedSeconds).max() else { return nil }
        let which = dated.count == 1 ? "\(first.relativePath) is" : "\(first.relativePath) and \(dated.count - 1) more \(dated.count == 2 ? "file are" : "files are")"
        let when = dated.count == 1 ? utcText(latest) : "the latest \(utcText(latest))"
        let pronoun = dated.count == 1 ? "it" : "them"
        return "\(which) dated in the future (\(when)): until then, each run reads \(pronoun) again rather than going on from the run state (is a clock ahead where \(dated.count == 1 ? "it was" : "they were") written?)"
    }
}

extension ReportInput.Language: ExpressibleByArgument {}
