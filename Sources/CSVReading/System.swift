import CLibCSV
#if canImport(Glibc)
import Glibc
#endif

/// The names in a folder, without `.` and `..`, in the order the system lists them.
public func directoryNames(_ path: String) throws(FileReadError) -> [String] {
    guard let directory = opendir(path) else {
        throw FileReadError(path: path, errno: errno, operation: "list")
    }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
        // Not `entry.pointee`: readdir's entries are only as long as their name, and a copy
        // of the whole struct reads past the last one in glibc's buffer (AddressSanitizer).
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        let name = String(cString: (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self))
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}

/// A hint to the CPU to bring `address` into cache (for hash tables probed a few rows ahead).
@inlinable @inline(__always)
public func prefetchMemory(_ address: UnsafeRawPointer) {
    govstats_prefetch(address)
}
