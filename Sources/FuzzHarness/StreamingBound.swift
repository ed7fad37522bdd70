#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSVReading

/// Memory stays bounded however long a field or a record runs: the file bytes are fed to one
/// `CSVRecordDecoder` again and again, megabytes in all (a file with no line break becomes
/// one huge record or field). Every record keeps to the limits (bytes and, since each field
/// takes a separator, fields), and the heap in use may not grow by more than
/// `maxGrowth` once the first `settleBytes` have been read: a decoder that keeps what it
/// reads (16 bytes a field for a line of commas) passes that long before the end.
enum StreamingBound {
    static let streamedBytes = 1 << 20
    static let settleBytes = 256 << 10
    static let maxGrowth = 4 << 20
    static let maxRecordBytes = 16 << 10

    static func check(_ file: [UInt8]) {
        // The decoder reads UTF-8 (the reader converts other encodings first).
        guard let text = utf8Text(file), !text.isEmpty else { return }
        var chunk: [UInt8] = []
        while chunk.count < 64 << 10 { chunk.append(contentsOf: text) }
        let decoder = CSVRecordDecoder(maxFieldBytes: FuzzCase.maxFieldBytes, maxRecordBytes: maxRecordBytes)
        var fed = 0
        var baseline: Int?
        var records = 0
        let emit = { (record: CSVRecord) in
            records += 1
            var bytes = 0
            for field in record.fields {
                Property.check(field.utf8.count <= FuzzCase.maxFieldBytes, "streaming: a field of \(field.utf8.count) bytes")
                bytes += field.utf8.count
            }
            Property.check(bytes + record.fields.count <= maxRecordBytes,
                           "streaming: a record of \(record.fields.count) fields, \(bytes) bytes passed the \(maxRecordBytes) limit")
        }
        do {
            while fed < streamedBytes {
                try decoder.feed(chunk, emit)
                fed += chunk.count
                let inUse = heapInUse()
                if let baseline {
                    Property.check(inUse - baseline <= maxGrowth,
                                   "streaming: the heap in use grew by \(inUse - baseline) bytes over \(fed) bytes read (\(records) records)")
                } else if fed >= settleBytes {
                    baseline = inUse
                }
            }
            try decoder.finish(emit)
        } catch {
            Property.violated("streaming: the decoder threw \(error)")
        }
    }

    /// The file as UTF-8: itself when it is valid UTF-8, else converted from GB18030.
    static func utf8Text(_ file: [UInt8]) -> [UInt8]? {
        var validator = UTF8Validator()
        file.withUnsafeBytes { validator.feed($0) }
        validator.finish()
        // The vector check must agree with the byte-by-byte one, offset of the fault included.
        var bytewise = UTF8Validator(vectors: false)
        file.withUnsafeBytes { bytewise.feed($0) }
        bytewise.finish()
        Property.check(bytewise.isValid == validator.isValid && bytewise.firstInvalidOffset == validator.firstInvalidOffset,
                       "utf8: vectors say \(validator.firstInvalidOffset.map(String.init) ?? "valid"), bytes say \(bytewise.firstInvalidOffset.map(String.init) ?? "valid")")
        if validator.isValid { return file }
        var text: [UInt8] = []
        do {
            let transcoder = try Transcoder(from: .gb18030)
            try file.withUnsafeBytes { try transcoder.convert($0, final: true, into: &text) }
        } catch {
            return nil
        }
        return text
    }

    /// Bytes allocated with malloc and not yet freed, from glibc's `mallinfo2` (0 where it
    /// is not there). The process's resident size would not do: the allocator keeps freed
    /// pages, so it moves by megabytes while a bounded decoder's heap stays put.
    static func heapInUse() -> Int {
        guard let mallinfo2 = mallInfo2 else { return 0 }
        // mallinfo2 returns `struct mallinfo2`, ten size_t: arena, ordblks, smblks, hblks,
        // hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost. Swift cannot import
        // malloc.h here, so the call is typed with a larger C struct (`stat`, 144 bytes):
        // both are returned through memory the caller provides, and the first 80 bytes are
        // mallinfo2's.
        var info = mallinfo2()
        return withUnsafeBytes(of: &info) { raw in
            let words = raw.bindMemory(to: Int.self)
            return words[7] + words[4]  // uordblks (in use) + hblkhd (mmapped)
        }
    }

    private typealias MallInfo2 = @convention(c) () -> stat

    private static let mallInfo2: MallInfo2? = {
        guard MemoryLayout<stat>.size >= 10 * MemoryLayout<Int>.size,
              let symbol = dlsym(dlopen(nil, RTLD_NOW), "mallinfo2") else { return nil }
        return unsafeBitCast(symbol, to: MallInfo2.self)
    }()
}
