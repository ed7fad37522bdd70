#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSVReading

/// One CSV export being written: rows are assembled as UTF-8 in a large buffer that goes to
/// the file with write(2) when it fills, converted to GB18030 on the way when the export is
/// one. Memory stays at the buffer's size however many rows are written.
final class ExportFile {
    enum LineEnding { case lf, crlf }

    static let bufferBytes = 4 << 20
    /// A row is never longer than this, so a row started below the mark fits.
    private static let rowReserve = 64 << 10

    let path: String
    private let descriptor: Int32
    private let buffer: UnsafeMutablePointer<UInt8>
    private var count = 0
    private let transcoder: Transcoder?
    private var converted: [UInt8] = []
    private let lineEnding: LineEnding
    private var fieldsInRow = 0
    private var closed = false
    /// Data rows written (the header and blank lines not counted).
    private(set) var rows = 0

    init(path: String, encoding: TextEncoding, byteOrderMark: Bool, lineEnding: LineEnding) throws(SampleDataError) {
        self.path = path
        self.lineEnding = lineEnding
        if encoding == .utf8 {
            transcoder = nil
        } else {
            do {
                transcoder = try Transcoder(from: .utf8, to: encoding)
            } catch {
                throw SampleDataError(path: path, message: error.description)
            }
        }
        // Never through a link: a link where an export goes would have its target overwritten.
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            if errno == ELOOP { throw SampleDataError(path: path, message: "is a symbolic link, which generate does not write through; remove it") }
            throw SampleDataError(path: path, message: "cannot create: " + String(cString: strerror(errno)))
        }
        buffer = .allocate(capacity: Self.bufferBytes)
        if byteOrderMark {
            append(0xEF); append(0xBB); append(0xBF)
        }
    }

    deinit {
        buffer.deallocate()
        if !closed { _ = closeDescriptor(descriptor) }
    }

    // MARK: Rows

    /// Starts a row (or the header): flushes first if the buffer is nearly full.
    func beginRow() throws(SampleDataError) {
        if count > Self.bufferBytes - Self.rowReserve { try flush() }
        fieldsInRow = 0
    }

    /// Ends a data row with the file's line ending.
    func endRow() {
        endLine()
        rows += 1
    }

    /// A line break that ends the header or makes a blank line.
    func endLine() {
        if lineEnding == .crlf { append(0x0D) }
        append(0x0A)
    }

    /// Writes the comma before every field but the first of a row.
    @inline(__always) func separate() {
        if fieldsInRow > 0 { append(0x2C) }
        fieldsInRow += 1
    }

    /// A field already encoded as CSV (quoted if it needs to be).
    func field(_ encoded: [UInt8]) {
        separate()
        append(encoded)
    }

    /// A field from text, quoted as RFC 4180 wants when it holds a comma, quote or break.
    func field(text: String) {
        separate()
        append(CSVField.encode(text))
    }

    func emptyField() {
        separate()
    }

    /// A non-negative number, left-padded with zeros to `width` digits.
    func field(number: Int, width: Int = 1) {
        separate()
        appendNumber(number, width: width)
    }

    // MARK: Bytes

    @inline(__always) func append(_ byte: UInt8) {
        buffer[count] = byte
        count += 1
    }

    func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    @inline(__always) func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        (buffer + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    func appendNumber(_ value: Int, width: Int = 1) {
        precondition(value >= 0)
        var digits = 1
        var scale = 10
        while scale <= value { digits += 1; scale &*= 10 }
        let total = max(digits, width)
        var position = count + total
        var rest = value
        for _ in 0..<total {
            position -= 1
            buffer[position] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
            rest /= 10
        }
        count += total
    }

    // MARK: Finishing

    /// Flushes and closes; `finalLineBreak: false` drops the line break after the last row,
    /// as some exporters do.
    func close(finalLineBreak: Bool = true) throws(SampleDataError) {
        if !finalLineBreak {
            if count > 0 && buffer[count - 1] == 0x0A { count -= 1 }
            if count > 0 && buffer[count - 1] == 0x0D { count -= 1 }
        }
        try flush()
        if let transcoder {
            converted.removeAll(keepingCapacity: true)
            do {
                try transcoder.convert(UnsafeRawBufferPointer(start: nil, count: 0), final: true, into: &converted)
            } catch {
                throw SampleDataError(path: path, message: error.description)
            }
            try writeAll(converted)
        }
        closed = true
        if closeDescriptor(descriptor) != 0 {
            throw SampleDataError(path: path, message: "cannot close: " + String(cString: strerror(errno)))
        }
    }

    private func flush() throws(SampleDataError) {
        guard count > 0 else { return }
        let pending = UnsafeRawBufferPointer(start: buffer, count: count)
        count = 0
        if let transcoder {
            converted.removeAll(keepingCapacity: true)
            do {
                try transcoder.convert(pending, final: false, into: &converted)
            } catch {
                throw SampleDataError(path: path, message: error.description)
            }
            try writeAll(converted)
        } else {
            try writeAll(pending)
        }
    }

    private func writeAll(_ bytes: [UInt8]) throws(SampleDataError) {
        var failure: SampleDataError?
        bytes.withUnsafeBytes { raw in
            do throws(SampleDataError) { try writeAll(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(SampleDataError) {
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw SampleDataError(path: path, message: "cannot write: " + String(cString: strerror(errno)))
            }
            offset += written
        }
    }
}

private func closeDescriptor(_ descriptor: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.close(descriptor)
    #else
    Darwin.close(descriptor)
    #endif
}
