import CBytes
import CLibCSV
#if canImport(Glibc)
import Glibc
#endif

/// One CSV record as it stood in the file: its fields (UTF-8, untrimmed) and the 1-based
/// line on which it starts.
public struct CSVRecord: Equatable, Sendable {
    public var line: Int
    public var fields: [String]
    /// Set when the record could not be read whole. Its fields are then empty, but for a
    /// quote never closed within the limits: the fields as read, the last one running to
    /// the end of the input.
    public var problem: CSVRecordProblem?

    public init(line: Int, fields: [String], problem: CSVRecordProblem? = nil) {
        self.line = line
        self.fields = fields
        self.problem = problem
    }

    public init(_ raw: RawCSVRecord) {
        self.init(line: raw.line, fields: raw.strings(), problem: raw.problem)
    }

    /// How many lines the record runs over, counted from the line breaks in its fields as
    /// the decoder counts them (`RawCSVRecord.lines`).
    public var lines: Int {
        var line = 1
        var pendingCR = false
        for field in fields {
            var field = field
            field.withUTF8 { DecoderState.countLineBreaks(UnsafeRawBufferPointer($0), line: &line, pendingCR: &pendingCR, partial: false) }
        }
        return line
    }

    /// A record of one field holding only white space (or nothing) is a blank line.
    public var isBlank: Bool {
        problem == nil && fields.count == 1 && fields[0].allSatisfy(\.isWhitespace)
    }
}

/// A record as the decoder holds it: a view of its fields' bytes, valid only during the
/// call that receives it. The fast path reads fields without making a `String` of each.
public struct RawCSVRecord {
    public let line: Int
    /// How many lines the record runs over (more than one when a quoted field holds line breaks).
    public let lines: Int
    public let problem: CSVRecordProblem?
    /// nil when every field of the batch is empty.
    @usableFromInline let base: UnsafeRawPointer?
    /// Where each field ends, relative to `base`; each field starts where the one before ends.
    @usableFromInline let ends: UnsafeBufferPointer<Int>
    @usableFromInline let start: Int

    init(line: Int, lines: Int, problem: CSVRecordProblem?, base: UnsafeRawPointer?, ends: UnsafeBufferPointer<Int>, start: Int) {
        self.line = line
        self.lines = lines
        self.problem = problem
        self.base = base
        self.ends = ends
        self.start = start
    }

    /// The number of fields (0 for a record with a problem, but for a quote never closed:
    /// see `CSVRecord.problem`).
    @inlinable public var count: Int { ends.count }

