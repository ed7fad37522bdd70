#if canImport(Glibc)
import Glibc
#endif
import CSVReading
import Foundation
import Testing
import TestSupport

@Suite struct TextEncodingTests {
    func validate(_ bytes: [UInt8], chunk: Int = 1) -> UTF8Validator {
        var validator = UTF8Validator()
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            Array(bytes[offset..<end]).withUnsafeBytes { validator.feed($0) }
            offset = end
        }
        validator.finish()
        return validator
    }

    @Test(arguments: [1, 2, 3, 1000])
    func utf8Validation(chunk: Int) {
        #expect(validate(Array("宝山区,罗店镇 ok 😀".utf8), chunk: chunk).isValid)
        // GBK bytes of 宝山 are not UTF-8: the first bad byte is at offset 2.
        #expect(validate([0x61, 0x2C, 0xB1, 0xA6, 0xC9, 0xBD], chunk: chunk).firstInvalidOffset == 2)
        // Overlong encoding, surrogate, truncated sequence at the end.
        #expect(validate([0xC0, 0x80], chunk: chunk).firstInvalidOffset == 0)
        #expect(validate([0x41, 0xED, 0xA0, 0x80], chunk: chunk).firstInvalidOffset == 1)
        #expect(validate([0x41, 0x42, 0xE5, 0xAE], chunk: chunk).firstInvalidOffset == 2)
    }

    func transcode(_ bytes: [UInt8], from encoding: TextEncoding, chunk: Int) throws -> String {
        let transcoder = try Transcoder(from: encoding)
        var output: [UInt8] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            try Array(bytes[offset..<end]).withUnsafeBytes { try transcoder.convert($0, final: false, into: &output) }
            offset = end
        }
        try transcoder.convert(UnsafeRawBufferPointer(start: nil, count: 0), final: true, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    @Test(arguments: [1, 2, 3, 64])
    func gb18030AndBig5(chunk: Int) throws {
        // 宝山区 in GB18030: B1A6 C9BD C7F8; a four-byte sequence for U+20AC € is A2E3 (two bytes) in GB18030.
        #expect(try transcode([0xB1, 0xA6, 0xC9, 0xBD, 0xC7, 0xF8, 0x2C, 0x31], from: .gb18030, chunk: chunk) == "宝山区,1")
        // 台北 in Big5 (CP950): A578 A55F
        #expect(try transcode([0xA5, 0x78, 0xA5, 0x5F], from: .big5, chunk: chunk) == "台北")
    }

    /// Every sequence of one, two and four bytes a GB18030 decoder may meet (lead bytes
    /// 0x81 to 0xFE; 1.6 million), and every Big5 one of one and two bytes, decoded one by
    /// one with iconv straight into UTF-8, as the transcoder did before it decoded to UCS-4
    /// and wrote the UTF-8 itself, then ASCII and most two-byte characters through a table.
    /// The valid ones, all in one input cut into blocks that split characters, must give
    /// the same UTF-8 (and the table must hold the same two-byte characters); none may
    /// decode to a code point without UTF-8 (for which the transcoder would fall back to
    /// iconv's UTF-8); and a sample of the invalid ones must fail at the same offset.
    @Test(arguments: [TextEncoding.gb18030, .big5])
    func everySequenceDecodesAsIconvsUTF8(encoding: TextEncoding) throws {
        var candidates: [[UInt8]] = (0...255).map { [UInt8($0)] }
        for lead in 0x81...0xFE {
            for trail in 0...255 { candidates.append([UInt8(lead), UInt8(trail)]) }
            if encoding == .gb18030 {
                for b in 0x30...0x39 { for c in 0x81...0xFE { for d in 0x30...0x39 {
                    candidates.append([UInt8(lead), UInt8(b), UInt8(c), UInt8(d)])
                } } }
            }
        }
        let name = encoding == .gb18030 ? "GB18030" : "CP950"
        let direct = iconv_open("UTF-8", name)!, units = iconv_open("WCHAR_T", name)!
        defer { iconv_close(direct); iconv_close(units) }
        /// One whole input through `handle`: the bytes out, or the offset where it stopped.
        func decode(_ handle: iconv_t, _ bytes: [UInt8]) -> (out: [UInt8], failedAt: Int?) {
            var input = bytes, output = [UInt8](repeating: 0, count: bytes.count * 4 + 16)
            let inCount = input.count, outCount = output.count
            var inLeft = inCount, outLeft = outCount
            let result = input.withUnsafeMutableBytes { inBytes in
                output.withUnsafeMutableBytes { outBytes in
                    var inPointer: UnsafeMutablePointer<CChar>? = inBytes.baseAddress!.assumingMemoryBound(to: CChar.self)
                    var outPointer: UnsafeMutablePointer<CChar>? = outBytes.baseAddress!.assumingMemoryBound(to: CChar.self)
                    return iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft)
                }
            }
            iconv(handle, nil, nil, nil, nil)
            return (Array(output[..<(outCount - outLeft)]), result == -1 ? inCount - inLeft : nil)
        }
        var valid: [UInt8] = [], expected: [UInt8] = [], invalid: [[UInt8]] = []
        var withoutUTF8 = 0, twoByteInPlane = 0
        for sequence in candidates {
            let (out, failedAt) = decode(direct, sequence)
            let (wide, wideFailedAt) = decode(units, sequence)
            #expect(failedAt == wideFailedAt, "\(sequence)")
            guard failedAt == nil else { invalid.append(sequence); continue }
            valid += sequence
            expected += out
            if sequence.count == 2 && wide.count == 4 {
                let unit = UInt32(wide[0]) | UInt32(wide[1]) << 8 | UInt32(wide[2]) << 16 | UInt32(wide[3]) << 24
                if unit >= 0x80 && unit < 0x10000 { twoByteInPlane += 1 }
            }
            for i in stride(from: 0, to: wide.count, by: 4) {
                let unit = UInt32(wide[i]) | UInt32(wide[i + 1]) << 8 | UInt32(wide[i + 2]) << 16 | UInt32(wide[i + 3]) << 24
                if (0xD800...0xDFFF).contains(unit) || unit > 0x10FFFF { withoutUTF8 += 1 }
            }
        }
        #expect(withoutUTF8 == 0)
        // The transcoder's table holds each two-byte character in the plane past ASCII.
        #expect(try Transcoder(from: encoding).tablePairs == twoByteInPlane)
        // Enough of each kind that the loop above is known to have run.
        #expect(valid.count > (encoding == .gb18030 ? 4_000_000 : 27_000) && invalid.count > 1_000)
        for block in [1 << 20, 4093] {
            let transcoder = try Transcoder(from: encoding), checker = try Transcoder(from: encoding)
            var output: [UInt8] = []
            for start in stride(from: 0, to: valid.count, by: block) {
                try valid[start..<min(start + block, valid.count)].withUnsafeBytes {
                    try transcoder.convert($0, final: false, into: &output)
                    try checker.check($0, final: false)
                }
            }
            try transcoder.convert(UnsafeRawBufferPointer(start: nil, count: 0), final: true, into: &output)
            try checker.check(UnsafeRawBufferPointer(start: nil, count: 0), final: true)
            // The first difference, not the 8 MB arrays.
            let differs = zip(output, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? (output.count == expected.count ? nil : min(output.count, expected.count))
            #expect(differs == nil, "blocks of \(block): \(output.count) bytes out, \(expected.count) expected")
        }
        for sequence in stride(from: 0, to: invalid.count, by: 37).map({ invalid[$0] }) {
            // A line feed after it: it is never part of a character here (a letter may be).
            let input = Array("a,".utf8) + sequence + Array("\nc".utf8)
            let offset = try #require(decode(direct, input).failedAt)
            let failure = TranscodeError.invalidByte(encoding: encoding, offset: offset)
            #expect(throws: failure, "\(sequence)") { try transcode(input, from: encoding, chunk: 3) }
            #expect(throws: failure, "\(sequence)") {
                try input.withUnsafeBytes { try Transcoder(from: encoding).check($0, final: true) }
            }
        }
    }

    /// The table holds the two-byte characters glibc decodes into the Basic Multilingual
    /// Plane: GB18030's 23,940 less six that it decodes past it (0xFE51 to U+20087...),
    /// which go through iconv; and CP950's 13,911. `everySequenceDecodesAsIconvsUTF8`
    /// counts them its own way.
    @Test func tableHoldsEveryTwoByteCharacter() throws {
        #expect(try Transcoder(from: .gb18030).tablePairs == 23_934)
        #expect(try Transcoder(from: .big5).tablePairs == 13_911)
        #expect(try Transcoder(from: .gb18030, twoByteTable: false).tablePairs == 0)
        #expect(try Transcoder(from: .utf8, to: .gb18030).tablePairs == 0)
    }

    /// Text decoded through the table and iconv together equals iconv's alone, and a fault
    /// is found at the same offset: random text of ASCII, two-byte and four-byte characters
    /// and bytes that start none, cut into blocks at random, converted and checked both ways.
    @Test(arguments: [TextEncoding.gb18030, .big5])
    func tableAgreesWithIconvAlone(encoding: TextEncoding) throws {
        // GB18030: 宝, 山, U+3000, U+4E02 (two bytes), U+3400 (four bytes). Big5: 台, 北,
        // U+3000, ▓, € (two bytes), U+0080 (one byte past ASCII, which iconv decodes).
        let pieces: [[UInt8]] = encoding == .gb18030
            ? [[0x61], [0x2C], [0x0A], [0xB1, 0xA6], [0xC9, 0xBD], [0xA1, 0xA1], [0x81, 0x40], [0x81, 0x39, 0xEE, 0x39]]
            : [[0x61], [0x2C], [0x0A], [0xA5, 0x78], [0xA5, 0x5F], [0xA1, 0x40], [0xF9, 0xFE], [0xA3, 0xE1], [0x80]]
        // No character starts with 0xFF in either, nor with 0x80 in GB18030; a lead byte
        // followed by a line feed; the first two bytes of a four-byte GB18030 character.
        let faults: [[UInt8]] = [[0xFF], [0xB1, 0x0A], [0x81, 0x39, 0x0A]] + (encoding == .gb18030 ? [[0x80]] : [])
        var random = SplitMix(state: 0x7AB1_E5ED)
        /// The text (empty when only checked) or the failure.
        func run(_ bytes: [UInt8], table: Bool, check: Bool, splits: [Int]) throws -> Result<[UInt8], TranscodeError> {
            let transcoder = try Transcoder(from: encoding, twoByteTable: table)
            var output: [UInt8] = []
            do {
                var start = 0
                for end in splits + [bytes.count] where end >= start {
                    try bytes[start..<end].withUnsafeBytes {
                        if check { try transcoder.check($0, final: false) } else { try transcoder.convert($0, final: false, into: &output) }
                    }
                    start = end
                }
                let none = UnsafeRawBufferPointer(start: nil, count: 0)
                if check { try transcoder.check(none, final: true) } else { try transcoder.convert(none, final: true, into: &output) }
            } catch let error as TranscodeError {
                return .failure(error)
            }
            return .success(output)
        }
        var faulted = 0
        for round in 0..<2000 {
            var bytes: [UInt8] = []
            let length = Int.random(in: 0..<300, using: &random)
            while bytes.count < length { bytes += pieces.randomElement(using: &random)! }
            if round % 2 == 0 {
                bytes.insert(contentsOf: faults.randomElement(using: &random)!, at: Int.random(in: 0...bytes.count, using: &random))
            }
            let splits = (0..<Int.random(in: 0..<4, using: &random)).map { _ in Int.random(in: 0...bytes.count, using: &random) }.sorted()
            let expected = try run(bytes, table: false, check: false, splits: splits)
            if case .failure = expected { faulted += 1 }
            #expect(try run(bytes, table: true, check: false, splits: splits) == expected, "round \(round): \(bytes) split at \(splits)")
            let checked = try run(bytes, table: true, check: true, splits: splits)
            #expect(checked == expected.map { _ in [] }, "round \(round), checked: \(bytes) split at \(splits)")
        }
        // Half the rounds have a fault put in; a few of them make a character of it (0x80 after
        // a lead byte is one in GB18030).
        #expect(faulted >= 800 && faulted <= 1000)
    }

    /// A converter reset mid-character, or after a failure, reads the next input from its
    /// start: nothing carried over, offsets from 0. The pool resets what it is given back.
    @Test func resetTranscoderStartsAfresh() throws {
        let text = Array("宝山区,罗店镇\n".utf8)
        var gb: [UInt8] = []
        try text.withUnsafeBytes { try Transcoder(from: .utf8, to: .gb18030).convert($0, final: true, into: &gb) }
        #expect(gb.count == 14)
        let transcoder = try Transcoder(from: .gb18030)
        var output: [UInt8] = []
        // Reset with the first byte of 宝 carried.
        try ([0x61, gb[0]] as [UInt8]).withUnsafeBytes { try transcoder.convert($0, final: false, into: &output) }
        #expect(output == [0x61])
        transcoder.reset()
        output = []
        try gb.withUnsafeBytes { try transcoder.convert($0, final: true, into: &output) }
        #expect(output == text)
        // Offsets count from the first byte read since: 14 + 2, then, after a reset, 1.
        #expect(throws: TranscodeError.invalidByte(encoding: .gb18030, offset: 16)) {
            try ([0x61, 0x62, 0xFF] as [UInt8]).withUnsafeBytes { _ = try transcoder.convert($0, final: true) }
        }
        transcoder.reset()
        #expect(throws: TranscodeError.invalidByte(encoding: .gb18030, offset: 1)) {
            try ([0x63, 0xFF] as [UInt8]).withUnsafeBytes { _ = try transcoder.convert($0, final: true) }
        }
        // Whichever converter the pool hands out (other tests use it at the same time), it
        // starts afresh.
        let pooled = try TranscoderPool.take(from: .gb18030)
        try ([0x61, gb[0]] as [UInt8]).withUnsafeBytes { _ = try pooled.convert($0, final: false) }
        TranscoderPool.give(pooled)
        let again = try TranscoderPool.take(from: .gb18030)
        output = []
        try gb.withUnsafeBytes { try again.convert($0, final: true, into: &output) }
        #expect(output == text)
        TranscoderPool.give(again)
    }

    @Test func gb18030RoundTrip() throws {
        let text = "接警编号,所属区\nA1,宝山区\n"
        let encoder = try Transcoder(from: .utf8, to: .gb18030)
        var gb: [UInt8] = []
        try Array(text.utf8).withUnsafeBytes { try encoder.convert($0, final: true, into: &gb) }
        #expect(gb.count < text.utf8.count)
        #expect(try transcode(gb, from: .gb18030, chunk: 5) == text)
    }

    @Test func undecodableByteIsNamedWithItsOffset() throws {
        // 0xFF is never valid in GB18030.
        #expect(throws: TranscodeError.invalidByte(encoding: .gb18030, offset: 3)) {
            try transcode([0x61, 0x62, 0x63, 0xFF, 0x64], from: .gb18030, chunk: 2)
        }
        // A lead byte cut off by the end of the input.
        #expect(throws: TranscodeError.invalidByte(encoding: .gb18030, offset: 1)) {
            try transcode([0x61, 0xB1], from: .gb18030, chunk: 1)
        }
        #expect(TranscodeError.invalidByte(encoding: .gb18030, offset: 3).description
            == "not valid gb18030: byte at offset 3 cannot be decoded")
    }

    @Test func fileReaderStripsBOMAndConvertsAcrossBlocks() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let bom = try folder.write("bom.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("a,b\r\n1,2\r\n".utf8))
        var records: [CSVRecord] = []
        try CSVFileReader.read(path: bom, encoding: .utf8, blockBytes: 3) { records.append($0) }
        #expect(records == [CSVRecord(line: 1, fields: ["a", "b"]), CSVRecord(line: 2, fields: ["1", "2"])])

        let gb = try folder.write("gb.csv", bytes: [0xC7, 0xF8, 0x0A, 0xB1, 0xA6, 0xC9, 0xBD, 0xC7, 0xF8, 0x0A])
        records = []
        try CSVFileReader.read(path: gb, encoding: .gb18030, blockBytes: 1) { records.append($0) }
        #expect(records == [CSVRecord(line: 1, fields: ["区"]), CSVRecord(line: 2, fields: ["宝山区"])])
    }

    @Test func unreadableInputsAreNamed() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try FileManager.default.createDirectory(atPath: folder.path + "/x.csv", withIntermediateDirectories: true)
        #expect(throws: FileReadError(path: folder.path + "/x.csv", errno: EISDIR, operation: "read")) {
            try CSVFileReader.read(path: folder.path + "/x.csv", encoding: .utf8) { _ in }
        }
        #expect(throws: FileReadError(path: folder.path + "/none.csv", errno: ENOENT, operation: "open")) {
            try CSVFileReader.read(path: folder.path + "/none.csv", encoding: .utf8) { _ in }
        }
        // A FIFO would block a reader for ever, and a device such as /dev/zero never ends.
        let fifo = folder.path + "/fifo.csv"
        #expect(mkfifo(fifo, 0o644) == 0)
        let notRegular = "not a regular file (a FIFO, a device or a socket)"
        #expect(throws: FileReadError(path: fifo, errno: EINVAL, operation: "read", detail: notRegular)) {
            try CSVFileReader.read(path: fifo, encoding: .utf8) { _ in }
        }
        #expect(throws: FileReadError(path: "/dev/zero", errno: EINVAL, operation: "read", detail: notRegular)) {
            try CSVFileReader.read(path: "/dev/zero", encoding: .utf8) { _ in }
        }
        #expect(FileReadError(path: fifo, errno: EINVAL, operation: "read", detail: notRegular).description
            == "cannot read \(fifo): not a regular file (a FIFO, a device or a socket)")
    }

    /// A range past the file's end (it was cut short after its size was taken) fails to be
    /// read, naming where the file ended; without a range, the end is wherever it is.
    @Test func rangePastTheEndFails() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = try folder.write("x.csv", "a,b\n1,2\n")
        var seen = 0
        #expect(throws: FileReadError.endedEarly(path: path, at: 8, expected: 20)) {
            try FileBlocks.forEach(path: path, range: 2..<20, blockBytes: 4) { seen += $0.count }
        }
        #expect(seen == 6)
        #expect(FileReadError.endedEarly(path: path, at: 8, expected: 20).description
            == "cannot read \(path): the file changed while it was read: it ended after 8 bytes, 20 were expected")
        seen = 0
        try FileBlocks.forEach(path: path, blockBytes: 4) { seen += $0.count }
        #expect(seen == 8)
    }

    /// `checking`: a read checks its bytes before decoding them and names the first one
    /// that is not UTF-8 by its offset in the file, however the blocks fall, from the file's
    /// start or a line start; a character cut by the end of the file is not UTF-8; a valid
    /// file reads as without the check.
    @Test(arguments: [1, 2, 3, 5, 64, 1 << 20])
    func readCheckingUTF8NamesTheFirstBadByte(blockBytes: Int) throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let good = Array("a,宝山区\nb,罗店镇\nc,d\n".utf8)
        let goodPath = try folder.write("good.csv", bytes: good)
        var checked: [[String]] = []
        var plain: [[String]] = []
        try CSVFileReader.readRaw(path: goodPath, encoding: .utf8, blockBytes: blockBytes, checking: true) { checked.append($0.strings()) }
        try CSVFileReader.readRaw(path: goodPath, encoding: .utf8, blockBytes: blockBytes) { plain.append($0.strings()) }
        #expect(checked == plain && checked.count == 3)
        // 0xB1 (a continuation byte) where a character starts, on the second line.
        let bad = Array("a,宝山区\nb,".utf8) + [0xB1, 0xA6] + Array("\nc,d\n".utf8)
        let badPath = try folder.write("bad.csv", bytes: bad)
        let offset = "a,宝山区\nb,".utf8.count
        #expect(throws: NotDecodableAfterAll(path: badPath, offset: offset)) {
            try CSVFileReader.readRaw(path: badPath, encoding: .utf8, blockBytes: blockBytes, checking: true) { _ in }
        }
        let secondLine = "a,宝山区\n".utf8.count
        // A read that stops after the first record (a chunk) checks only what it read, in
        // whatever block; the next chunk's read meets the bad byte.
        let firstChunk = try CSVFileReader.readRaw(path: badPath, encoding: .utf8, stopAfter: 1, blockBytes: blockBytes, checking: true) { _ in }
        #expect(firstChunk.offset == secondLine)
        #expect(throws: NotDecodableAfterAll(path: badPath, offset: offset)) {
            try CSVFileReader.readRaw(path: badPath, encoding: .utf8, range: secondLine..<bad.count, blockBytes: blockBytes, checking: true) { _ in }
        }
        // Without the check the bytes are read as they are.
        try CSVFileReader.readRaw(path: badPath, encoding: .utf8, blockBytes: blockBytes) { _ in }
        // The first two bytes of 宝 at the very end.
        let cut = Array("a,b\nc,".utf8) + [0xE5, 0xAE]
        let cutPath = try folder.write("cut.csv", bytes: cut)
        #expect(throws: NotDecodableAfterAll(path: cutPath, offset: cut.count - 2)) {
            try CSVFileReader.readRaw(path: cutPath, encoding: .utf8, blockBytes: blockBytes, checking: true) { _ in }
        }
    }

    /// `checking` in GB18030: the first byte the transcoder cannot decode is named by its
    /// offset in the file, as `NotDecodableAfterAll` rather than the `TranscodeError` of a
    /// read without the check, from the file's start or a line start; a character cut by
    /// the end of the file is one; a valid file reads as without the check.
    @Test(arguments: [1, 2, 3, 5, 64, 1 << 20])
    func readCheckingGB18030NamesTheFirstBadByte(blockBytes: Int) throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        // a,宝山区 / b,罗 / c,d in GB18030.
        let first: [UInt8] = Array("a,".utf8) + [0xB1, 0xA6, 0xC9, 0xBD, 0xC7, 0xF8, 0x0A]
        let good = first + Array("b,".utf8) + [0xC2, 0xDE] + Array("\nc,d\n".utf8)
        let goodPath = try folder.write("good.csv", bytes: good)
        var checked: [[String]] = []
        var plain: [[String]] = []
        try CSVFileReader.readRaw(path: goodPath, encoding: .gb18030, blockBytes: blockBytes, checking: true) { checked.append($0.strings()) }
        try CSVFileReader.readRaw(path: goodPath, encoding: .gb18030, blockBytes: blockBytes) { plain.append($0.strings()) }
        #expect(checked == plain && checked == [["a", "宝山区"], ["b", "罗"], ["c", "d"]])
        // 0xFF, which starts no character, on the second line.
        let bad = first + Array("b,".utf8) + [0xFF] + Array("\nc,d\n".utf8)
        let badPath = try folder.write("bad.csv", bytes: bad)
        let offset = first.count + 2
        #expect(throws: NotDecodableAfterAll(path: badPath, offset: offset)) {
            try CSVFileReader.readRaw(path: badPath, encoding: .gb18030, blockBytes: blockBytes, checking: true) { _ in }
        }
        #expect(throws: NotDecodableAfterAll(path: badPath, offset: offset)) {
            try CSVFileReader.readRaw(path: badPath, encoding: .gb18030, range: first.count..<bad.count, blockBytes: blockBytes, checking: true) { _ in }
        }
        // A read that stops after the first record does not meet it.
        let firstChunk = try CSVFileReader.readRaw(path: badPath, encoding: .gb18030, stopAfter: 1, blockBytes: blockBytes, checking: true) { _ in }
        #expect(firstChunk.offset == first.count)
        #expect(throws: TranscodeError.invalidByte(encoding: .gb18030, offset: offset)) {
            try CSVFileReader.readRaw(path: badPath, encoding: .gb18030, blockBytes: blockBytes) { _ in }
        }
        // The lead byte of 宝 at the very end.
        let cut = first + Array("c,".utf8) + [0xB1]
        let cutPath = try folder.write("cut.csv", bytes: cut)
        #expect(throws: NotDecodableAfterAll(path: cutPath, offset: cut.count - 1)) {
            try CSVFileReader.readRaw(path: cutPath, encoding: .gb18030, blockBytes: blockBytes, checking: true) { _ in }
        }
    }

    @Test func csvTextQuotesMinimally() {
        #expect(CSVText.line(["a", "b,c", "say \"hi\"", "two\nlines", "cr\r"]) == "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\"\n")
        #expect(utf8Less("Z", "a"))
        #expect(utf8Less("a", "宝"))
        #expect(utf8Less(["a", "b"], ["a", "c"]))
    }

    @Test(arguments: [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+2", "'+1+2"), ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("-30.2", "-30.2"), ("+5", "+5"),
        ("-", "'-"), ("-.5", "'-.5"), ("宝山区", "宝山区"), ("a=b", "a=b"), ("", ""),
        ("1.", "1."), ("-1.", "'-1."), ("--1", "'--1"), ("-1.2.3", "'-1.2.3"), ("-\"a,b\"", "'-\"a,b\""),
    ])
    func formulaInjectionIsNeutralised(_ text: String, _ expected: String) {
        #expect(CSVText.cell(text) == expected)
        // Made as bytes (`CSVLines`, which `line` uses): the same cell, quoted as a field.
        #expect(CSVText.line([text]) == CSVText.field(expected) + "\n")
    }

    @Test func csvLinesMakeNumbersAndCellsMadeBefore() {
        var first = CSVLines()
        first.cell("alarm_calls")
        first.cell("=x")
        var lines = CSVLines()
        lines.cells(first.bytes)
        lines.cell(-30)
        lines.cell(0)
        lines.cell(Int.min)
        lines.endLine()
        lines.cell(1_234_567)
        lines.cells(first.bytes)
        lines.endLine()
        #expect(lines.take() == "alarm_calls,'=x,-30,0,-9223372036854775808\n1234567,alarm_calls,'=x\n")
        #expect(lines.bytes.isEmpty)
    }

    @Test func outputLinesNeutraliseEveryCellButNotTheRecordInside() {
        #expect(CSVText.line(["=1+1", "-5", "x"]) == "'=1+1,-5,x\n")
        #expect(CSVText.line([CSVText.record(["=cmd", "a,b"])]) == "\"'=cmd,\"\"a,b\"\"\"\n")
    }
}

