import Foundation
import SampleData
import Testing

/// `datasets/` in the repository is exactly what `govstats generate --out datasets` writes
/// with the default rows and seed.
///
/// To write it again after a change to the generator:
/// `GOVSTATS_WRITE_DATASETS=1 swift test --filter CommittedDatasetsTests`
@Suite struct CommittedDatasetsTests {
    static let writing = ProcessInfo.processInfo.environment["GOVSTATS_WRITE_DATASETS"] == "1"
    static var committed: String { Scratch.repositoryRoot + "/datasets" }

    @Test(.enabled(if: writing)) func writeCommittedDatasets() throws {
        try SampleDataGenerator().write(to: Self.committed)
    }

    @Test(.disabled(if: writing)) func committedDatasetsMatchAFreshGeneration() throws {
        let fresh = try Scratch.generate(label: "committed")
        defer { Scratch.remove(fresh) }
        let files = try Scratch.files(in: fresh)
        #expect(try Scratch.files(in: Self.committed) == files, "datasets/ holds other files than a generation")
        for file in files {
            let committed = FileManager.default.contents(atPath: Self.committed + "/" + file)
            let generated = FileManager.default.contents(atPath: fresh + "/" + file)
            #expect(committed == generated,
                    "datasets/\(file) differs from a fresh generation; regenerate with GOVSTATS_WRITE_DATASETS=1")
        }
    }
}