    /// Inlinable: the row decoder reads every field through this.
    @inlinable
    public subscript(field: Int) -> UnsafeRawBufferPointer {
        let from = field == 0 ? start : ends[field - 1]
        guard let base else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + from, count: ends[field] - from)
    }

    public func strings() -> [String] {
        (0..<count).map { String(decoding: self[$0], as: UTF8.self) }
    }

    /// Whether a field holds a line break followed, later in the same field, by a comma or
    /// a quote: what the lines after a quote left open look like, since they are records
    /// read as part of one field (and the quote that ends such a field is usually the first
    /// of a later quoted field, which libcsv keeps as text). A field that a writer quoted
    /// because it holds a line break rarely has either on its later lines.
    public var holdsLinesThatLookLikeRecords: Bool {
        for field in 0..<count {
            let bytes = self[field]
            var afterBreak = false
            for byte in bytes {
                if byte == 0x0A || byte == 0x0D {
                    afterBreak = true
                } else if afterBreak && (byte == 0x2C || byte == 0x22) {
                    return true
                }
            }
        }
        return false
    }

    /// How many lines into the record (1: its second line) the first line inside a field
    /// that holds `commas` commas or more starts, or nil: with one comma fewer than the
    /// file has fields, that line is most likely a whole record, read into the field
    /// because a quote was left open before it and closed by a later one (the record may
    /// then have as many fields as any other). Looked at only in records over several lines.
    public func lineLikeARecord(commas: Int) -> Int? {
        Self.lineLikeARecord(fields: count, commas: commas) { self[$0] }
    }

    /// `lineLikeARecord(commas:)` for fields reached through `field`.
    public static func lineLikeARecord<Bytes: Sequence<UInt8>>(fields: Int, commas: Int, _ field: (Int) -> Bytes) -> Int? {
        guard commas > 0 else { return nil }
        var breaks = 0
        for index in 0..<fields {
            var afterBreak = false
            var found = 0
            var previous: UInt8 = 0
            for byte in field(index) {
                if byte == 0x0A || byte == 0x0D {
                    if !(byte == 0x0A && previous == 0x0D) { breaks += 1 }
                    afterBreak = true
                    found = 0
                } else if afterBreak && byte == 0x2C {
                    found += 1
                    if found == commas { return breaks }
                }
                previous = byte
            }
        }
        return nil
    }

    /// As `CSVRecord.isBlank`, without making a String unless a byte is outside ASCII.
    public var isBlank: Bool {
        guard problem == nil, count == 1 else { return false }
        let field = self[0]
        var ascii = true
        for byte in field {
            if byte >= 0x80 { ascii = false; break }
            if !(byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)) { return false }
        }
        return ascii || String(decoding: field, as: UTF8.self).allSatisfy(\.isWhitespace)
    }
}

/// Why a record could not be read whole. The record is rejected, never the file.
///
/// `lines`: how many lines the record runs over (counted from its first line, so the same
/// in a chunk read on its own). A quote left open makes every line up to the next quote, or
/// to the end of the file, part of one field: the count shows how much one rejected row took.
public enum CSVRecordProblem: Equatable, Sendable, CustomStringConvertible {
    case fieldTooLarge(limit: Int, lines: Int = 1)
    case recordTooLarge(limit: Int, lines: Int = 1)
    case unterminatedQuote(lines: Int = 1)

    public var description: String {
        switch self {
        case .fieldTooLarge(let limit, let lines):
            "a field is larger than \(limit) bytes" + (lines > 1 ? ", in a record that runs over \(lines) lines (a quote left open makes the lines after it one field)" : "")
        case .recordTooLarge(let limit, let lines):
            "the record is larger than \(limit) bytes" + (lines > 1 ? " and runs over \(lines) lines (a quote left open makes the lines after it one field)" : "")
        case .unterminatedQuote(let lines):
            "a quoted field is not closed before the end of the file" + (lines > 1 ? ", so the \(lines) lines from this one to the end were read as one record" : "")
        }
    }

    /// The same problem, in a record of `lines` lines.
    func spanning(_ lines: Int) -> CSVRecordProblem {
        switch self {
        case .fieldTooLarge(let limit, _): .fieldTooLarge(limit: limit, lines: lines)
        case .recordTooLarge(let limit, _): .recordTooLarge(limit: limit, lines: lines)
        case .unterminatedQuote: .unterminatedQuote(lines: lines)
        }
    }
}

/// Turns UTF-8 bytes into records with libcsv, however the bytes are split.
///
/// The decoder owns one `csv_parser` and keeps the line count that libcsv does not: it asks
/// libcsv to report every line break outside fields (`CSV_REPALL_NL`) and counts the ones
/// inside quoted fields itself. libcsv's space trimming is off, so fields come back exactly
/// as written (RFC 4180: spaces are part of a field).
///
/// Records are collected as bytes and field ends in one batch per slice fed to libcsv
/// (no allocation per record), then handed out as `RawCSVRecord` views; `feed(_:_:)`
/// makes a `CSVRecord` of each for callers that want Strings.
///
/// Memory is bounded: a field longer than `maxFieldBytes` or a record longer than
/// `maxRecordBytes` is discarded while it is read and comes back as a record with a
/// `problem`, so a 1 GB file without a line break costs no more than the limits.
public final class CSVRecordDecoder {
    public static let defaultMaxFieldBytes = 1 << 20
    public static let defaultMaxRecordBytes = 16 << 20
    /// libcsv is fed at most this many bytes per call, so the limits are checked often.
    static let sliceBytes = 64 << 10

