#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSVReading
import Schema

/// One input file of a dataset: its path on disk and its name relative to the data folder,
/// which is how every output names it.
public struct InputFile: Equatable, Sendable {
    public let dataset: Dataset
    public let path: String
    public let relativePath: String

    package init(dataset: Dataset, path: String, relativePath: String) {
        self.dataset = dataset
        self.path = path
        self.relativePath = relativePath
    }
}

/// The data folder's layout (docs/reference.md): `<dataset>/*.csv` or a single
/// `<dataset>.csv`, files in byte order of their names.
package struct DataFolder: Sendable {
    package let root: String
    package let files: [Dataset: [InputFile]]

    package init(root: String, files: [Dataset: [InputFile]], datasets: [Dataset]) {
        self.root = root
        self.files = files
        self.datasets = datasets
    }

    /// The datasets looked for, built-in then declared (`GovStatsConfig.allDatasets`).
    package let datasets: [Dataset]
    /// What a cron job's mail should say about the folder: a dataset folder without a
    /// `.csv` file, a declared dataset without files.
    package var warnings: [String] = []

    /// The number of input files, of every dataset.
    package var fileCount: Int { files.values.reduce(0) { $0 + $1.count } }

    package var presentDatasets: [Dataset] {
        datasets.filter { !(files[$0] ?? []).isEmpty }
    }

    /// Lists the inputs of `datasets`. A data folder with none of them is a usage error.
    package static func discover(root: String, datasets: [Dataset] = Dataset.builtIn) throws(IngestError) -> DataFolder {
        guard isDirectory(root) else {
            throw .usage("data folder \(root) does not exist or is not a folder")
        }
        var files: [Dataset: [InputFile]] = [:]
        var warnings: [String] = []
        // Files named .CSV or .Csv: not read (the interface reads *.csv), but said.
        var otherCase: [String] = []
        for kind in datasets {
            let folder = root + "/" + kind.name
            let single = folder + ".csv"
            var found: [InputFile] = []
            if isDirectory(folder) {
                if exists(single) {
                    throw .usage("both \(kind.name)/ and \(kind.name).csv exist in \(root): keep one")
                }
                let (names, skipped) = try listCSVNames(folder)
                if !skipped.isEmpty {
                    let shown = inWords(skipped, over: 3, showing: 3)
                    let them = skipped.count == 1 ? "it" : "them"
                    otherCase.append("\(kind.name)/ holds \(shown), which \(skipped.count == 1 ? "is" : "are") not read: only names ending in .csv, in lower case, are; rename \(them) to read \(them)")
                }
                found = names.map {
                    InputFile(dataset: kind, path: folder + "/" + $0, relativePath: kind.name + "/" + $0)
                }
            } else if exists(single) {
                found = [InputFile(dataset: kind, path: single, relativePath: kind.name + ".csv")]
            }
            if !found.isEmpty {
                files[kind] = found
            } else if isDirectory(folder) {
                warnings.append("\(kind.name)/ holds no .csv file: \(kind.name) is left out of the reports")
            } else if !kind.isBuiltIn {
                warnings.append("\(kind.name) is declared in govstats.toml, but the data folder has no \(kind.name)/ or \(kind.name).csv: it is left out of the reports")
            }
        }
        if files.isEmpty {
            let expected = datasets.map { $0.name + "/" }
            let listed = expected.count == 1 ? expected[0] : expected.dropLast().joined(separator: ", ") + " or " + expected.last!
            let hint = otherCase.first.map { "; " + $0 } ?? emptyHint(root, datasets: datasets)
            throw .usage("no datasets in \(root): expected \(listed) (or <dataset>.csv)" + hint)
        }
        var folder = DataFolder(root: root, files: files, datasets: datasets)
        folder.warnings = otherCase + warnings
        return folder
    }

    /// Why a folder with no dataset may have been named: it is a dataset's own folder, or it
    /// holds exports under other names.
    private static func emptyHint(_ root: String, datasets: [Dataset]) -> String {
        let name = root.split(separator: "/").last.map(String.init) ?? root
        if let kind = datasets.first(where: { $0.name == name }) {
            return "; this is the \(kind.name) folder itself: name the folder that holds it"
        }
        let csv = ((try? directoryListing(root).names) ?? []).filter(isDataFileName).sorted(by: utf8Less)
        guard !csv.isEmpty else { return "" }
        let shown = csv.prefix(3).joined(separator: ", ") + (csv.count > 3 ? " and \(csv.count - 3) more" : "")
        return "; it holds \(shown): put each dataset's exports in its folder, such as alarm_calls/"
    }

    /// The names read, and those that end in .csv in another case (`EXPORT.CSV`), which are not.
    private static func listCSVNames(_ folder: String) throws(IngestError) -> (read: [String], otherCase: [String]) {
        let listing: DirectoryListing
        do { listing = try directoryListing(folder) } catch { throw .io(error) }
        // A name that is not UTF-8 (a GBK name from a Windows archive) cannot be opened by a
        // path made from a String: say so, not "no such file".
        if let name = listing.notUTF8.filter(isDataFileName).sorted(by: utf8Less).first {
            throw .io(FileReadError(path: folder + "/" + name, errno: 0, operation: "read",
                                    detail: "the file's name is not valid UTF-8 (shown with \u{FFFD}); rename it to read it"))
        }
        let otherCase = listing.names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".csv") && $0.lowercased().hasSuffix(".csv") }
        return (listing.names.filter(isDataFileName).sorted(by: utf8Less), otherCase.sorted(by: utf8Less))
    }

    /// Whether a file in a dataset's folder is read: a `.csv` name not starting with `.`.
    private static func isDataFileName(_ name: String) -> Bool {
        name.hasSuffix(".csv") && !name.hasPrefix(".")
    }
}

/// `a, b and c`; more than `limit` items as the first `shown` and how many more
/// (`a, b, c and 4 more`). `items` is not empty.
package func inWords(_ items: [String], over limit: Int, showing shown: Int) -> String {
    if items.count > limit { return items.prefix(shown).joined(separator: ", ") + " and \(items.count - shown) more" }
    return items.count == 1 ? items[0] : items.dropLast().joined(separator: ", ") + " and " + items.last!
}

func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
}

func exists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
}
