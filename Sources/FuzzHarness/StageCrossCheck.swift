import CSVReading
import Ingest
import Schema

/// `IngestStage`, the code `govstats` runs, on the scratch data folder that holds the input
/// twice (`a.csv`, `b.csv`): per file, rows read = accepted + rejected + duplicates and
/// conflicts <= duplicates, one rejected row written per row rejected, and the same counts
/// as the harness's own drive of the row decoder (`RowTally`) found. Run again on two
/// threads with the file cut into chunks of `chunkBytes`, it must give the same outcomes and
/// the same rejected rows. One of the two runs takes a file whose first `checkingAhead`
/// bytes are UTF-8 for UTF-8 (or else decode as GB18030, for GB18030) and checks the rest
/// as it reads it, starting over if it does not decode (on one thread for an odd
/// `chunkBytes`, where the reader also works out the sha256; on two threads for an even
/// one); the other checks and hashes every file whole first, so the shortcut is compared
/// with the first pass, sha256 included.
enum StageCrossCheck {
    static let checkingAhead = 8

    static let allRows = ValueParser.amount("100"[...])!

    static func check(
        folder: ScratchDataFolder, dataset: Dataset, settings: DatasetSettings, chunkBytes: Int,
        refusedWhole: Bool, expected: [RowTally]?
    ) {
        var config = GovStatsConfig()
        config.datasets[dataset] = settings
        let aheadOnOne = chunkBytes % 2 == 1
        let (ingest, rejects) = run(
            IngestStage(config: config, maxRejectPercent: allRows, checkingAhead: aheadOnOne ? checkingAhead : nil),
            folder: folder, dataset: dataset)
        let (parallel, parallelRejects) = run(
            IngestStage(
                config: config, maxRejectPercent: allRows, jobs: 2, chunkBytes: chunkBytes, checkingAhead: aheadOnOne ? nil : checkingAhead),
            folder: folder, dataset: dataset)
        Property.check(parallel.files == ingest.files, "on 2 threads in chunks of \(chunkBytes) bytes: \(parallel.files), on one: \(ingest.files)")
        Property.check(parallelRejects.rows == rejects.rows, "on 2 threads in chunks of \(chunkBytes) bytes, other rows rejected")
        Property.check(parallel.store.count == ingest.store.count, "on 2 threads \(parallel.store.count) records stand, on one \(ingest.store.count)")
        for spec in dataset.columns {
            Property.check(parallel.store.slots(of: spec.name).elementsEqual(ingest.store.slots(of: spec.name)),
                           "on 2 threads column \(spec.name) stands otherwise")
        }
        Property.check(ingest.files.count == 2, "the ingest stage read \(ingest.files.count) files of 2")
        Property.check(ingest.rejected == rejects.rows.count, "\(ingest.rejected) rows rejected, \(rejects.rows.count) written to rejects")
        for (index, outcome) in ingest.files.enumerated() {
            let name = outcome.file.relativePath
            Property.check(outcome.rowsRead == outcome.accepted + outcome.rejected + outcome.duplicates,
                           "\(name): rows read \(outcome.rowsRead) != accepted \(outcome.accepted) + rejected \(outcome.rejected) + duplicates \(outcome.duplicates)")
            Property.check(outcome.conflicts <= outcome.duplicates, "\(name): \(outcome.conflicts) conflicts > \(outcome.duplicates) duplicates")
            if refusedWhole {
                Property.check(outcome.refusal != nil && outcome.rowsRead == 0, "\(name): the scan refused the file, the stage did not")
                continue
            }
            // The stage reads with the default field limit; the harness's small one may have
            // rejected rows (or the header) that the stage keeps.
            guard let expected else { continue }
            let tally = expected[index]
            let counts = [outcome.rowsRead, outcome.accepted, outcome.rejected, outcome.duplicates, outcome.conflicts]
            let wanted = [tally.rowsRead, tally.accepted, tally.rejected, tally.duplicates, tally.conflicts]
            Property.check(counts == wanted, "\(name): the stage counted \(counts), the harness \(wanted)")
            Property.check((outcome.refusal != nil) == tally.refused, "\(name): refusal \(outcome.refusal ?? "none"), the harness \(tally.refused ? "refused" : "did not refuse")")
        }
    }

    static func run(_ stage: IngestStage, folder: ScratchDataFolder, dataset: Dataset) -> (DatasetIngest, CollectedRejects) {
        var rejects = CollectedRejects()
        let result: IngestResult
        do {
            result = try stage.run(try DataFolder.discover(root: folder.root), rejects: &rejects)
        } catch {
            Property.violated("the ingest stage (\(stage.jobs) jobs) threw \(error)")
        }
        guard let ingest = result.dataset(dataset) else { Property.violated("the ingest stage lost \(dataset.name)") }
        return (ingest, rejects)
    }
}

/// Keeps rejected rows, checking each names a line and a reason.
struct CollectedRejects: RejectSink {
    var rows: [RejectedRow] = []

    mutating func reject(_ row: RejectedRow, dataset: Dataset) throws {
        Property.check(row.line >= 1, "a rejected row at line \(row.line)")
        Property.check(!row.reason.isEmpty, "a rejected row without a reason at line \(row.line)")
        rows.append(row)
    }

    mutating func startOver() throws { rows.removeAll() }
}