    private var parser = csv_parser()
    private var state: DecoderState

    /// `firstLine`: the line number of the first byte fed (a chunk of a file starts later).
    public init(maxFieldBytes: Int = defaultMaxFieldBytes, maxRecordBytes: Int = defaultMaxRecordBytes, firstLine: Int = 1) {
        state = DecoderState(maxFieldBytes: maxFieldBytes, maxRecordBytes: maxRecordBytes)
        state.line = firstLine
        let status = csv_init(&parser, UInt8(CSV_REPALL_NL))
        precondition(status == 0, "csv_init failed")
        csv_set_space_func(&parser, neverSpace)
        builtInSpaceTest = false
    }

    deinit {
        csv_free(&parser)
        state.bytes.deallocate()
        state.ends.deallocate()
    }

    /// Feeds the next bytes of the input; complete records are passed to `emit` in order.
    public func feedRaw(_ bytes: UnsafeRawBufferPointer, _ emit: (RawCSVRecord) throws -> Void) throws {
        var offset = 0
        while offset < bytes.count {
            let length = Self.sliceLength(bytes, from: offset)
            let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
            chooseSpaceHandling(for: slice)
            let consumed = withUnsafeMutablePointer(to: &state) { context in
                csv_parse(&parser, slice.baseAddress, length, fieldEnded, recordEnded, context)
            }
            if consumed != length {
                throw CSVReadError.parser(String(cString: csv_strerror(csv_error(&parser))))
            }
            offset += length
            state.endedOnLineBreak = bytes[offset - 1] == 0x0A || bytes[offset - 1] == 0x0D
            discardOversizedField()
            try drain(emit)
        }
    }

    /// `sliceBytes`, or a few bytes less so that no space stands at either side of the cut:
    /// a space at a slice's edge has a neighbour the check of the slice cannot see, so the
    /// slice would go through the space function byte by byte (dates are followed by a
    /// space: 22 of the first 800 cuts of the bench file fell next to one). The end of
    /// `bytes` stays as it is.
    static func sliceLength(_ bytes: UnsafeRawBufferPointer, from offset: Int) -> Int {
        let full = sliceBytes
        guard bytes.count - offset > full else { return bytes.count - offset }
        var length = full
        while length > full - 8 {
            if bytes[offset + length - 1] != 0x20 && bytes[offset + length] != 0x20 { return length }
            length -= 1
        }
        return full
    }

    /// libcsv trims spaces and tabs at the ends of unquoted fields and after a closing
    /// quote unless told that no byte is a space, which costs a call per byte. The call is
    /// only needed where the default would trim: a slice in which every space and tab
    /// stands between two bytes that are none of `,` `"` CR LF space tab (and not at
    /// either end of the slice) reads the same either way, so libcsv's built-in test is
    /// used for it. The fuzz harness and the tests compare both ways on hostile input.
    private func chooseSpaceHandling(for slice: UnsafeRawBufferPointer) {
        let interior = !alwaysCallSpaceFunction && Self.spacesAreInterior(slice)
        if !interior { slicesByteByByte += 1 }
        if interior != builtInSpaceTest {
            csv_set_space_func(&parser, interior ? nil : neverSpace)
            builtInSpaceTest = interior
        }
    }

    private var builtInSpaceTest = false
    /// How many slices went through the space function byte by byte (for tests and
    /// measurements: the rest took libcsv's built-in test).
    public private(set) var slicesByteByByte = 0
    /// For tests: call the space function for every byte, as without the shortcut.
    public var alwaysCallSpaceFunction = false

