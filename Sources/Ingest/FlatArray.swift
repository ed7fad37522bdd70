#if canImport(Glibc)
import Glibc
#endif
import CBytes

/// A growable array of plain values in one `malloc` block, grown with `realloc`.
///
/// The record store keeps a few of these per dataset, each as long as the number of
/// distinct records. A Swift `Array` grows by allocating a new buffer and copying, so for a
/// moment the old and the new buffer are both resident; glibc moves a large block with
/// `mremap` instead, and the peak stays at the size of the data. Copy on write, like
/// `Array`, so a store can be passed around as a value.
struct FlatArray<Element: BitwiseCopyable>: @unchecked Sendable {
    private final class Storage {
        var base: UnsafeMutablePointer<Element>?
        var count = 0
        var capacity = 0
        /// The reservation of address space the elements were mapped into from a file
        /// (`init(mapping:)`), else nil (a `malloc` block).
        var mapping: (start: UnsafeMutableRawPointer, bytes: Int)?
        /// For a mapped array, the pages that hold the file's bytes (the first of the
        /// mapping), else 0; and one bit per such page, set once an element on it was
        /// written: `releaseUnchangedPages` lets go of the others only.
        var filePages = 0
        var changedPages: [UInt64] = []

        init() {}

        /// Notes a write of the elements `from ..< from + count` (their pages changed).
        @inline(__always)
        func noteWrite(_ from: Int, _ count: Int) {
            guard filePages > 0, count > 0 else { return }
            let stride = MemoryLayout<Element>.stride
            let first = from * stride / FlatArrayPages.size
            let last = min((from + count) * stride - 1, filePages * FlatArrayPages.size - 1) / FlatArrayPages.size
            guard first < filePages else { return }
            for page in first...last { changedPages[page >> 6] |= 1 << UInt64(page & 63) }
        }

        deinit {
            if let mapping { munmap(mapping.start, mapping.bytes) } else { free(base) }
        }

        func copy() -> Storage {
            let other = Storage()
            other.reserve(mapping == nil ? capacity : count)
            if count > 0 { other.base!.update(from: base!, count: count) }
            other.count = count
            return other
        }

        func reserve(_ wanted: Int) {
            guard wanted > capacity else { return }
            var size = max(capacity, 16)
            while size < wanted { size += size / 2 + 16 }
            guard let grown = realloc(mapping == nil ? base : nil, size * MemoryLayout<Element>.stride) else {
                fatalError("out of memory: \(size * MemoryLayout<Element>.stride) bytes for the record store")
            }
            if let mapping {
                // Past its reservation: the elements move to a block of their own.
                if count > 0 { grown.copyMemory(from: base!, byteCount: count * MemoryLayout<Element>.stride) }
                munmap(mapping.start, mapping.bytes)
                self.mapping = nil
                filePages = 0
                changedPages = []
            }
            base = grown.assumingMemoryBound(to: Element.self)
            capacity = size
        }
    }

    private var storage = Storage()

    init() {}

