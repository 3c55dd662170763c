import HeraldCore
import Synchronization

/// An in-memory `EventJournal` for route tests: records what was appended, or fails on demand.
public final class RecordingJournal: EventJournal {
    private let state = Mutex<(events: [Event], failing: Bool)>(([], false))

    public init() {}

    public var events: [Event] { state.withLock { $0.events } }

    /// Waits until at least `count` events are recorded; throws `WaitTimedOut` when the timeout
    /// passes first, so a test waits for a state instead of sleeping and then assuming it.
    public func waitFor(count: Int, timeout: Duration = .seconds(10)) async throws {
        try await waitUntil("\(count) journalled events", timeout: timeout, poll: .milliseconds(10)) {
            events.count >= count
        }
    }

    /// Makes later appends fail, as a full disk or closed journal would.
    public func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }

    public struct Unavailable: Error {}

    public func append(_ event: Event) async throws -> Int64 {
        try state.withLock { state in
            if state.failing { throw Unavailable() }
            state.events.append(event)
            return Int64(state.events.count)
        }
    }
}
