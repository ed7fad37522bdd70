#if canImport(Glibc)
import Glibc
#endif

// One byte order for everything the contract sorts or compares exactly: output rows, file
// names, areas, categories, keys. Swift's `<` and `==` on String compare Unicode scalars
// canonically (NFC and NFD spellings equal), which is not the same.

/// memcmp order of two byte strings, a prefix first: negative, zero or positive.
public func compareBytes(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Int {
    let common = min(lhs.count, rhs.count)
    let order = common == 0 ? 0 : Int(memcmp(lhs.baseAddress!, rhs.baseAddress!, common))
    return order != 0 ? order : lhs.count - rhs.count
}

/// `compareBytes` of the UTF-8 text of two strings.
public func compareUTF8(_ lhs: String, _ rhs: String) -> Int {
    var lhs = lhs
    var rhs = rhs
    return lhs.withUTF8 { left in rhs.withUTF8 { right in compareBytes(UnsafeRawBufferPointer(left), UnsafeRawBufferPointer(right)) } }
}

/// Orders strings by the bytes of their UTF-8 text, as the contract sorts output rows.
public func utf8Less(_ lhs: String, _ rhs: String) -> Bool {
    compareUTF8(lhs, rhs) < 0
}

/// Field by field in UTF-8 byte order; a row that is a prefix of another comes first.
public func utf8Less(_ lhs: [String], _ rhs: [String]) -> Bool {
    for (left, right) in zip(lhs, rhs) {
        let order = compareUTF8(left, right)
        if order != 0 { return order < 0 }
    }
    return lhs.count < rhs.count
}

/// A string compared and hashed by its UTF-8 bytes. Swift's `String` equality is Unicode
/// canonical equivalence, which would take `Café` written NFC and NFD for one value; data
/// values (keys, districts, streets) are kept apart exactly as they were written.
public struct ExactText: Hashable, Sendable {
    public let text: String

    public init(_ text: String) {
        self.text = text
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        compareUTF8(lhs.text, rhs.text) == 0
    }

    public func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(text.utf8.count)
    }
}
