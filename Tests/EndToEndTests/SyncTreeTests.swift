import CPublish
import Foundation
import Testing
import TestSupport

/// `govstats_sync_tree`, with which the publish syncs the staged reports: every file and
/// folder under a path, links and other non-files left alone.
@Suite struct SyncTreeTests {
    @Test func syncsFilesAndFoldersAndLeavesTheRestAlone() throws {
        let folder = try TemporaryDirectory("sync-tree")
        defer { folder.remove() }
        try folder.write("staging/index.md", "# 报告\n")
        try folder.write("staging/data/trends.csv", "dataset,metric\n")
        try folder.write("staging/rejects/alarm_calls.csv", "")
        let staging = folder.path + "/staging"
        // A link to nothing: followed, it would fail. A FIFO: opened, it would block or fail.
        try FileManager.default.createSymbolicLink(atPath: staging + "/data/gone.csv", withDestinationPath: folder.path + "/nothing")
        #expect(mkfifo(staging + "/rejects/pipe", 0o644) == 0)

        #expect(govstats_sync_tree(staging) == 0)
        #expect(try folder.read("staging/index.md") == "# 报告\n")
        #expect(try folder.read("staging/data/trends.csv") == "dataset,metric\n")
        // One file is synced as a tree of one.
        #expect(govstats_sync_tree(staging + "/index.md") == 0)
    }

    @Test func aMissingFolderFailsWithItsError() throws {
        let folder = try TemporaryDirectory("sync-tree")
        defer { folder.remove() }
        errno = 0
        #expect(govstats_sync_tree(folder.path + "/missing") == -1)
        #expect(errno == ENOENT)
    }
}