    /// Every space in `bytes` stands between two plain bytes, and there is no tab: in C,
    /// 32 bytes at a time where the CPU has AVX2; `vectors` false: byte by byte here (the
    /// reference the tests compare it with).
    public static func spacesAreInterior(_ bytes: UnsafeRawBufferPointer, vectors: Bool = true) -> Bool {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return true }
        if vectors { return govstats_spaces_are_interior(base.assumingMemoryBound(to: UInt8.self), bytes.count) != 0 }
        let count = bytes.count
        if memchr(base, 0x09, count) != nil { return false }
        var search = 0
        while search < count, let hit = memchr(base + search, 0x20, count - search) {
            let position = base.distance(to: UnsafeRawPointer(hit))
            guard position > 0, position + 1 < count else { return false }
            if !isPlain(base.load(fromByteOffset: position - 1, as: UInt8.self))
                || !isPlain(base.load(fromByteOffset: position + 1, as: UInt8.self)) {
                return false
            }
            search = position + 1
        }
        return true
    }

    /// Not a byte next to which libcsv's trimming could act.
    @inline(__always)
    private static func isPlain(_ byte: UInt8) -> Bool {
        !(byte == 0x2C || byte == 0x22 || byte == 0x0D || byte == 0x0A || byte == 0x20 || byte == 0x09)
    }

    /// No record is under way: the last byte fed ended one (or a blank line), outside quotes.
    public var isBetweenRecords: Bool { parser.pstate == 0 && !state.inRecord }

    /// The line number of the next byte.
    public var nextLine: Int { state.line }

    /// Ends the input: the last record (without a final line break) is emitted, and the
    /// decoder is ready for a new input starting at line 1.
    public func finishRaw(_ emit: (RawCSVRecord) throws -> Void) throws {
        // libcsv's own states: FIELD_BEGUN = 2 inside a field, `quoted` when it opened with ".
        if parser.pstate == 2 && parser.quoted != 0 {
            // The cause, even when the field had grown past the limit first. A record
            // within the limits keeps its fields, the last one running to the end.
            if state.problem == nil {
                state.quoteLeftOpen = true
            } else {
                state.markProblem(.unterminatedQuote(), replacing: true)
            }
        }
        _ = withUnsafeMutablePointer(to: &state) { context in
            csv_fini(&parser, fieldEnded, recordEnded, context)
        }
        try drain(emit)
        state.reset()
    }

    public func feed(_ bytes: UnsafeRawBufferPointer, _ emit: (CSVRecord) throws -> Void) throws {
        try feedRaw(bytes) { try emit(CSVRecord($0)) }
    }

    public func feed(_ bytes: [UInt8], _ emit: (CSVRecord) throws -> Void) throws {
        try bytes.withUnsafeBytes { try feed($0, emit) }
    }

    public func finish(_ emit: (CSVRecord) throws -> Void) throws {
        try finishRaw { try emit(CSVRecord($0)) }
    }

    /// Drops the bytes of a field under way once it is too large (or its record already
    /// failed). Only inside a field (libcsv's FIELD_BEGUN = 2): just after a quote, libcsv
    /// still has to take the quote back out of its buffer.
    private func discardOversizedField() {
        guard parser.entry_pos > state.maxFieldBytes || state.problem != nil else { return }
        guard parser.pstate == 2, parser.spaces == 0, parser.entry_pos > 0, let buffer = parser.entry_buf else { return }
        state.beginRecordIfNeeded()
        state.countLineBreaks(UnsafeRawBufferPointer(start: buffer, count: parser.entry_pos), partial: true)
        if state.problem == nil { state.markProblem(.fieldTooLarge(limit: state.maxFieldBytes)) }
        parser.entry_pos = 0
    }

    private func drain(_ emit: (RawCSVRecord) throws -> Void) throws {
        guard !state.records.isEmpty else { return }
        defer { state.startBatch() }
        let base = UnsafeRawPointer(state.bytes.base)
        for mark in state.records {
            let fields = UnsafeBufferPointer(start: state.ends.base + mark.firstField, count: mark.fieldCount)
            try emit(RawCSVRecord(line: mark.line, lines: mark.lines, problem: mark.problem, base: base, ends: fields, start: mark.startByte))
        }
    }
}

