import CLibCSV
#if canImport(Glibc)
import Glibc
#endif

/// The names in a folder, without `.` and `..`, in the order the system lists them, kept
/// apart by whether they are UTF-8.
public struct DirectoryListing: Sendable {
    /// The names that are UTF-8, which a path made from them opens.
    public var names: [String] = []
    /// The names that are not UTF-8 (GBK names from a Windows archive), with U+FFFD in place
    /// of their bad bytes: for messages only, since no path made from them names the file.
    public var notUTF8: [String] = []

    public var isEmpty: Bool { names.isEmpty && notUTF8.isEmpty }
}

/// Lists the folder at `path`, reading each name's bytes as they are.
public func directoryListing(_ path: String) throws(FileReadError) -> DirectoryListing {
    guard let directory = opendir(path) else {
        throw FileReadError(path: path, errno: errno, operation: "list")
    }
    defer { closedir(directory) }
    var listing = DirectoryListing()
    while let entry = readdir(directory) {
        // Not `entry.pointee`: readdir's entries are only as long as their name, and a copy
        // of the whole struct reads past the last one in glibc's buffer (AddressSanitizer).
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        let start = (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: UInt8.self)
        let bytes = UnsafeBufferPointer(start: start, count: strlen(UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self)))
        if let name = String(validating: bytes, as: UTF8.self) {
            if name != "." && name != ".." { listing.names.append(name) }
        } else {
            listing.notUTF8.append(String(decoding: bytes, as: UTF8.self))
        }
    }
    return listing
}

/// A hint to the CPU to bring `address` into cache (for hash tables probed a few rows ahead).
@inlinable @inline(__always)
public func prefetchMemory(_ address: UnsafeRawPointer) {
    govstats_prefetch(address)
}
