import HeraldCore
import Synchronization

/// An in-memory `EventJournal` for route tests: records what was appended, or fails on demand.
public final class RecordingJournal: EventJournal {
    private let state = Mutex<(events: [Event], failing: Bool)>(([], false))

    public init() {}

    public var events: [Event] { state.withLock { $0.events } }

    /// Waits until at least `count` events are recorded (or the timeout passes), so a test can
    /// wait for a state instead of sleeping for a time a loaded machine may exceed.
    public func waitFor(count: Int, timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, events.count < count { try await Task.sleep(for: .milliseconds(10)) }
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
