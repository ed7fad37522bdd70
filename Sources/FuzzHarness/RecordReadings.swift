#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSVReading
import Ingest
import Schema

/// The CSV reader's properties: the file is scanned as `govstats` scans it (encoding,
/// refusal), then read whole and in blocks of many sizes, and every reading must give the
/// same records, whose start lines increase, whose fields stay under the limit and which
/// come back unchanged when written as CSV text and read again.
struct RecordReadings {
    /// The records of the reading in one block; empty when the file was refused whole.
    let records: [CSVRecord]
    /// The scan refused the file (not decodable in the encoding it was read with).
    let refusedWhole: Bool

    static let blockSizes = [1, 2, 3, 7, 64, 4099]

    static func check(path: String, setting: EncodingSetting, fileBytes: Int, extraBlockBytes: Int) -> RecordReadings {
        let scan: FileScan
        switch FileScan.scan(path: path, setting: setting) {
        case .success(let result): scan = result
        case .failure(.io(let error)):
            Property.violated("the scan could not read the file: \(error)")
        case .failure(.undecodable(let message)):
            Property.check(message.contains("offset"), "a refusal names no offset: \(message)")
            return RecordReadings(records: [], refusedWhole: true)
        }
        Property.check(scan.bytes == fileBytes, "the scan counted \(scan.bytes) bytes of \(fileBytes)")
        if case .fixed(let declared) = setting {
            Property.check(scan.encoding == declared, "declared \(declared.rawValue), read as \(scan.encoding.rawValue)")
        }

        let whole = read(path: path, encoding: scan.encoding, blockBytes: max(fileBytes, 1))
        // Tiny blocks cost a system call each: one byte only up to 4 KB, 2 and 3 up to 16 KB.
        var sizes = blockSizes + [extraBlockBytes]
        if fileBytes > 4 << 10 { sizes.removeAll { $0 == 1 } }
        if fileBytes > 16 << 10 { sizes.removeAll { $0 == 2 || $0 == 3 } }
        for size in Set(sizes).sorted() where size < fileBytes {
            let split = read(path: path, encoding: scan.encoding, blockBytes: size)
            if !identical(split, whole) {
                let index = zip(split, whole).enumerated().first { !identical([$1.0], [$1.1]) }?.offset ?? min(split.count, whole.count)
                let got = index < split.count ? "\(split[index])" : "nothing"
                let wanted = index < whole.count ? "\(whole[index])" : "nothing"
                Property.violated("blocks of \(size) bytes read \(split.count) records, whole \(whole.count); record \(index): \(got), whole: \(wanted)")
            }
        }

        if scan.encoding == .utf8 {
            checkChunks(path: path, fileBytes: fileBytes, chunkBytes: extraBlockBytes, whole: whole)
            checkSpaceShortcut(path: path, whole: whole)
        }
        checkRecords(whole, lineBreaks: lineBreaks(path: path))
        checkRoundTrip(whole)
        return RecordReadings(records: whole, refusedWhole: false)
    }

    static func read(path: String, encoding: TextEncoding, blockBytes: Int) -> [CSVRecord] {
        var records: [CSVRecord] = []
        do {
            try CSVFileReader.read(path: path, encoding: encoding, blockBytes: blockBytes, maxFieldBytes: FuzzCase.maxFieldBytes) {
                records.append($0)
            }
        } catch {
            // The scan accepted the file, so reading it must not fail.
            Property.violated("reading in blocks of \(blockBytes) bytes as \(encoding.rawValue) threw \(error)")
        }
        return records
    }

    /// Read in guessed chunks on two threads, checked and mended as parallel ingest reads
    /// (`ChunkedReading`): together the same records, on the same lines, as read whole.
    static func checkChunks(path: String, fileBytes: Int, chunkBytes: Int, whole: [CSVRecord]) {
        var chunked: [CSVRecord] = []
        var ends: [Int] = []
        do {
            let first = try CSVFileReader.readRaw(path: path, encoding: .utf8, stopAfter: chunkBytes, maxFieldBytes: FuzzCase.maxFieldBytes) {
                chunked.append(CSVRecord($0))
            }
            ends.append(first.offset)
            let chunks = ChunkedReading<[CSVRecord]>(path: path, fileBytes: fileBytes, chunkBytes: chunkBytes) { start, stopAfter in
                var records: [CSVRecord] = []
                let end = try CSVFileReader.readRaw(path: path, encoding: .utf8, range: start..<fileBytes, stopAfter: stopAfter, maxFieldBytes: FuzzCase.maxFieldBytes) {
                    records.append(CSVRecord($0))
                }
                return (records, end)
            }
            try chunks.run(jobs: 2, from: first.offset, line: first.nextLine) { records, firstLine, end in
                Property.check(end > ends.last!, "a chunk ending at \(end) after one ending at \(ends.last!)")
                ends.append(end)
                for var record in records {
                    record.line += firstLine - 1
                    chunked.append(record)
                }
            }
        } catch {
            Property.violated("reading in chunks of \(chunkBytes) bytes threw \(error)")
        }
        Property.check(ends.last == fileBytes, "chunks ended at \(ends), the file has \(fileBytes) bytes")
        if !identical(chunked, whole) {
            let index = zip(chunked, whole).enumerated().first { !identical([$1.0], [$1.1]) }?.offset ?? min(chunked.count, whole.count)
            let got = index < chunked.count ? "\(chunked[index])" : "nothing"
            let wanted = index < whole.count ? "\(whole[index])" : "nothing"
            Property.violated("cut into chunks ending at \(ends) read \(chunked.count) records, whole \(whole.count); record \(index): \(got), whole: \(wanted)")
        }
    }

