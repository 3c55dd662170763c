/// Failures of the store, with enough context to act on them.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// The journal is shutting down and accepts no more events.
    case journalClosed
    /// A stored row could not be turned back into a domain value.
    case corruptRow(sequence: Int64, reason: String)

    public var description: String {
        switch self {
        case .journalClosed: "the journal is closed (Herald is shutting down)"
        case .corruptRow(let sequence, let reason): "journal row \(sequence) cannot be read: \(reason)"
        }
    }
}
