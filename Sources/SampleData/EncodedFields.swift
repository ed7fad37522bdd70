/// Texts encoded once as CSV fields and kept in one block of memory for the life of the
/// process, so writing a field is a copy with no reference counting on the way.
final class EncodedFields: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<UInt8>
    private let offsets: UnsafeMutablePointer<Int>
    let count: Int

    /// Immutable after `init`, which is what makes the class safe to share.
    init(_ texts: [String], encode: (String) -> [UInt8] = CSVField.encode) {
        let encoded = texts.map(encode)
        count = encoded.count
        storage = .allocate(capacity: max(1, encoded.reduce(0) { $0 + $1.count }))
        offsets = .allocate(capacity: count + 1)
        var offset = 0
        for (index, bytes) in encoded.enumerated() {
            offsets[index] = offset
            (storage + offset).initialize(from: bytes, count: bytes.count)
            offset += bytes.count
        }
        offsets[count] = offset
    }

    deinit {
        storage.deallocate()
        offsets.deallocate()
    }

    @inline(__always) func bytes(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: storage + offsets[index], count: offsets[index + 1] - offsets[index])
    }
}

extension ExportFile {
    /// A field from a table of encoded texts.
    @inline(__always) func field(_ table: EncodedFields, _ index: Int) {
        separate()
        append(table.bytes(index))
    }
}
