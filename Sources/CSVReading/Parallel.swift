import Dispatch
import Synchronization

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

/// Two independent steps, side by side when more than one job is allowed.
public enum Concurrently {
    /// Runs `background` on another thread while `foreground` runs on this one, and waits
    /// for both (with `jobs` 1: one after the other, `background` first). `whileWaiting` is
    /// called on this thread only when `foreground` has ended and `background` has not (so
    /// never with `jobs` 1): what to say while the wait lasts. With two steps under way,
    /// errors are thrown once both ended, `background`'s first, as with `jobs` 1 (where a
    /// failing `background` stops the run before `foreground`).
    public static func run<Background: Sendable, Foreground>(
        jobs: Int,
        _ background: @escaping @Sendable () throws -> Background,
        and foreground: () throws -> Foreground,
        whileWaiting: (() -> Void)? = nil
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
        if done.wait(timeout: .now()) == .timedOut {
            whileWaiting?()
            done.wait()
        }
        let there = outcome.withLock { $0! }
        return (try there.get(), try here.get())
    }
}

/// A value that one thread gives and another takes, waiting for it if it is not given yet.
/// Given once, taken once.
public final class Handoff<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    private let given = DispatchSemaphore(value: 0)

    public init() {}

    /// A handoff whose value is given already.
    public convenience init(_ value: Value) {
        self.init()
        give(value)
    }

    public func give(_ value: Value) {
        self.value.withLock { $0 = value }
        given.signal()
    }

    /// The value, moved out: the handoff holds it no longer.
    public func take() -> Value {
        given.wait()
        return value.withLock { $0.take()! }
    }
}
