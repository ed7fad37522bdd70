import Dispatch

/// Work cut into parts that change only what is their own, done on up to the machine's
/// cores: what the ingest, trends and pages stages each did with `concurrentPerform`.
public enum Parallel {
    /// Calls `body` once for each of `0..<iterations`: side by side when `jobs` is above 1
    /// and there is more than one, else in order on this thread. Each call must change only
    /// what is its own (the same results in any order).
    public static func each(_ iterations: Int, jobs: Int, _ body: (Int) -> Void) {
        guard jobs > 1 && iterations > 1 else {
            for iteration in 0..<iterations { body(iteration) }
            return
        }
        withoutActuallyEscaping(body) { body in
            // Each call changes only its own part (the caller's promise above).
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: iterations) { body($0) }
        }
    }
}
