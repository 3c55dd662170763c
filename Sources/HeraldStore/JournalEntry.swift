import Foundation
import HeraldCore

/// An event as stored in the journal: its position and whether the dispatcher has handled it.
public struct JournalEntry: Sendable, Equatable {
    /// Position in the journal; strictly increasing in commit order.
    public var sequence: Int64
    public var event: Event
    /// When the dispatcher recorded the event's consequences; nil while pending.
    public var dispatchedAt: Date?
    /// Why the rules could not be applied to the event, when the dispatcher gave up on it and
    /// went on with the events behind it (`herald.dispatch.failed`).
    public var dispatchFailure: String?

    public init(sequence: Int64, event: Event, dispatchedAt: Date?, dispatchFailure: String? = nil) {
        self.sequence = sequence
        self.event = event
        self.dispatchedAt = dispatchedAt
        self.dispatchFailure = dispatchFailure
    }
}
