// The libFuzzer harness over the CSV reader and the row decoder, run together:
//
//   fuzz input ──▶ FuzzCase ──┬─▶ FileScan, then CSVFileReader in blocks of 1, 2, 3, 7, 64,
//   (2 control bytes,         │   n, 4099 bytes and whole, and in ChunkedReading chunks
//    then the file bytes)     │      └─ the same [CSVRecord] every way; start lines increase;
//                             │         no field over maxFieldBytes; records round-trip
//                             ├─▶ header ─▶ FileLayout ─▶ RowDecoder ─▶ RecordStore, twice
//                             │      └─ rows read = accepted + rejected + duplicates;
//                             │         conflicts <= duplicates; a re-read accepts nothing;
//                             │         the store agrees with a plain ReferenceStore
//                             ├─▶ IngestStage on a data folder holding the file twice, on
//                             │   one thread and on two (chunked)
//                             │      └─ the same outcomes as above, and the same both ways
//                             └─▶ CSVRecordDecoder fed the bytes again and again (1 MB)
//                                    └─ records within limits; the heap stops growing
//
// A violated property traps (`Property.violated`), so libFuzzer keeps the input.
//
// Built with `--sanitize fuzzer -DFUZZING` (Tests/Fuzz/run.sh), this is a libFuzzer binary.
// In an ordinary build (`swift build`, `swift test`) the `@main` below replays files: each
// path given is run through the same checks, which is how a crash input is reproduced.

import CSVReading
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    FuzzCase(UnsafeRawBufferPointer(start: data, count: size)).check()
    return 0
}

#if FUZZING
// SwiftPM links an executable target with `--defsym main=FuzzHarness_main` (it renames the
// module's entry point so that tests can link the module), so libFuzzer's own `main` is not
// the one that runs: the fuzzing build defines `FuzzHarness_main` and hands over to
// libFuzzer's driver. `@_extern(c)` needs `-enable-experimental-feature Extern`.
@_extern(c, "LLVMFuzzerRunDriver")
func runLibFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

@_cdecl("FuzzHarness_main")
func libFuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var argc = argc
    var argv = argv
    return runLibFuzzerDriver(&argc, &argv) { data, size in
        fuzz(data ?? UnsafePointer(bitPattern: 1)!, size)
    }
}
#else
/// Replays fuzz inputs (a corpus, a crash file) through the harness's checks:
/// `FuzzHarness FILE...`; a folder stands for the files in it.
@main struct CorpusReplay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.isEmpty || arguments.contains("--help") || arguments.contains("-h") {
            print("usage: FuzzHarness FILE_OR_FOLDER...   (replays fuzz inputs through the harness's checks)")
            exit(arguments.isEmpty ? 2 : 0)
        }
        var count = 0
        for argument in arguments {
            for path in inputPaths(argument) {
                guard let bytes = readWholeFile(path) else {
                    let message = "FuzzHarness: cannot read \(path)\n"
                    _ = message.withCString { write(2, $0, strlen($0)) }
                    exit(1)
                }
                bytes.withUnsafeBytes { FuzzCase($0).check() }
                count += 1
            }
        }
        print("replayed \(count) inputs: every property held")
    }

    static func inputPaths(_ path: String) -> [String] {
        guard isDirectory(path), let names = try? directoryListing(path).names else { return [path] }
        return names.filter { !$0.hasPrefix(".") }.sorted().map { path + "/" + $0 }
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func readWholeFile(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 { if errno == EINTR { continue }; return nil }
            if count == 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<count])
        }
    }
}
#endif
