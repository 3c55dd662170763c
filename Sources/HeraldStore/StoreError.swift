/// Failures of the store, with enough context to act on them.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// The journal is shutting down and accepts no more events.
    case journalClosed
    /// A stored row could not be turned back into a domain value.
    case corruptRow(sequence: Int64, reason: String)
    /// The connection that commits did not take the requested `PRAGMA synchronous` (2 = FULL, 1 = NORMAL).
    case synchronousNotApplied(expected: Int, found: Int?)
    /// The write-ahead log could not be copied into the database when it was closed.
    case logKeptAtClose(reason: String)
    /// The connection that commits could not be put back to its durable mode: events are refused.
    case durabilityLost(reason: String)
    /// The state directory is in use by a running daemon.
    case stateLocked(reason: String)
    /// The journal's schema is not the one this Herald reads, and it may not change it now.
    case schemaMismatch(reason: String)

    public var description: String {
        switch self {
        case .journalClosed: "the journal is closed (Herald is shutting down)"
        case .corruptRow(let sequence, let reason): "journal row \(sequence) cannot be read: \(reason)"
        case .synchronousNotApplied(let expected, let found):
            "the journal's writer runs with synchronous = \(found.map(String.init) ?? "unknown"), not \(expected) as "
                + "configured; refusing to start rather than acknowledge events with less durability"
        case .stateLocked(let reason): reason
        case .schemaMismatch(let reason): reason
        case .durabilityLost(let reason):
            "the journal no longer commits as durably as configured (\(reason)); events are refused until Herald "
                + "is restarted"
        case .logKeptAtClose(let reason):
            "the write-ahead log was not copied into the database at close (\(reason)); nothing is lost: it stays "
                + "beside the database and is read at the next start, but back up both files until then"
        }
    }
}
