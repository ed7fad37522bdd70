import CSVReading
import Foundation
import SampleData
import Testing

@Suite struct DeterminismTests {
    @Test func sameSeedGivesIdenticalBytes() throws {
        let first = try Scratch.generate(rows: 3_000, seed: 7, label: "same-a")
        let second = try Scratch.generate(rows: 3_000, seed: 7, label: "same-b")
        defer { Scratch.remove(first); Scratch.remove(second) }
        let files = try Scratch.files(in: first)
        #expect(files == (try Scratch.files(in: second)))
        for file in files {
            let a = FileManager.default.contents(atPath: first + "/" + file)
            let b = FileManager.default.contents(atPath: second + "/" + file)
            #expect(a != nil && a == b, "\(file) differs between two generations with the same seed")
        }
    }

    @Test func differentSeedGivesDifferentData() throws {
        let first = try Scratch.generate(rows: 3_000, seed: 7, label: "seed-a")
        let second = try Scratch.generate(rows: 3_000, seed: 8, label: "seed-b")
        defer { Scratch.remove(first); Scratch.remove(second) }
        let files = try Scratch.files(in: first)
        #expect(files == (try Scratch.files(in: second)))
        for file in files {
            let a = FileManager.default.contents(atPath: first + "/" + file)
            let b = FileManager.default.contents(atPath: second + "/" + file)
            #expect(a != b, "\(file) is the same for seeds 7 and 8")
        }
    }

    @Test func rewritingAFolderReplacesTheFiles() throws {
        let folder = try Scratch.generate(rows: 3_000, seed: 7, label: "rewrite")
        let reference = try Scratch.generate(rows: 3_000, seed: 7, label: "rewrite-ref")
        defer { Scratch.remove(folder); Scratch.remove(reference) }
        try SampleDataGenerator(rows: 3_000, seed: 9).write(to: folder)
        try SampleDataGenerator(rows: 3_000, seed: 7).write(to: folder)
        for file in try Scratch.files(in: folder) {
            #expect(FileManager.default.contents(atPath: folder + "/" + file)
                == FileManager.default.contents(atPath: reference + "/" + file), "\(file)")
        }
    }

    @Test func progressIsReportedUpToTheRowsWritten() throws {
        let folder = Scratch.makeFolder("progress")
        defer { Scratch.remove(folder) }
        var reports: [Int] = []
        try SampleDataGenerator(rows: 100_000, seed: 1).write(to: folder) { reports.append($0) }
        #expect(reports.count > 1)
        #expect(reports == reports.sorted())
        var total = 0
        for file in try Scratch.files(in: folder) {
            let path = folder + "/" + file
            var header = true
            try CSVFileReader.read(path: path, encoding: StandingDataset.encoding(of: path)) { record in
                if record.isBlank { return }
                if header { header = false } else { total += 1 }
            }
        }
        #expect(reports.last == total)
    }

    @Test func unwritableFolderIsAnError() {
        #expect(throws: SampleDataError.self) {
            try SampleDataGenerator(rows: 10).write(to: "/proc/govstats-cannot-write-here")
        }
    }
}
