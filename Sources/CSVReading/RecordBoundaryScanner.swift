/// Finds places in a UTF-8 CSV file where a record ends, so that the file can be cut into
/// chunks that separate `CSVRecordDecoder`s read exactly as one decoder reads the whole.
///
/// It follows libcsv's own state machine (non-strict, no space trimming) rather than a plain
/// quote-parity count: libcsv takes a quote inside an unquoted field as a literal, and a
/// character after a closing quote as more of the quoted field. A cut is made only just after
/// an LF that ends a record (or a blank line), where libcsv is back in its start state, and
/// the cut's line number is counted the decoder's way (LF, CRLF and lone CR).
public struct RecordBoundaryScanner: Sendable {
    public struct Cut: Equatable, Sendable {
        /// The byte offset in the file at which a chunk starts.
        public let offset: Int
        /// The 1-based line at that offset.
        public let line: Int
    }

    private enum State: Sendable {
        case fieldStart, unquoted, quoted, quoteInQuoted
    }

    public let chunkBytes: Int
    /// Chunk starts after the first (which is always offset 0, line 1).
    public private(set) var cuts: [Cut] = []
    private var state = State.fieldStart
    private var offset = 0
    private var line = 1
    private var lastCut = 0
    private var afterCR = false

    public init(chunkBytes: Int) {
        self.chunkBytes = chunkBytes
    }

    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        var state = self.state
        var line = self.line
        var afterCR = self.afterCR
        for index in 0..<bytes.count {
            let byte = bytes[index]
            // Physical lines, as the decoder counts them: LF, lone CR, CRLF once.
            if byte == 0x0A {
                if !afterCR { line += 1 }
                afterCR = false
            } else {
                afterCR = byte == 0x0D
                if afterCR { line += 1 }
            }
            switch state {
            case .fieldStart:
                if byte == 0x22 { state = .quoted } else if byte != 0x2C && byte != 0x0A && byte != 0x0D { state = .unquoted }
            case .unquoted:
                if byte == 0x2C || byte == 0x0A || byte == 0x0D { state = .fieldStart }
            case .quoted:
                if byte == 0x22 { state = .quoteInQuoted }
            case .quoteInQuoted:
                state = (byte == 0x2C || byte == 0x0A || byte == 0x0D) ? .fieldStart : .quoted
            }
            if byte == 0x0A && state == .fieldStart {
                let position = offset + index + 1
                if position - lastCut >= chunkBytes {
                    cuts.append(Cut(offset: position, line: line))
                    lastCut = position
                }
            }
        }
        offset += bytes.count
        self.state = state
        self.line = line
        self.afterCR = afterCR
    }

    /// Drops a cut at the very end of the file (it would start an empty chunk).
    public mutating func finish() {
        if let last = cuts.last, last.offset >= offset { cuts.removeLast() }
    }
}
