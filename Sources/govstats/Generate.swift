import ArgumentParser
import CSVReading
import Ingest
import SampleData
import Schema

/// `govstats generate`: synthetic datasets of any size, same layout as datasets/.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write synthetic exports of all three datasets.",
        discussion: """
            Deterministic for a seed: the same --rows and --seed give the same bytes. With the \
            defaults it writes exactly the committed datasets/ (which reproduce the published \
            Baoshan, Minhang and Kangcheng figures). --rows sets the number of alarm calls; \
            the other datasets grow in proportion. Files of the same names in --out are \
            replaced; other data files there are refused (exit 2), since a run would read \
            them with the synthetic ones.

            Example: govstats generate --out /tmp/big --rows 5000000
            """
    )

    @Option(name: .customLong("out"), help: ArgumentHelp("The folder to write alarm_calls/, burglary_reports/ and safe_community/ into.", valueName: "dir"))
    var out: String

    @Option(name: .customLong("rows"), parsing: .unconditional, help: ArgumentHelp("The number of distinct alarm calls; below 5,698 (the smallest calibrated set) 5,698 are written. The exports hold more rows than that: duplicates and bad rows.", valueName: "n"))
    var rows: Int = SampleDataGenerator.defaultRows

    @Option(name: .customLong("seed"), parsing: .unconditional, help: ArgumentHelp("Random seed: a whole number from 0 to 18446744073709551615.", valueName: "s"))
    var seed: UInt64 = SampleDataGenerator.defaultSeed

    @Flag(name: .customLong("quiet"), help: "No progress display.")
    var quiet = false

    func validate() throws {
        guard rows >= 1 else { throw ValidationError("--rows must be at least 1, not \(rows)") }
    }

    func run() throws {
        if resolvedPath(allowingMissing: out) == "/" {
            throw Failure.usage(["--out \(out) is the root folder: name a folder of its own for the synthetic exports"])
        }
        if isPresentButNotAFolder(out) { throw Failure.usage(["--out \(out) is not a folder"]) }
        try Self.checkNoOtherData(in: out)
        let progress = ProgressDisplay(enabled: !quiet && ProgressDisplay.isTerminal(2))
        do {
            try SampleDataGenerator(rows: rows, seed: seed).write(to: out) { written in
                progress.say("generating: \(written) rows written (all three datasets)")
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            progress.clear()
            throw Failure.error(["cannot write \(out): \(error)"])
        }
        progress.clear()
    }

    /// Refuses (exit 2) an `--out` that holds data files `generate` does not write: the next
    /// run would read the synthetic exports together with them. A folder it wrote before is
    /// written again.
    static func checkNoOtherData(in folder: String) throws(Failure) {
        var found: [String] = []
        for kind in Dataset.builtIn {
            let single = kind.name + ".csv"
            if (try? FileVersion.of(folder + "/" + single)) != nil { found.append(single) }
        }
        if found.isEmpty, let existing = try? DataFolder.discover(root: folder) {
            found = existing.presentDatasets.flatMap { existing.files[$0]! }.map(\.relativePath)
        }
        let written = Set(SampleDataGenerator.fileNames)
        if let other = found.first(where: { !written.contains($0) }) {
            throw .usage(["--out \(folder) holds \(other), which generate does not write: the synthetic exports would be read with it; choose a new folder"])
        }
    }
}
