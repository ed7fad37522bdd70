import CSVReading
import Dispatch
import Synchronization
import Testing

/// `Concurrently.run` and `Handoff`: both steps' results, errors in the order of one job, and
/// `whileWaiting` called when the foreground is done before the background, never with one job.
@Suite struct ConcurrentlyTests {
    /// What a test's steps did, in order, from either thread.
    final class Log: Sendable {
        private let entries = Mutex<[String]>([])
        func add(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    struct Failed: Error, Equatable {
        let step: String
    }

    @Test func aBackgroundStillAtWorkIsWaitedForAfterWhileWaitingIsCalled() throws {
        // The background cannot end before `whileWaiting` lets it go, so the call is due.
        let log = Log()
        let release = DispatchSemaphore(value: 0)
        let (background, foreground) = try Concurrently.run(jobs: 2) { () -> Bool in
            let released = release.wait(timeout: .now() + 30) == .success
            log.add("background ended")
            return released
        } and: {
            log.add("foreground ended")
            return 2
        } whileWaiting: {
            log.add("waiting")
            release.signal()
        }
        #expect(background == true)
        #expect(foreground == 2)
        #expect(log.all == ["foreground ended", "waiting", "background ended"])
    }

    @Test func oneJobRunsTheBackgroundFirstAndNeverWaits() throws {
        let log = Log()
        let (background, foreground) = try Concurrently.run(jobs: 1) { () -> String in
            log.add("background")
            return "b"
        } and: {
            log.add("foreground")
            return "f"
        } whileWaiting: {
            log.add("waiting")
        }
        #expect(background == "b")
        #expect(foreground == "f")
        #expect(log.all == ["background", "foreground"])
    }

    @Test(arguments: [1, 2])
    func theBackgroundsErrorComesFirst(jobs: Int) {
        let log = Log()
        #expect(throws: Failed(step: "background")) {
            _ = try Concurrently.run(jobs: jobs) { () -> Int in
                log.add("background")
                throw Failed(step: "background")
            } and: { () -> Int in
                log.add("foreground")
                throw Failed(step: "foreground")
            }
        }
        // With two jobs the foreground was under way already and is let end; one job stops
        // at the background's error.
        #expect(log.all.sorted() == (jobs == 1 ? ["background"] : ["background", "foreground"]))
    }

    @Test(arguments: [1, 2])
    func theForegroundsErrorComesWhenTheBackgroundSucceeds(jobs: Int) {
        #expect(throws: Failed(step: "foreground")) {
            _ = try Concurrently.run(jobs: jobs) { 1 } and: { () -> Int in throw Failed(step: "foreground") }
        }
    }

    @Test func aHandoffGivenLaterIsWaitedFor() throws {
        let handoff = Handoff<[Int]>()
        let (taken, _) = try Concurrently.run(jobs: 2) { handoff.take() } and: { handoff.give([1, 2, 3]) }
        #expect(taken == [1, 2, 3])
        #expect(Handoff("given").take() == "given")
    }
}