public enum CSVReadError: Error, Equatable, CustomStringConvertible {
    case parser(String)

    public var description: String {
        switch self {
        case .parser(let message): "libcsv: \(message)"
        }
    }
}

/// A completed record of the batch: its fields are `ends[firstField ..< firstField + fieldCount]`.
struct RecordMark {
    let line: Int
    let lines: Int
    let firstField: Int
    let fieldCount: Int
    let startByte: Int
    let problem: CSVRecordProblem?
}

/// The decoder's state while libcsv runs; a pointer to it is libcsv's context, valid only
/// for the duration of one `csv_parse` or `csv_fini` call.
struct DecoderState {
    let maxFieldBytes: Int
    let maxRecordBytes: Int
    /// The field bytes of the batch's completed records, then of the record under way.
    var bytes = RawBuffer<UInt8>(capacity: 1 << 17)
    /// The end offset in `bytes` of each field, in the same order.
    var ends = RawBuffer<Int>(capacity: 1 << 14)
    var records: [RecordMark] = []
    /// Where the record under way starts in `ends` and in `bytes`.
    var recordField = 0
    var recordByte = 0
    var recordBytes = 0
    var line = 1
    var recordLine = 1
    var inRecord = false
    var problem: CSVRecordProblem?
    /// The input ended inside a quoted field: the record under way ends with it, and has
    /// `unterminatedQuote` as its problem once its last field is in.
    var quoteLeftOpen = false
    var lastBreakWasCR = false
    /// The last byte fed was CR or LF: a record that the end of the input ends (a quote
    /// left open) then ends on the line before `line`.
    var endedOnLineBreak = false
    /// Inside a field, a CR ended the part counted so far (a CRLF may straddle two parts).
    var pendingCR = false

    init(maxFieldBytes: Int, maxRecordBytes: Int) {
        self.maxFieldBytes = maxFieldBytes
        self.maxRecordBytes = maxRecordBytes
        records.reserveCapacity(1 << 11)
    }

    /// Ready for a new input (the buffers are kept).
    mutating func reset() {
        bytes.removeAll()
        ends.removeAll()
        records.removeAll(keepingCapacity: true)
        recordField = 0
        recordByte = 0
        recordBytes = 0
        line = 1
        recordLine = 1
        inRecord = false
        problem = nil
        quoteLeftOpen = false
        lastBreakWasCR = false
        endedOnLineBreak = false
        pendingCR = false
    }

    /// After the batch's records were handed out: keeps only the record under way.
    mutating func startBatch() {
        records.removeAll(keepingCapacity: true)
        if inRecord && (recordByte > 0 || recordField > 0) {
            bytes.removeFirst(recordByte)
            ends.removeFirst(recordField)
            for field in 0..<ends.count { ends.base[field] -= recordByte }
        } else if !inRecord {
            bytes.removeAll()
            ends.removeAll()
        }
        recordField = 0
        recordByte = 0
    }

    /// `replacing`: the problem is the record's even if another was seen first.
    mutating func markProblem(_ problem: CSVRecordProblem, replacing: Bool = false) {
        if self.problem == nil || replacing { self.problem = problem }
        guard inRecord else { return }
        ends.removeLast(ends.count - recordField)
        bytes.removeLast(bytes.count - recordByte)
    }

    mutating func beginRecordIfNeeded() {
        if !inRecord {
            inRecord = true
            lastBreakWasCR = false
            recordLine = line
            recordField = ends.count
            recordByte = bytes.count
        }
    }

