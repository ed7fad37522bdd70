import Crypto
import CSVReading
import Schema

/// What a first pass over a file learns before any row is read: its size, its sha256 (for
/// `run.json`) and the encoding to read it with. A file that is neither UTF-8 nor the
/// fallback is refused whole here, so no row of it is ever counted.
public struct FileScan: Equatable, Sendable {
    public let bytes: Int
    public let sha256: String
    public let encoding: TextEncoding
    /// Where a UTF-8 file can be cut into chunks read in parallel (empty: read it whole).
    public var cuts: [RecordBoundaryScanner.Cut] = []

    public enum Failure: Error, Equatable {
        case io(FileReadError)
        /// The message names the encoding tried and the 0-based offset of the first bad byte.
        case undecodable(String)
    }

    /// `chunkBytes`: find chunk cuts about this far apart (nil: none).
    public static func scan(path: String, setting: EncodingSetting, chunkBytes: Int? = nil) -> Result<FileScan, Failure> {
        var hasher = SHA256()
        var utf8 = UTF8Validator()
        var boundaries = chunkBytes.map(RecordBoundaryScanner.init)
        var bytes = 0
        var declared: (Transcoder, TranscodeError?)?
        if case .fixed(let encoding) = setting, encoding != .utf8 {
            do { declared = (try Transcoder(from: encoding), nil) } catch {
                return .failure(.undecodable(error.description))
            }
        }
        var sink: [UInt8] = []
        do {
            try FileBlocks.forEach(path: path) { block in
                hasher.update(bufferPointer: block)
                bytes += block.count
                if let (transcoder, failure) = declared {
                    if failure == nil {
                        sink.removeAll(keepingCapacity: true)
                        do throws(TranscodeError) { try transcoder.convert(block, final: false, into: &sink) } catch {
                            declared = (transcoder, error)
                        }
                    }
                } else {
                    utf8.feed(block)
                    boundaries?.feed(block)
                }
            }
        } catch let error as FileReadError {
            return .failure(.io(error))
        } catch {
            return .failure(.io(FileReadError(path: path, errno: 0, operation: "read")))
        }
        let sha256 = hasher.finalize().map { hexDigits[Int($0 >> 4)] + hexDigits[Int($0 & 0xF)] }.joined()

        switch setting {
        case .fixed(let encoding) where encoding != .utf8:
            var (transcoder, failure) = declared!
            if failure == nil {
                do throws(TranscodeError) { try transcoder.convert(UnsafeRawBufferPointer(start: nil, count: 0), final: true, into: &sink) } catch {
                    failure = error
                }
            }
            if let failure { return .failure(.undecodable(failureText(failure, declared: true))) }
            return .success(FileScan(bytes: bytes, sha256: sha256, encoding: encoding))
        case .fixed:
            utf8.finish()
            if let offset = utf8.firstInvalidOffset {
                return .failure(.undecodable("not valid utf-8 (declared in the config): byte at offset \(offset) cannot be decoded"))
            }
            boundaries?.finish()
            var scan = FileScan(bytes: bytes, sha256: sha256, encoding: .utf8)
            scan.cuts = boundaries?.cuts ?? []
            return .success(scan)
        case .auto:
            utf8.finish()
            if utf8.isValid {
                boundaries?.finish()
                var scan = FileScan(bytes: bytes, sha256: sha256, encoding: .utf8)
                scan.cuts = boundaries?.cuts ?? []
                return .success(scan)
            }
            switch validate(path: path, as: .gb18030) {
            case .success: return .success(FileScan(bytes: bytes, sha256: sha256, encoding: .gb18030))
            case .failure(let failure): return .failure(failure)
            }
        }
    }

    private static func validate(path: String, as encoding: TextEncoding) -> Result<Void, Failure> {
        do {
            let transcoder = try Transcoder(from: encoding)
            var sink: [UInt8] = []
            try FileBlocks.forEach(path: path) { block in
                sink.removeAll(keepingCapacity: true)
                try transcoder.convert(block, final: false, into: &sink)
            }
            try transcoder.convert(UnsafeRawBufferPointer(start: nil, count: 0), final: true, into: &sink)
            return .success(())
        } catch let error as TranscodeError {
            return .failure(.undecodable(failureText(error, declared: false)))
        } catch let error as FileReadError {
            return .failure(.io(error))
        } catch {
            return .failure(.io(FileReadError(path: path, errno: 0, operation: "read")))
        }
    }

    private static func failureText(_ error: TranscodeError, declared: Bool) -> String {
        switch error {
        case .invalidByte(let encoding, let offset):
            let how = declared ? "declared in the config" : "not UTF-8 either"
            return "not valid \(encoding.rawValue) (\(how)): byte at offset \(offset) cannot be decoded"
        case .unsupported:
            return error.description
        }
    }
}

private let hexDigits = (0..<16).map { String($0, radix: 16) }