    /// `count` elements mapped from the file `descriptor` at `offset` (a multiple of the
    /// page size), privately: a change is the process's own, copied a page at a time, and
    /// the file is never written. Pages are read when first touched, so a large array of
    /// which a run reads a few elements costs only those pages. Room to grow is reserved
    /// after them (address space, taken by appends); past it they move to memory.
    init?(mapping descriptor: Int32, offset: Int, count: Int) {
        let bytes = count * MemoryLayout<Element>.stride
        let page = FlatArrayPages.size
        let mapped = (bytes + page - 1) / page * page
        let reserved = mapped + max(mapped, 16 << 20)
        guard offset % page == 0,
              let start = mmap(nil, reserved, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
              start != MAP_FAILED else { return nil }
        if mapped > 0 && mmap(start, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, descriptor, off_t(offset)) != start {
            munmap(start, reserved)
            return nil
        }
        storage.base = start.assumingMemoryBound(to: Element.self)
        storage.count = count
        storage.capacity = reserved / MemoryLayout<Element>.stride
        storage.mapping = (start, reserved)
        storage.filePages = mapped / page
        storage.changedPages = Array(repeating: 0, count: (storage.filePages + 63) / 64)
    }

    /// `hugePages`: ask the kernel for 2 MiB pages before the memory is first touched (for
    /// a large table read at random, where 4 KiB pages would miss the TLB on nearly every
    /// access). Only the whole 2 MiB stretches inside the block can get them.
    init(repeating value: Element, count: Int, hugePages: Bool = false) {
        storage.reserve(count)
        if hugePages && count > 0 { Self.adviseHugePages(storage.base!, bytes: count * MemoryLayout<Element>.stride) }
        if count > 0 { storage.base!.initialize(repeating: value, count: count) }
        storage.count = count
    }

    private static func adviseHugePages(_ base: UnsafeMutablePointer<Element>, bytes: Int) {
        #if os(Linux)
        let huge = 2 << 20
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + bytes) & ~(huge - 1)
        // Only a hint: where the kernel has no huge page to give, 4 KiB pages serve.
        if start < end { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
        #endif
    }

    var count: Int { storage.count }

    /// Whether the elements are mapped from a file (`init(mapping:)`).
    var isMapped: Bool { storage.mapping != nil }

    /// Lets go of the pages of a mapped array that hold the file's bytes and that no write
    /// changed (`Storage.changedPages`), of the elements in `range` (all when nil): the
    /// kernel reads them from the file again if they are touched. A page taken with a
    /// write that changes nothing (`govstats_own_page`) is let go too. Nothing for an
    /// array in memory.
    func releaseUnchangedPages(_ range: Range<Int>? = nil) {
        guard storage.filePages > 0, let base = storage.base else { return }
        let page = FlatArrayPages.size
        let stride = MemoryLayout<Element>.stride
        let range = range ?? 0..<storage.filePages * page / stride
        let first = (range.lowerBound * stride + page - 1) / page
        let end = min(range.upperBound * stride / page, storage.filePages)
        var runStart = -1
        for index in first...max(first, end) {
            let unchanged = index < end && storage.changedPages[index >> 6] & (1 << UInt64(index & 63)) == 0
            if unchanged && runStart < 0 { runStart = index }
            if !unchanged && runStart >= 0 {
                _ = madvise(UnsafeMutableRawPointer(base) + runStart * page, (index - runStart) * page, MADV_DONTNEED)
                runStart = -1
            }
        }
    }

    /// For a mapped array: takes the page of element `index` with a write that changes
    /// nothing (`govstats_own_page`), so that reading it brings in that page alone, not the
    /// ones around it that the kernel maps with a read. Nothing for an array in memory.
    func ownPage(of index: Int) {
        guard storage.mapping != nil, let base = storage.base else { return }
        let address = Int(bitPattern: base + index) & ~(FlatArrayPages.size - 1)
        govstats_own_page(UnsafeMutablePointer(bitPattern: address)!)
    }

    /// The first element's address, valid while this storage lives and is not changed.
    var baseAddress: UnsafeRawPointer? { UnsafeRawPointer(storage.base) }
    var indices: Range<Int> { 0..<storage.count }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    subscript(index: Int) -> Element {
        @inline(__always) get {
            precondition(index >= 0 && index < storage.count, "index out of range")
            return storage.base![index]
        }
        @inline(__always) set {
            precondition(index >= 0 && index < storage.count, "index out of range")
            makeUnique()
            storage.noteWrite(index, 1)
            storage.base![index] = newValue
        }
    }

    mutating func reserveCapacity(_ wanted: Int) {
        makeUnique()
        storage.reserve(wanted)
    }

    @inline(__always)
    mutating func append(_ value: Element) {
        makeUnique()
        if storage.count == storage.capacity { storage.reserve(storage.count + 1) }
        storage.noteWrite(storage.count, 1)
        storage.base![storage.count] = value
        storage.count += 1
    }

    mutating func append(contentsOf bytes: UnsafeRawBufferPointer) where Element == UInt8 {
        guard !bytes.isEmpty else { return }
        makeUnique()
        storage.reserve(storage.count + bytes.count)
        storage.noteWrite(storage.count, bytes.count)
        UnsafeMutableRawPointer(storage.base! + storage.count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        storage.count += bytes.count
    }

    /// Appends `count` elements that `body` writes, from the first new one on (one
    /// uniqueness check and one reservation for all of them).
    @inline(__always)
    mutating func append(count: Int, _ body: (UnsafeMutablePointer<Element>) -> Void) {
        guard count > 0 else { return }
        makeUnique()
        storage.reserve(storage.count + count)
        storage.noteWrite(storage.count, count)
        body(storage.base! + storage.count)
        storage.count += count
    }

    /// Forgets the elements, keeps the block.
    mutating func removeAll() {
        makeUnique()
        storage.count = 0
    }

    /// Sets every element to `value`.
    mutating func fill(with value: Element) {
        makeUnique()
        storage.noteWrite(0, storage.count)
        if storage.count > 0 { storage.base!.update(repeating: value, count: storage.count) }
    }

    /// The elements, valid during `body`.
    func withUnsafeBufferPointer<Result>(_ body: (UnsafeBufferPointer<Element>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: storage.base, count: storage.count))
    }
}

/// The size of a page, which `FlatArray` keeps track of for its mapped arrays.
enum FlatArrayPages {
    static let size = Int(sysconf(Int32(_SC_PAGESIZE)))
}
