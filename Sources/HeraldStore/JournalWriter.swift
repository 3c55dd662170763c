import Foundation
import HeraldCore
import Logging
import Metrics
import Synchronization

/// Makes events durable with group commit: concurrent appends share one transaction and one fsync.
///
/// `append` enqueues the event and suspends (or calls back) once the commit that holds it is on
/// disk. A single loop (`run`) takes everything queued while the previous commit was in flight, up
/// to `maxBatch`, and writes it in one transaction. Under load, batches grow by themselves; when
/// idle, an event is committed at once with no added delay.
///
/// The loop runs on a thread of its own and writes synchronously, so a commit runs where it is
/// taken: no hop through Swift's cooperative pool and a database queue and back per batch, which
/// under a burst cost about as much CPU as the commit itself.
public final class JournalWriter: EventJournal {
    /// A class, so the queue, the batch and the loops over it move one reference, not a copy of
    /// every field of the event.
    private final class Pending: Sendable {
        let event: Event
        /// Told the event's sequence once committed, or the commit's error.
        let completion: @Sendable (Result<Int64, any Error>) -> Void

        init(event: Event, completion: @escaping @Sendable (Result<Int64, any Error>) -> Void) {
            self.event = event
            self.completion = completion
        }
    }

    /// What the writer thread hands the dispatcher; guarded by `state`.
    private struct State {
        /// Committed events not yet dispatched, handed to the dispatcher so it need not read them back.
        var committed: [Int64: Event] = [:]
        /// The sequences in `committed`, oldest first (from `committedStart` on), so forgetting the
        /// dispatched ones touches only them.
        var committedOrder: [Int64] = []
        var committedStart = 0
        /// The raw bodies' bytes held in `committed`.
        var committedBytes = 0
        /// Why the last commit failed (a full disk, a read-only file system), until one succeeds.
        var failure: String?
    }

    /// Most committed events kept in memory for the dispatcher, and most bytes of raw bodies among
    /// them; beyond either it reads them back. A burst of file events (no body) stays in memory;
    /// a burst of large *arr bodies does not grow the process by more than the byte limit.
    static let handoffLimit = 16_384
    static let handoffBytes = 8 << 20

    private let database: AppDatabase
    private let maxBatch: Int
    private let logger: Logger
    private let state = Mutex(State())
    /// Guards the queue and wakes the writer thread when it waits for work: one lock for both, so
    /// an append takes a single (non-priority-inheriting, cheap when contended) lock.
    private let queueLock = NSCondition()
    nonisolated(unsafe) private var queue: [Pending] = []
    nonisolated(unsafe) private var closed = false
    nonisolated(unsafe) private var waiting = false
    private let commitsContinuation: AsyncStream<Void>.Continuation
    private let commitLatency: Metrics.Timer
    private let batchSize: Recorder

    /// Signals (coalesced) after each commit, so the dispatcher can look for new work at once.
    public let commits: AsyncStream<Void>