/// The vector check (32 bytes at a time) must give exactly the byte-by-byte verdicts:
/// validity and the offset of the first fault, however the input is split into calls.
@Suite struct UTF8VectorTests {
    /// Well-formed characters of every length, and the byte patterns at the edges of the
    /// rules (overlongs, surrogates, past U+10FFFF, stray and missing continuations).
    static let pieces: [[UInt8]] = [
        [0x41], [0x2C], [0x0A], [0x7F], [0x00],
        [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xE5, 0xAE, 0x9D], [0xED, 0x9F, 0xBF],
        [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0xF3, 0xBF, 0xBF, 0xBF],
    ]
    static let faults: [[UInt8]] = [
        [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xC2], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF],
        [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xE5, 0xAE], [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF],
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xF8], [0xFF], [0xE5, 0x41], [0xF0, 0x90, 0x80],
    ]

    func check(_ bytes: [UInt8], vectors: Bool, splits: [Int]) -> (Bool, Int?) {
        var validator = UTF8Validator(vectors: vectors)
        var start = 0
        for end in splits + [bytes.count] where end >= start {
            bytes[start..<end].withUnsafeBytes { validator.feed($0) }
            start = end
        }
        validator.finish()
        return (validator.isValid, validator.firstInvalidOffset)
    }

    @Test func vectorsAgreeWithBytesOnRandomText() {
        var random = SplitMix(state: 0x5EED_0FF5)
        for round in 0..<3000 {
            var bytes: [UInt8] = []
            let length = Int.random(in: 0..<400, using: &random)
            // Mostly ASCII, mostly CJK, or mixed; a fault in some of them, anywhere.
            let style = round % 3
            while bytes.count < length {
                let piece: [UInt8]
                switch style {
                case 0: piece = Bool.random(using: &random) ? [0x61] : Self.pieces.randomElement(using: &random)!
                case 1: piece = Int.random(in: 0..<8, using: &random) == 0 ? [0x2C] : [0xE5, 0xAE, 0x9D]
                default: piece = Self.pieces.randomElement(using: &random)!
                }
                bytes += piece
            }
            if round % 2 == 0 && !bytes.isEmpty {
                let at = Int.random(in: 0...bytes.count, using: &random)
                bytes.insert(contentsOf: Self.faults.randomElement(using: &random)!, at: at)
            }
            let splits = (0..<Int.random(in: 0..<3, using: &random)).map { _ in Int.random(in: 0...bytes.count, using: &random) }.sorted()
            let expected = check(bytes, vectors: false, splits: splits)
            let got = check(bytes, vectors: true, splits: splits)
            #expect(got == expected, "round \(round): \(bytes.count) bytes split at \(splits)")
            if got != expected { return }
        }
    }

    @Test func faultAtEveryOffsetOfLongText() {
        // 156 bytes of CJK and ASCII, with one fault put at each offset in turn: the
        // vectors must name the same first offset as the byte-by-byte check.
        let text = Array(String(repeating: "宝山区,ab", count: 13).utf8)
        for fault in Self.faults {
            for at in 0...text.count {
                var bytes = text
                bytes.insert(contentsOf: fault, at: at)
                let expected = check(bytes, vectors: false, splits: [])
                #expect(expected.0 == false)
                #expect(check(bytes, vectors: true, splits: []) == expected, "fault \(fault) at \(at)")
            }
        }
    }
}
