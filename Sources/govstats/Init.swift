import ArgumentParser
import CSVReading
import Ingest
import Schema
#if canImport(Glibc)
import Glibc
#endif

/// `govstats init`: a draft `govstats.toml` from the exports' headers and a sample of their
/// values (`ConfigDraft`). Never overwrites.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a draft govstats.toml from the exports in the data folder.",
        discussion: """
            Reads the header and the first rows of the files of every dataset folder (or \
            <dataset>.csv) in the data folder: the three built-in datasets, and any other \
            folder as a dataset of your own ([datasets.<name>]). Writes a govstats.toml that \
            maps the headers it can match to the canonical columns (guesses are marked), \
            guesses datetime_formats from the dates, names every column it could not match \
            as a TODO, and lists the most frequent values of the columns that feed value \
            lists (theft_categories, ...) and of other columns with few values (for keep and \
            drop) as comments. Check it, then run govstats validate. Every key is described \
            in docs/reference.md.

            An existing file is never overwritten (exit 2).

            Example: govstats init --data exports && govstats validate --data exports
            """
    )

    @Option(name: .customLong("data"), help: ArgumentHelp("The data folder holding the exports.", valueName: "dir"))
    var data = "datasets"

    @Option(name: .customLong("config"), help: ArgumentHelp("Where to write the draft. Default: <data>/govstats.toml.", valueName: "file"))
    var config: String?

    /// Rows read of each file, and of each dataset in all.
    static let rowsPerFile = 2000
    static let rowsPerDataset = 5000

    func run() throws {
        let target = config ?? data + "/govstats.toml"
        if (try? FileVersion.of(target)) != nil || resolvedPath(target) != nil {
            throw Failure.usage(["\(target) exists: init never overwrites a file; move it away or name another with --config"])
        }
        let (samples, notes) = try Self.samples(data)
        guard !samples.isEmpty else {
            throw Failure.usage(["no export in \(data) has a header row to draft from"] + notes)
        }
        let text = ConfigDraft.text(samples, folder: data)
        // The draft must read as it is written.
        do { _ = try GovStatsConfig.parse(text, file: target) } catch {
            throw Failure.error(["internal error: the draft does not parse: \(error)"])
        }
        try Self.create(target, text)
        let names = samples.map { $0.dataset.isBuiltIn ? $0.dataset.name : "datasets.\($0.dataset.name)" }
        print("wrote \(target): \(names.map { "[\($0)]" }.joined(separator: ", "))")
        for note in notes { print("note: " + escapedLine(note)) }
        // validate reads <data>/govstats.toml unless told to read the draft elsewhere.
        let readsDraft = target == data + "/govstats.toml" ? "" : " --config \(target)"
        print("next: check every line marked guessed or TODO, then run govstats validate --data \(data)\(readsDraft)")
    }

    /// The datasets of the folder: built-in ones, and every other folder or CSV file with a
    /// name a dataset may have, as a dataset of its own. `notes`: what the user should know
    /// of what was not drafted, or may belong elsewhere.
    static func samples(_ root: String) throws(Failure) -> (samples: [ConfigDraft.Sample], notes: [String]) {
        guard isDirectory(root) else { throw .usage(["data folder \(root) does not exist or is not a folder"]) }
        let listing: DirectoryListing
        do { listing = try directoryListing(root) } catch {
            throw .usage(["data folder \(root) cannot be read: \(error.reason)"])
        }
        let builtIn = Set(Dataset.builtIn.map(\.name))
        var names: Set<String> = []
        var notes: [String] = []
        var unnamed: [String] = []
        for name in listing.names.sorted(by: utf8Less) where !name.hasPrefix(".") && name != "govstats.toml" {
            let stem = name.hasSuffix(".csv") ? String(name.dropLast(4)) : name
            guard !builtIn.contains(stem), name.hasSuffix(".csv") || isDirectory(root + "/" + name) else { continue }
            if Dataset.isValidName(stem) { names.insert(stem) } else { unnamed.append(name) }
        }
        if !unnamed.isEmpty {
            let what = unnamed.count == 1 ? "\(unnamed[0]) is" : "\(unnamed.joined(separator: ", ")) are"
            notes.append("\(what) not read: a dataset's name is lower-case ASCII letters, digits and _, starting with a letter; put an export in alarm_calls/, burglary_reports/ or safe_community/, or give it such a name")
        }
        let drafts = names.sorted().map { Dataset.declaredEvents(name: $0, title: Words(zh: $0, en: $0), metrics: [], settings: DatasetSettings()) }
        let folder: DataFolder
        do { folder = try DataFolder.discover(root: root, datasets: Dataset.builtIn + drafts) } catch { throw Failure(error) }
        var samples: [ConfigDraft.Sample] = []
        for dataset in folder.presentDatasets {
            let files = folder.files[dataset]!
            // Every file is read by its own header, as validate and run read it: the sample's
            // header is every name any file has (in the order first seen), and each row is
            // placed under its own file's names. A row not as wide as its file's header, or one
            // that is that header again, is left out.
            var header: [String] = []
            var columnOf: [String: Int] = [:]
            var rows: [[String]] = []
            for file in files where rows.count < rowsPerDataset {
                var positions: [Int]?
                var own: [String] = []
                try read(file.path) { record in
                    let key = { (name: String) in ValueParser.trim(name[...]).lowercased() }
                    guard let positions else {
                        let keys = record.fields.map(key)
                        var placed: [Int] = []
                        for (key, name) in zip(keys, record.fields) {
                            // A name twice in one header is two columns.
                            if let known = columnOf[key], !placed.contains(known) {
                                placed.append(known)
                            } else {
                                header.append(name)
                                if columnOf[key] == nil { columnOf[key] = header.count - 1 }
                                placed.append(header.count - 1)
                            }
                        }
                        positions = placed
                        own = keys
                        return true
                    }
                    if record.fields.count == positions.count && record.fields.map(key) != own {
                        var row = Array(repeating: "", count: header.count)
                        for (field, position) in zip(record.fields, positions) { row[position] = field }
                        rows.append(row)
                    }
                    return rows.count < rowsPerDataset
                }
            }
            guard !header.isEmpty else {
                notes.append("\(dataset.name): no file has a header row, so it is not in the draft")
                continue
            }
            let place = files.count == 1 && !files[0].relativePath.contains("/") ? files[0].relativePath : dataset.name + "/"
            // What validate writes with --rejects, put inside the data folder: not an export.
            if header.map({ ValueParser.trim($0[...]).lowercased() }) == RejectFiles.columns {
                notes.append("\(place) holds rejected rows that govstats wrote, not exports, so it is not in the draft; keep --rejects outside the data folder")
                continue
            }
            // An export of a built-in dataset under another name.
            if !dataset.isBuiltIn, let fits = Dataset.builtIn.first(where: { FileLayout(dataset: $0, header: header, settings: DatasetSettings()).missingRequired.isEmpty }) {
                let how = place.hasSuffix("/") ? "move its files into \(fits.name)/" : "rename it \(fits.name).csv, or move it into \(fits.name)/"
                notes.append("\(place) has the columns of \(fits.name): to read it as \(fits.name), \(how)")
            }
            // Rows of files read before a later file added names are as wide as the header.
            rows = rows.map { $0.count < header.count ? $0 + Array(repeating: "", count: header.count - $0.count) : $0 }
            var chosen = dataset
            if !dataset.isBuiltIn && looksLikeAssessments(header) {
                chosen = Dataset.declaredAssessments(name: dataset.name, title: dataset.title, settings: DatasetSettings())
            }
            samples.append(ConfigDraft.Sample(dataset: chosen, files: files.map(\.relativePath), header: header, rows: rows))
        }
        return (samples, notes)
    }

    /// A header with a score, a result or an inspection date reads as assessments.
    static func looksLikeAssessments(_ header: [String]) -> Bool {
        let words = ["score", "grade", "result", "inspection", "compliant", "得分", "检查", "考评", "达标"]
        return header.contains { name in words.contains { name.lowercased().contains($0) } }
    }

    /// The first records of a file (its header first), in the encoding its start reads in,
    /// until `take` says no more.
    private static func read(_ path: String, _ take: (CSVRecord) -> Bool) throws(Failure) {
        struct Enough: Error {}
        let encoding: TextEncoding
        switch FileScan.scan(path: path, setting: .auto, hashing: false, checkingAhead: 1 << 16) {
        case .success(let scan): encoding = scan.encoding
        case .failure: return  // a file no encoding reads gives no sample; validate says why
        }
        var count = 0
        do {
            try CSVFileReader.read(path: path, encoding: encoding) { record in
                guard record.problem == nil, !(record.fields.count == 1 && record.fields[0].isEmpty) else { return }
                count += 1
                if !take(record) || count > rowsPerFile { throw Enough() }
            }
        } catch is Enough {
        } catch let error as FileReadError {
            throw .error([error.description])
        } catch {
            return  // undecodable after its start: the sample so far stands
        }
    }

    /// Creates `path` with `text`, failing if it exists (no race with another writer).
    private static func create(_ path: String, _ text: String) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            let code = errno
            if code == EEXIST { throw .usage(["\(path) exists: init never overwrites a file"]) }
            throw .error(["cannot create \(path): \(String(cString: strerror(code)))"])
        }
        defer { close(descriptor) }
        var text = text
        let written = text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if count <= 0 { return false }
                offset += count
            }
            return true
        }
        if !written {
            let code = errno
            unlink(path)
            throw .error(["cannot write \(path): \(String(cString: strerror(code)))"])
        }
    }
}