    public init(database: AppDatabase, maxBatch: Int = 1024, logger: Logger, metrics: any MetricsFactory) {
        self.database = database
        self.maxBatch = max(1, maxBatch)
        self.logger = logger
        (commits, commitsContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        commitLatency = Metrics.Timer(label: "herald_journal_commit_seconds", factory: metrics)
        batchSize = Recorder(label: "herald_journal_batch_size", factory: metrics)
    }

    public func append(_ event: Event) async throws -> Int64 {
        try await withCheckedThrowingContinuation { continuation in
            append(event) { continuation.resume(with: $0) }
        }
    }

    /// Enqueues an event; `completion` runs on the writer's thread once the commit holding it is on
    /// disk, or at once with `StoreError.journalClosed` after `close()`. It must return quickly.
    public func append(_ event: Event, completion: @escaping @Sendable (Result<Int64, any Error>) -> Void) {
        let pending = Pending(event: event, completion: completion)
        queueLock.lock()
        let accepted = !closed
        if accepted {
            queue.append(pending)
            if waiting { queueLock.signal() }
        }
        queueLock.unlock()
        if !accepted { completion(.failure(StoreError.journalClosed)) }
    }

    /// Events waiting for a commit (for diagnostics and tests).
    public var queued: Int {
        queueLock.lock()
        defer { queueLock.unlock() }
        return queue.count
    }

    /// Why the journal cannot take events now (its last commit failed and none has succeeded
    /// since): `/readyz` is not ready while it is set, as every webhook is then answered 503.
    public var commitFailure: String? {
        state.withLock { $0.failure }
    }

    /// A committed event still held in memory (the dispatcher's fast path).
    public func committedEvent(_ sequence: Int64) -> Event? {
        state.withLock { $0.committed[sequence] }
    }

    /// Drops the in-memory copies of events up to a sequence, once they are dispatched.
    public func forgetCommitted(upTo sequence: Int64) {
        state.withLock { state in
            while state.committedStart < state.committedOrder.count,
                state.committedOrder[state.committedStart] <= sequence
            {
                let key = state.committedOrder[state.committedStart]
                state.committedStart += 1
                if let event = state.committed.removeValue(forKey: key) { state.committedBytes -= event.raw.count }
            }
            // Compact the order list once its dispatched prefix dominates it.
            if state.committedStart > 1024, state.committedStart * 2 > state.committedOrder.count {
                state.committedOrder.removeFirst(state.committedStart)
                state.committedStart = 0
            }
        }
    }

    /// Commits queued events until `close()` is called and the queue is drained.
    public func run() async {
        await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                self.loop()
                finished.resume()
            }
            thread.name = "herald-journal"
            thread.start()
        }
        commitsContinuation.finish()
    }

    /// Stops accepting events; `run` returns once everything already queued is committed.
    public func close() {
        queueLock.lock()
        closed = true
        queueLock.signal()
        queueLock.unlock()
    }

    /// The writer thread: commits until closed and drained, sleeping while there is nothing to do.
    private func loop() {
        while let batch = nextBatch() { commit(batch) }
    }

    /// Waits for queued events and takes up to `maxBatch` of them; nil once closed and drained.
    private func nextBatch() -> [Pending]? {
        queueLock.lock()
        defer { queueLock.unlock() }
        while queue.isEmpty {
            if closed { return nil }
            waiting = true
            queueLock.wait()
            waiting = false
        }
        // Usually everything queued fits: take the array whole instead of shifting it.
        if queue.count <= maxBatch {
            defer { queue = [] }
            return queue
        }
        let batch = Array(queue.prefix(maxBatch))
        queue.removeFirst(maxBatch)
        return batch
    }

    /// Writes a batch in one transaction, hands it to the dispatcher and answers its appenders.
    private func commit(_ batch: [Pending]) {
        let started = ContinuousClock.now
        do {
            let sequences = try database.appendEventsBlocking(batch.lazy.map(\.event))
            commitLatency.recordNanoseconds(Int64((ContinuousClock.now - started).nanoseconds))
            batchSize.record(batch.count)
            state.withLock { state in
                state.failure = nil
                for (pending, sequence) in zip(batch, sequences)
                where state.committed.count < Self.handoffLimit
                    && state.committedBytes + pending.event.raw.count <= Self.handoffBytes
                {
                    state.committed[sequence] = pending.event
                    state.committedOrder.append(sequence)
                    state.committedBytes += pending.event.raw.count
                }
            }
            for (pending, sequence) in zip(batch, sequences) { pending.completion(.success(sequence)) }
            commitsContinuation.yield()
        } catch {
            logger.error(
                "journal commit failed; the senders get an error and may retry",
                metadata: ["error": "\(error)", "journal.batch": "\(batch.count)"])
            state.withLock { $0.failure = "\(error)" }
            for pending in batch { pending.completion(.failure(error)) }
        }
    }
}
