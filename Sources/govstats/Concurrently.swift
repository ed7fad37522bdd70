import Dispatch
import Synchronization

/// Two independent steps, side by side when more than one job is allowed.
enum Concurrently {
    /// Runs `background` on another thread while `foreground` runs on this one, and waits
    /// for both (with `jobs` 1: one after the other, `background` first). Errors are thrown
    /// once both ended, `background`'s first, as in the order of `jobs` 1.
    static func run<Background: Sendable, Foreground>(
        jobs: Int,
        _ background: @escaping @Sendable () throws -> Background,
        and foreground: () throws -> Foreground
    ) throws -> (Background, Foreground) {
        if jobs <= 1 { return (try background(), try foreground()) }
        let outcome = Mutex<Result<Background, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let result = Result { try background() }
            outcome.withLock { $0 = result }
            done.signal()
        }
        let here = Result { try foreground() }
        done.wait()
        let there = outcome.withLock { $0! }
        return (try there.get(), try here.get())
    }
}
