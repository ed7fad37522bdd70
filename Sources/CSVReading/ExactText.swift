#if canImport(Glibc)
import Glibc
#endif

/// A string compared and hashed by its UTF-8 bytes. Swift's `String` equality is Unicode
/// canonical equivalence, which would take `Café` written NFC and NFD for one value; data
/// values (keys, districts, streets) are kept apart exactly as they were written.
public struct ExactText: Hashable, Sendable {
    public let text: String

    public init(_ text: String) {
        self.text = text
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        var left = lhs.text
        var right = rhs.text
        return left.withUTF8 { a in
            right.withUTF8 { b in
                a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
            }
        }
    }

    public func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(text.utf8.count)
    }
}
