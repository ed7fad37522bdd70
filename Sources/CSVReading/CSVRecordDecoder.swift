import CLibCSV

/// One CSV record as it stood in the file: its fields (UTF-8, untrimmed) and the 1-based
/// line on which it starts.
public struct CSVRecord: Equatable, Sendable {
    public var line: Int
    public var fields: [String]
    /// Set when the record could not be read whole; its fields are then empty.
    public var problem: CSVRecordProblem?

    public init(line: Int, fields: [String], problem: CSVRecordProblem? = nil) {
        self.line = line
        self.fields = fields
        self.problem = problem
    }

    /// A record of one field holding only white space (or nothing) is a blank line.
    public var isBlank: Bool {
        problem == nil && fields.count == 1 && fields[0].allSatisfy(\.isWhitespace)
    }
}

/// Why a record could not be read whole. The record is rejected, never the file.
public enum CSVRecordProblem: Equatable, Sendable, CustomStringConvertible {
    case fieldTooLarge(limit: Int)
    case recordTooLarge(limit: Int)
    case unterminatedQuote

    public var description: String {
        switch self {
        case .fieldTooLarge(let limit): "a field is larger than \(limit) bytes"
        case .recordTooLarge(let limit): "the record is larger than \(limit) bytes"
        case .unterminatedQuote: "a quoted field is not closed before the end of the file"
        }
    }
}

/// Turns UTF-8 bytes into `CSVRecord`s with libcsv, however the bytes are split.
///
/// The decoder owns one `csv_parser` and keeps the line count that libcsv does not: it asks
/// libcsv to report every line break outside fields (`CSV_REPALL_NL`) and counts the ones
/// inside quoted fields itself. libcsv's space trimming is off, so fields come back exactly
/// as written (RFC 4180: spaces are part of a field).
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
    }

    deinit {
        csv_free(&parser)
    }

    /// Feeds the next bytes of the input; complete records are passed to `emit` in order.
    public func feed(_ bytes: UnsafeRawBufferPointer, _ emit: (CSVRecord) throws -> Void) throws {
        var offset = 0
        while offset < bytes.count {
            let length = min(Self.sliceBytes, bytes.count - offset)
            let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
            let consumed = withUnsafeMutablePointer(to: &state) { context in
                csv_parse(&parser, slice.baseAddress, length, fieldEnded, recordEnded, context)
            }
            if consumed != length {
                throw CSVReadError.parser(String(cString: csv_strerror(csv_error(&parser))))
            }
            offset += length
            discardOversizedField()
            try drain(emit)
        }
    }

    public func feed(_ bytes: [UInt8], _ emit: (CSVRecord) throws -> Void) throws {
        try bytes.withUnsafeBytes { try feed($0, emit) }
    }

    /// Ends the input: the last record (without a final line break) is emitted, and the
    /// decoder is ready for a new input starting at line 1.
    public func finish(_ emit: (CSVRecord) throws -> Void) throws {
        // libcsv's own states: FIELD_BEGUN = 2 inside a field, `quoted` when it opened with ".
        if parser.pstate == 2 && parser.quoted != 0 {
            state.markProblem(.unterminatedQuote)
        }
        _ = withUnsafeMutablePointer(to: &state) { context in
            csv_fini(&parser, fieldEnded, recordEnded, context)
        }
        try drain(emit)
        state.reset()
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

    private func drain(_ emit: (CSVRecord) throws -> Void) throws {
        guard !state.completed.isEmpty else { return }
        let records = state.completed
        state.completed.removeAll(keepingCapacity: true)
        for record in records { try emit(record) }
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

/// The decoder's state while libcsv runs; a pointer to it is libcsv's context, valid only
/// for the duration of one `csv_parse` or `csv_fini` call.
struct DecoderState {
    let maxFieldBytes: Int
    let maxRecordBytes: Int
    var completed: [CSVRecord] = []
    var fields: [String] = []
    var recordBytes = 0
    var line = 1
    var recordLine = 1
    var inRecord = false
    var problem: CSVRecordProblem?
    var lastBreakWasCR = false
    /// Inside a field, a CR ended the part counted so far (a CRLF may straddle two parts).
    var pendingCR = false

    init(maxFieldBytes: Int, maxRecordBytes: Int) {
        self.maxFieldBytes = maxFieldBytes
        self.maxRecordBytes = maxRecordBytes
    }

    mutating func reset() {
        self = DecoderState(maxFieldBytes: maxFieldBytes, maxRecordBytes: maxRecordBytes)
    }

    mutating func markProblem(_ problem: CSVRecordProblem) {
        if self.problem == nil { self.problem = problem }
        fields.removeAll()
    }

    mutating func beginRecordIfNeeded() {
        if !inRecord {
            inRecord = true
            lastBreakWasCR = false
            recordLine = line
        }
    }

    /// Counts LF, CRLF and lone CR inside field text (`partial`: more of the field follows).
    mutating func countLineBreaks(_ bytes: UnsafeRawBufferPointer, partial: Bool) {
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

    mutating func field(_ bytes: UnsafeRawBufferPointer) {
        beginRecordIfNeeded()
        lastBreakWasCR = false
        countLineBreaks(bytes, partial: false)
        if problem != nil { return }
        if bytes.count > maxFieldBytes {
            markProblem(.fieldTooLarge(limit: maxFieldBytes))
            return
        }
        // With its separator: a record of empty fields (a line of commas) grows too.
        recordBytes += bytes.count + 1
        if recordBytes > maxRecordBytes {
            markProblem(.recordTooLarge(limit: maxRecordBytes))
            return
        }
        fields.append(String(decoding: bytes, as: UTF8.self))
    }

    mutating func recordEnd(_ terminator: Int32) {
        if inRecord {
            completed.append(CSVRecord(line: recordLine, fields: problem == nil ? fields : [], problem: problem))
            fields.removeAll(keepingCapacity: true)
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

private func fieldEnded(_ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
    let state = context!.assumingMemoryBound(to: DecoderState.self)
    state.pointee.field(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : length))
}

private func recordEnded(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    let state = context!.assumingMemoryBound(to: DecoderState.self)
    state.pointee.recordEnd(terminator)
}

private func neverSpace(_ byte: UInt8) -> Int32 { 0 }
