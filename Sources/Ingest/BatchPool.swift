import CSVReading
import Synchronization

extension ChunkedReading where Part == RowBatch {
    /// Chunks of a file in `encoding` decoded into row batches by `decoder`, in batches
    /// taken from `pool` (the caller gives each back once applied). `checking`: each
    /// chunk's bytes are checked as they are read (see `FileScan.checkedAsRead`).
    init(path: String, encoding: TextEncoding, fileBytes: Int, chunkBytes: Int, decoder: RowDecoder, pool: BatchPool, checking: Bool = false) {
        self.init(path: path, fileBytes: fileBytes, chunkBytes: chunkBytes) { start, stopAfter in
            var batch = pool.take(decoder: decoder)
            let end = try CSVFileReader.readRaw(path: path, encoding: encoding, range: start..<fileBytes, stopAfter: stopAfter, checking: checking) { record in
                if !record.isBlank { decoder.decode(record, into: &batch) }
            }
            return (batch, end)
        }
    }
}

/// Row batches given back once applied, for workers to fill again. A chunk's batch grows
/// to a few MiB; made afresh for every chunk, its arrays would be grown by copying, and
/// glibc would map and unmap their pages each time. One pool serves every file of a run,
/// so that daily files do not each grow a batch of their own.
final class BatchPool: Sendable {
    private let free = Mutex<[RowBatch]>([])
    /// More than the batches alive at once is never needed.
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// A batch for `decoder`'s rows: a kept one made for the same columns, or a new one.
    func take(decoder: RowDecoder) -> RowBatch {
        let kept = free.withLock { free -> RowBatch? in
            guard let index = free.lastIndex(where: { $0.fits(decoder) }) else { return nil }
            return free.remove(at: index)
        }
        return kept ?? RowBatch(decoder: decoder)
    }

    /// Lets every kept batch go (once every file is read: their memory serves what follows).
    func drain() {
        free.withLock { $0.removeAll() }
    }

    /// Takes `batch` back (leaving an empty one in its place), forgetting its rows.
    func give(_ batch: inout RowBatch) {
        var taken = RowBatch(width: 0)
        swap(&taken, &batch)
        taken.reset()
        // Moved into the pool, not copied: a copy still held here once the lock is let go
        // would make the worker that takes the batch copy its arrays (see `Slots.put`).
        var moved = Optional(consume taken)
        free.withLock { free in
            if free.count < limit { free.append(moved.take()!) }
        }
    }
}
