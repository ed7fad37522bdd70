import CSVReading
import Schema

/// The last file of a dataset that the run state recorded, found grown in place since: an
/// export that is appended to, or written again longer, under the same name. Its bytes up
/// to the length recorded are those read then (the same sha256), and they ended between
/// records with a line feed; the bytes after them are in the encoding it was read in. Read
/// whole, such a file gives its recorded rows first, then the new ones, each record the
/// same: so a run reads only the rows after the recorded end (`IngestStage.readGrown`),
/// from the line recorded there, after every file before it and before any file after it.
package struct GrownFile: Sendable {
    /// The file as it is now, which the read checks it still is once done.
    package let version: FileVersion
    /// The length recorded: the offset the new rows start at.
    package let from: Int
    /// The line number there.
    package let line: Int
    /// The sha256 of the whole file now.
    package let sha256: String

    /// `recorded` grown into `file` (same name), or nil: not grown, grown from a file whose
    /// rows may read otherwise once it is longer (refused, a quote left open, no line break
    /// after its last record), changed before the recorded end, or with bytes after it that
    /// its encoding cannot decode (a whole read might then choose another encoding).
    /// Reads the whole file once, for its sha256.
    static func check(_ recorded: FileOutcome, now file: InputFile) -> GrownFile? {
        guard recorded.file.relativePath == file.relativePath, recorded.decoded, recorded.refusal == nil, recorded.endLine > 0,
              recorded.runOnRecords.count == 0, let old = recorded.version, old.size == recorded.bytes,
              let now = try? FileVersion.of(file.path), now.size > recorded.bytes
        else { return nil }
        var hasher = FileHasher()
        var lastByte: UInt8 = 0
        do {
            try FileBlocks.forEach(path: file.path, range: 0..<recorded.bytes) { block in
                hasher.feed(block)
                lastByte = block[block.count - 1]
            }
            guard lastByte == 0x0A, hasher.finished().sha256 == recorded.sha256 else { return nil }
            // From a character start: the recorded bytes end with a line feed.
            guard try FileScan.decodes(path: file.path, range: recorded.bytes..<now.size, as: recorded.encoding, eachBlock: { hasher.feed($0) }) else {
                return nil
            }
        } catch {
            return nil
        }
        return GrownFile(version: now, from: recorded.bytes, line: recorded.endLine, sha256: hasher.finished().sha256)
    }
}

extension FileOutcome {
    /// The outcome of the whole file, this one's rows (read by an earlier run) followed by
    /// those of `rest`, the outcome of reading the file after them: the file, its size,
    /// sha256, version and end are the rest's.
    func followed(by rest: FileOutcome) -> FileOutcome {
        var whole = rest
        whole.rowsRead += rowsRead
        whole.accepted += accepted
        whole.rejected += rejected
        whole.duplicates += duplicates
        whole.conflicts += conflicts
        whole.filtered += filtered
        whole.rejectReasons.merge(rejectReasons, uniquingKeysWith: +)
        whole.namesRunDay = namesRunDay || rest.namesRunDay
        // The rest's records that ran over several lines are the file's: one with such a
        // record before is read whole (`GrownFile.check`).
        return whole
    }
}

extension IngestStage {
    /// Reads the rows a grown file (the last of the dataset's files in `ingest`, which
    /// holds its recorded rows) has after the recorded end into `ingest.store`, and makes
    /// its outcome the whole file's.
    func readGrown(
        _ grown: GrownFile, into ingest: inout DatasetIngest, rejects: inout some RejectSink, progress: (IngestProgress) -> Void
    ) throws {
        let index = ingest.files.count - 1
        let recorded = ingest.files[index]
        let file = recorded.file
        let scan = FileScan(bytes: grown.version.size, sha256: grown.sha256, encoding: recorded.encoding)
        var reader = FileRowReader(file: file, dataset: ingest.dataset, scan: scan, batches: batches)
        progress(IngestProgress(file: file.relativePath, bytesDone: grown.from, bytesTotal: scan.bytes))
        var endLine = 0
        try Self.reading(file, version: grown.version, into: &reader, checkingEnd: true) { reader in
            // The header makes the layout; the rows after it were read before.
            var offset = 0
            while reader.decoder == nil && reader.outcome.refusal == nil && offset < grown.from {
                offset = try CSVFileReader.readRaw(path: file.path, encoding: scan.encoding, range: offset..<grown.from, stopAfter: offset + 1) { record in
                    reader.hold(record)
                }.offset
            }
            guard reader.decoder != nil, reader.outcome.refusal == nil else {
                throw IngestError.io(FileReadError(path: file.path, errno: 0, operation: "read", detail: "its header row is not the one read before"))
            }
            let end = try CSVFileReader.readRaw(
                path: file.path, encoding: scan.encoding, range: grown.from..<scan.bytes, firstLine: grown.line,
                afterBlock: { progress(IngestProgress(file: file.relativePath, bytesDone: $0, bytesTotal: scan.bytes)) }
            ) { record in
                try reader.take(record, store: &ingest.store, rejects: &rejects)
            }
            try reader.flush(store: &ingest.store, rejects: &rejects)
            if end.betweenRecords { endLine = end.nextLine }
            return end.offset
        }
        try reader.finish()
        reader.releaseBatch()
        reader.outcome.version = grown.version
        if reader.outcome.refusal == nil { reader.outcome.endLine = endLine }
        progress(IngestProgress(file: file.relativePath, bytesDone: scan.bytes, bytesTotal: scan.bytes))
        ingest.files[index] = recorded.followed(by: reader.outcome)
    }
}
