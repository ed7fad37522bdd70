/// Counts rows for the progress callback and reports now and then.
struct ProgressMeter {
    static let every = 1 << 16
    private(set) var rows = 0
    private var reported = 0

    mutating func add(_ count: Int, _ progress: (Int) -> Void) {
        rows += count
        if rows - reported >= Self.every {
            reported = rows
            progress(rows)
        }
    }

    mutating func finish(_ progress: (Int) -> Void) {
        reported = rows
        progress(rows)
    }
}
