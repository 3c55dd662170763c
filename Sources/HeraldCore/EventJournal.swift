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

    /// Appends an event and calls `completion` once it is durable (or failed), from any thread.
    ///
    /// For callers outside Swift concurrency, such as a channel handler on an event loop, so a
    /// request needs no task of its own. Implementations that can should answer without a task.
    func append(_ event: Event, completion: @escaping @Sendable (Result<Int64, any Error>) -> Void)
}

extension EventJournal {
    /// Bridges to the async `append` through a task.
    public func append(_ event: Event, completion: @escaping @Sendable (Result<Int64, any Error>) -> Void) {
        Task {
            do {
                completion(.success(try await append(event)))
            } catch {
                completion(.failure(error))
            }
        }
    }
}
