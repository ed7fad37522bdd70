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

/// A value that one thread gives and another takes, waiting for it if it is not given yet.
/// Given once, taken once.
final class Handoff<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    private let given = DispatchSemaphore(value: 0)

    init() {}

    /// A handoff whose value is given already.
    convenience init(_ value: Value) {
        self.init()
        give(value)
    }

    func give(_ value: Value) {
        self.value.withLock { $0 = value }
        given.signal()
    }

    /// The value, moved out: the handoff holds it no longer.
    func take() -> Value {
        given.wait()
        return value.withLock { $0.take()! }
    }
}

/// Set once by one thread when it is done, looked at by another.
final class DoneSignal: Sendable {
    private let value = Atomic<Bool>(false)

    func set() { value.store(true, ordering: .releasing) }

    var isSet: Bool { value.load(ordering: .acquiring) }
}
