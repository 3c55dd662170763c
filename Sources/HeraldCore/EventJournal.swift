/// The port through which producers (webhook routes, the filesystem watcher, schedules) make an
/// event durable.
///
/// `append` returns only once the event is committed to disk: a webhook is answered 2xx only after
/// this returns. Implementations may share one commit among concurrent callers.
public protocol EventJournal: Sendable {
    /// Appends an event and waits until it is durable.
    ///
    /// - Returns: The journal sequence number of the event.
    /// - Throws: When the event could not be committed; the caller must not acknowledge it.
    func append(_ event: Event) async throws -> Int64
}