    /// Counts LF, CRLF and lone CR inside field text (`partial`: more of the field follows).
    mutating func countLineBreaks(_ bytes: UnsafeRawBufferPointer, partial: Bool) {
        if !pendingCR && !Self.mayHoldLineBreak(bytes) { return }
        Self.countLineBreaks(bytes, line: &line, pendingCR: &pendingCR, partial: partial)
    }

    /// Adds to `line` the line breaks of `bytes`: LF, CRLF and a lone CR each end a line.
    /// `pendingCR`: the bytes before ended with a CR (an LF first here is its CRLF);
    /// `partial`: more bytes follow, so a CR at the end stays pending.
    static func countLineBreaks(_ bytes: UnsafeRawBufferPointer, line: inout Int, pendingCR: inout Bool, partial: Bool) {
        for byte in bytes {
            if byte == 0x0A {
                line += 1
                pendingCR = false
            } else {
                if pendingCR { line += 1 }
                pendingCR = byte == 0x0D
            }
        }
        if pendingCR && !partial {
            line += 1
            pendingCR = false
        }
    }

    /// Whether any byte is below 0x0E (so CR or LF may be there), eight bytes at a time:
    /// most fields hold no line break, and this runs for every field.
    @inline(__always)
    static func mayHoldLineBreak(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let count = bytes.count
        var index = 0
        while index + 8 <= count {
            let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if (word &- 0x0E0E_0E0E_0E0E_0E0E) & ~word & 0x8080_8080_8080_8080 != 0 { return true }
            index += 8
        }
        while index < count {
            if base.load(fromByteOffset: index, as: UInt8.self) < 0x0E { return true }
            index += 1
        }
        return false
    }

    @inline(__always)
    mutating func field(_ field: UnsafeRawBufferPointer) {
        beginRecordIfNeeded()
        lastBreakWasCR = false
        // The common case in one pass: the bytes are copied and looked at for line breaks
        // at once; the exact count runs only where a byte below 0x0E was seen. The sums
        // cannot overflow once the field is within its limit, so they are not checked.
        if problem == nil && !pendingCR && field.count <= maxFieldBytes && recordBytes &+ field.count &+ 1 <= maxRecordBytes {
            let start = bytes.count
            if bytes.appendMayHoldLineBreak(field) {
                countLineBreaks(UnsafeRawBufferPointer(start: bytes.base + start, count: field.count), partial: false)
            }
            recordBytes &+= field.count &+ 1
            ends.append(bytes.count)
            return
        }
        countLineBreaks(field, partial: false)
        if problem != nil { return }
        if field.count > maxFieldBytes {
            markProblem(.fieldTooLarge(limit: maxFieldBytes))
            return
        }
        // With its separator: a record of empty fields (a line of commas) grows too.
        recordBytes += field.count + 1
        if recordBytes > maxRecordBytes {
            markProblem(.recordTooLarge(limit: maxRecordBytes))
            return
        }
        bytes.append(contentsOf: field)
        ends.append(bytes.count)
    }

    @inline(__always)
    mutating func recordEnd(_ terminator: Int32) {
        if inRecord {
            let count = problem == nil ? ends.count - recordField : 0
            if quoteLeftOpen {
                problem = .unterminatedQuote()
                quoteLeftOpen = false
            }
            // `line` is the record's last line (its terminator is counted below); at the
            // end of the input (terminator -1), one less if the input ended with a line break.
            let lines = line - recordLine + (terminator == -1 && endedOnLineBreak ? 0 : 1)
            records.append(RecordMark(line: recordLine, lines: lines, firstField: recordField, fieldCount: count, startByte: recordByte, problem: problem?.spanning(lines)))
            recordBytes = 0
            problem = nil
            inRecord = false
        } else if terminator == 0x0A && lastBreakWasCR {
            lastBreakWasCR = false
            return  // the LF of a CRLF: one line break
        }
        switch terminator {
        case 0x0D:
            line += 1
            lastBreakWasCR = true
        case 0x0A:
            line += 1
            lastBreakWasCR = false
        default:
            lastBreakWasCR = false
        }
    }
}

