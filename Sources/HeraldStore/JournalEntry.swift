import Foundation
import HeraldCore

/// An event as stored in the journal: its position and whether the dispatcher has handled it.
public struct JournalEntry: Sendable, Equatable {
    /// Position in the journal; strictly increasing in commit order.
    public var sequence: Int64
    public var event: Event
    /// When the dispatcher recorded the event's consequences; nil while pending.
    public var dispatchedAt: Date?

    public init(sequence: Int64, event: Event, dispatchedAt: Date?) {
        self.sequence = sequence
        self.event = event
        self.dispatchedAt = dispatchedAt
    }
}
