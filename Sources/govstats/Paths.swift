import CSVReading
#if canImport(Glibc)
import Glibc
#endif

/// `path` with every link and `..` resolved (nil if it does not exist).
func resolvedPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
}

/// `path` resolved as far as it exists; the components that do not exist yet (a folder a
/// command will make) are added as written, `.` and `..` taken as they will be.
func resolvedPath(allowingMissing path: String) -> String {
    var head = path
    var missing: [Substring] = []
    while resolvedPath(head.isEmpty ? "." : head) == nil {
        guard let slash = head.lastIndex(of: "/") else {
            missing.append(head[...])
            head = ""
            break
        }
        missing.append(head[head.index(after: slash)...])
        head = String(head[..<slash])
        if head.isEmpty { head = "/" }
    }
    var result = resolvedPath(head.isEmpty ? "." : head) ?? "/"
    for component in missing.reversed() where !component.isEmpty && component != "." {
        if component == ".." {
            result = String(result[..<(result.lastIndex(of: "/") ?? result.startIndex)])
            if result.isEmpty { result = "/" }
        } else {
            result += (result.hasSuffix("/") ? "" : "/") + component
        }
    }
    return result
}

/// Whether two paths name the same file (after links), both existing.
func sameFile(_ first: String, _ second: String) -> Bool {
    guard let one = try? FileVersion.of(first), let two = try? FileVersion.of(second) else { return false }
    return one.device == two.device && one.inode == two.inode
}
