import Ingest
import Schema
import Testing
import TestSupport

/// Faults the fuzzer's runs found outside the CSV reader, kept as tests once fixed.
@Suite struct FuzzRegressionTests {
    /// Replaying a fuzz corpus of 2,205 files under AddressSanitizer stopped at a
    /// heap-buffer-overflow in the folder listing: `readdir`'s entries are only as long as
    /// their name, and copying `entry.pointee` read a whole `struct dirent` (280 bytes) past
    /// the last entry in glibc's 32 KB buffer. `DataFolder` listed names the same way. Only a
    /// folder with enough entries to fill that buffer shows it, and only under `make
    /// test-asan`; elsewhere this test checks the listing is whole and in order.
    @Test func listsAFolderLargerThanOneReaddirBuffer() throws {
        let folder = try TemporaryDirectory("fuzz-regression")
        defer { folder.remove() }
        let names = (1000..<2500).map { "alarm_calls_\($0)_" + String(repeating: "x", count: 60) + ".csv" }
        try folder.write("alarm_calls/" + names[0], "call_id,received_at,district,category\n")
        for name in names.dropFirst() { try folder.write("alarm_calls/" + name, "") }
        let data = try DataFolder.discover(root: folder.path)
        #expect(data.files[.alarmCalls]?.map(\.relativePath) == names.map { "alarm_calls/" + $0 })
    }
}