    /// Read with libcsv's space function called for every byte (no shortcut for slices
    /// whose spaces are all interior): the same records.
    static func checkSpaceShortcut(path: String, whole: [CSVRecord]) {
        let decoder = CSVRecordDecoder(maxFieldBytes: FuzzCase.maxFieldBytes)
        decoder.alwaysCallSpaceFunction = true
        var records: [CSVRecord] = []
        do {
            var bytes: [UInt8] = []
            try FileBlocks.forEach(path: path) { bytes.append(contentsOf: $0) }
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            try decoder.feed(bytes) { records.append($0) }
            try decoder.finish { records.append($0) }
        } catch {
            Property.violated("reading with the space function on every byte threw \(error)")
        }
        Property.check(identical(records, whole), "the space shortcut read \(records.count) records, the space function \(whole.count) (or their fields differ)")
    }

    /// Start lines increase, a record's fields are there unless it has a problem (a quote
    /// never closed keeps them, and ends the input), and no field is larger than the limit.
    static func checkRecords(_ records: [CSVRecord], lineBreaks: Int) {
        var previous = 0
        for (index, record) in records.enumerated() {
            Property.check(record.line > previous, "record at line \(record.line) after one at line \(previous)")
            previous = record.line
            if case .unterminatedQuote = record.problem {
                Property.check(index == records.count - 1, "a quote never closed at line \(record.line) is not the last record")
            } else if record.problem != nil {
                Property.check(record.fields.isEmpty, "a record with a problem kept its fields: \(record)")
            } else {
                Property.check(!record.fields.isEmpty, "a record without fields: \(record)")
            }
            for field in record.fields {
                Property.check(field.utf8.count <= FuzzCase.maxFieldBytes, "a field of \(field.utf8.count) bytes passed the \(FuzzCase.maxFieldBytes) limit at line \(record.line)")
            }
        }
        Property.check(previous <= lineBreaks + 1, "a record starts at line \(previous), the file has \(lineBreaks + 1) lines")
    }

    /// Every record with fields that is not blank (a quote never closed included), written
    /// with `CSVText` and read again, gives the same fields (what `rejects/<dataset>.csv`
    /// relies on).
    static func checkRoundTrip(_ records: [CSVRecord]) {
        let written = records.filter { !$0.fields.isEmpty && !$0.isBlank }
        guard !written.isEmpty else { return }
        var text: [UInt8] = []
        for record in written {
            text.append(contentsOf: CSVText.record(record.fields).utf8)
            text.append(0x0A)
        }
        let decoder = CSVRecordDecoder(maxFieldBytes: FuzzCase.maxFieldBytes * 2 + 2)
        var again: [[String]] = []
        do {
            try decoder.feed(text) { again.append($0.fields) }
            try decoder.finish { again.append($0.fields) }
        } catch {
            Property.violated("reading written records threw \(error)")
        }
        Property.check(again.count == written.count, "\(written.count) records written, \(again.count) read again")
        for (record, fields) in zip(written, again) {
            Property.check(identical(record.fields, fields), "record at line \(record.line) read again as \(fields), was \(record.fields)")
        }
    }

    /// Equal byte for byte (String's `==` would let canonically equivalent text pass).
    static func identical(_ lhs: [CSVRecord], _ rhs: [CSVRecord]) -> Bool {
        lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { left, right in
            left.line == right.line && left.problem == right.problem && identical(left.fields, right.fields)
        }
    }

    static func identical(_ lhs: [String], _ rhs: [String]) -> Bool {
        lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { sameBytes($0, $1) }
    }

    static func sameBytes(_ lhs: String, _ rhs: String) -> Bool {
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                left.count == right.count && (left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0)
            }
        }
    }

    /// LF, CRLF and lone CR each end a line. In GB18030 and Big5, CR and LF bytes are never
    /// part of a multi-byte character, so counting bytes is right for every encoding.
    static func lineBreaks(path: String) -> Int {
        var count = 0
        var afterCR = false
        try? FileBlocks.forEach(path: path) { block in
            for byte in block {
                if byte == 0x0A {
                    if !afterCR { count += 1 }
                    afterCR = false
                } else {
                    afterCR = byte == 0x0D
                    if afterCR { count += 1 }
                }
            }
        }
        return count
    }
}