// Both inlined into the C entries Swift emits for libcsv: one call per field, not two.
@inline(__always)
private func fieldEnded(_ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
    let state = context!.assumingMemoryBound(to: DecoderState.self)
    state.pointee.field(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : length))
}

@inline(__always)
private func recordEnded(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    let state = context!.assumingMemoryBound(to: DecoderState.self)
    state.pointee.recordEnd(terminator)
}

private func neverSpace(_ byte: UInt8) -> Int32 { 0 }

/// A growable buffer of plain values for the decoder's state, which libcsv's callbacks
/// reach through a raw pointer: no reference counting or uniqueness checks per field. Its
/// owner deallocates it.
struct RawBuffer<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    func deallocate() { base.deallocate() }

    private mutating func reserve(_ wanted: Int) {
        guard wanted > capacity else { return }
        var size = capacity
        while size < wanted { size *= 2 }
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: size)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = size
    }

    @inline(__always)
    mutating func append(_ value: Element) {
        if count == capacity { reserve(count + 1) }
        base[count] = value
        count &+= 1
    }

    @inline(__always)
    mutating func append(contentsOf bytes: UnsafeRawBufferPointer) where Element == UInt8 {
        guard !bytes.isEmpty else { return }
        if count + bytes.count > capacity { reserve(count + bytes.count) }
        UnsafeMutableRawPointer(base + count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        count += bytes.count
    }

    /// Appends `bytes` (eight at a time where it can) and tells whether any of them may be
    /// below 0x0E (a CR or LF among them): no false "no", rare false "yes".
    @inline(__always)
    mutating func appendMayHoldLineBreak(_ bytes: UnsafeRawBufferPointer) -> Bool where Element == UInt8 {
        let length = bytes.count
        guard length > 0, let source = bytes.baseAddress else { return false }
        if count + length > capacity { reserve(count + length) }
        let target = UnsafeMutableRawPointer(base + count)
        count &+= length
        @inline(__always) func below0E(_ word: UInt64) -> UInt64 { (word &- 0x0E0E_0E0E_0E0E_0E0E) & ~word }
        if length >= 8 {
            var seen: UInt64 = 0
            var index = 0
            while index &+ 8 <= length {
                let word = source.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                target.storeBytes(of: word, toByteOffset: index, as: UInt64.self)
                seen |= below0E(word)
                index &+= 8
            }
            if index < length {
                // The last eight bytes, overlapping some already copied.
                let word = source.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
                target.storeBytes(of: word, toByteOffset: length - 8, as: UInt64.self)
                seen |= below0E(word)
            }
            return seen & 0x8080_8080_8080_8080 != 0
        }
        if length >= 4 {
            let low = source.loadUnaligned(as: UInt32.self)
            let high = source.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self)
            target.storeBytes(of: low, as: UInt32.self)
            target.storeBytes(of: high, toByteOffset: length - 4, as: UInt32.self)
            return below0E(UInt64(low) | UInt64(high) << 32) & 0x8080_8080_8080_8080 != 0
        }
        var seen = false
        for index in 0..<length {
            let byte = source.load(fromByteOffset: index, as: UInt8.self)
            target.storeBytes(of: byte, toByteOffset: index, as: UInt8.self)
            seen = seen || byte < 0x0E
        }
        return seen
    }

    mutating func removeLast(_ number: Int) { count -= number }

    mutating func removeAll() { count = 0 }

    /// Drops the first `number` values, moving the rest to the front.
    mutating func removeFirst(_ number: Int) {
        guard number > 0 else { return }
        // Overlapping regions: copyMemory moves as memmove does.
        UnsafeMutableRawPointer(base).copyMemory(from: base + number, byteCount: (count - number) * MemoryLayout<Element>.stride)
        count -= number
    }
}
