import CSVReading

/// Safe, unique file names for pages named after data (one page per district).
///
/// A name is used as it is, as `district-<name>`, when it is made only of letters, digits,
/// `-` and `_` (so no `/`, `\`, `.`, space, control character or combining mark), is not
/// empty, fits comfortably in a file name, and collides with no other name after case
/// folding and Unicode normalisation (Swift's `String` equality is canonical equivalence).
/// Any other name gets `district-<slug>-<hash>`: the slug keeps its letters and digits (at
/// most 24), the hash is the FNV-1a (32-bit) of the original UTF-8 bytes in hex, so names
/// differing in any byte (NFC against NFD, `ABC` against `abc`) get different pages.
///
/// Every result matches `district-[letters digits - _]+`: it never holds a path separator,
/// never starts with `.`, and stays inside the output folder. The results are distinct even
/// on a case-insensitive or normalising file system.
public enum PageName {
    public static let districtPrefix = "district-"

    /// Page names (without extension) for `names`, in the same order. Equal byte sequences
    /// get the same page name; every other pair gets different ones.
    public static func districts(_ names: [String]) -> [String] {
        // Names that fold together (case, normalisation) all take the hashed form.
        var folded: [String: Set<[UInt8]>] = [:]
        for name in names { folded[fold(name), default: []].insert(Array(name.utf8)) }
        var isHashed = names.map { !isPlain($0) || folded[fold($0)]!.count > 1 }
        var chosen = names.indices.map { isHashed[$0] ? hashed(names[$0]) : districtPrefix + names[$0] }
        // A plain name could fold to another's hashed form (a district literally named
        // `x-1a2b3c4d`): it takes the hashed form too.
        var owners: [String: Set<[UInt8]>] = [:]
        for index in names.indices { owners[fold(chosen[index]), default: []].insert(Array(names[index].utf8)) }
        for index in names.indices where !isHashed[index] && owners[fold(chosen[index])]!.count > 1 {
            chosen[index] = hashed(names[index])
            isHashed[index] = true
        }
        // Whatever still clashes (a hash collision) is numbered, in byte order of the names.
        let order = names.indices.sorted { utf8Less(names[$0], names[$1]) }
        var taken: Set<String> = []
        var assigned: [[UInt8]: String] = [:]
        for index in order {
            let bytes = Array(names[index].utf8)
            if let page = assigned[bytes] {
                chosen[index] = page
                continue
            }
            var candidate = chosen[index]
            var counter = 2
            while taken.contains(fold(candidate)) {
                candidate = chosen[index] + "-" + String(counter)
                counter += 1
            }
            taken.insert(fold(candidate))
            assigned[bytes] = candidate
            chosen[index] = candidate
        }
        return chosen
    }

    /// The page name of one district among no others (for a single name, tests, links).
    public static func district(_ name: String) -> String { districts([name])[0] }

    /// Letters, digits, `-` and `_` only, at most 48 UTF-8 bytes, not empty.
    static func isPlain(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 48 else { return false }
        return name.unicodeScalars.allSatisfy(isNameScalar)
    }

    static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "-" || scalar == "_" { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    static func hashed(_ name: String) -> String {
        var slug = ""
        var length = 0
        var pendingDash = false
        for scalar in name.unicodeScalars where length < 24 {
            if isNameScalar(scalar) && scalar != "-" {
                if pendingDash && !slug.isEmpty { slug += "-" }
                pendingDash = false
                slug.unicodeScalars.append(scalar)
                length += 1
            } else {
                pendingDash = true
            }
        }
        return districtPrefix + (slug.isEmpty ? "" : slug + "-") + hex(fnv1a(Array(name.utf8)))
    }

    /// FNV-1a, 32 bits, over the bytes.
    static func fnv1a(_ bytes: [UInt8]) -> UInt32 {
        var hash: UInt32 = 0x811C_9DC5
        for byte in bytes {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        return hash
    }

    static func hex(_ value: UInt32) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        for shift in stride(from: 28, through: 0, by: -4) {
            text.append(digits[Int((value >> UInt32(shift)) & 0xF)])
        }
        return text
    }

    /// Case folded; compared as `String` keys, so canonically equivalent texts are equal.
    static func fold(_ text: String) -> String { text.uppercased().lowercased() }
}
