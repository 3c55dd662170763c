import Foundation
import HeraldCore
import HeraldStore
import Logging
import ServiceLifecycle

/// Reads the journal in order and records each event's consequences in the same transaction that
/// marks it dispatched.
///
/// The consequences come from `handler`, the seam where the rules engine plugs in. Until then the
/// default handler records nothing, so events are simply marked dispatched. A failed batch never
/// ends the service group, nor holds up the events behind it for good: the dispatcher goes on one
/// event at a time to find the one that fails, retries it `maxAttempts` times `retryInterval`
/// apart, then gives up on it (recorded with the reason, shown by `herald events`, and announced
/// as `herald.dispatch.failed`) and goes on with the rest.
public struct EventDispatcher: Service {
    public typealias Handler = DispatchHandler

    let database: AppDatabase
    let commits: AsyncStream<Void>
    /// The handler in force (rules can change on reload); nil when there is nothing to evaluate.
    let handler: @Sendable () -> Handler?
    /// The journal's in-memory copy of a committed event, and how to release copies once dispatched.
    let cached: @Sendable (Int64) -> Event?
    let forget: @Sendable (Int64) -> Void
    /// Called after each committed batch (wakes the workers that act on what was recorded).
    let afterDispatch: @Sendable () -> Void
    let batchSize: Int
    let retryInterval: Duration
    /// Attempts at one event before the dispatcher gives up on it.
    let maxAttempts: Int
    /// Least time between two dispatch passes. Under a flood the journal commits every
    /// millisecond or so, and a pass per commit cost more than the events' own inserts; spaced
    /// out, one pass takes what a few commits brought. An event after a quiet spell is still
    /// dispatched at once.
    let pace: Duration
    let logger: Logger

    public init(
        database: AppDatabase,
        commits: AsyncStream<Void>,
        handler: @escaping @Sendable () -> Handler? = { nil },
        cached: @escaping @Sendable (Int64) -> Event? = { _ in nil },
        forget: @escaping @Sendable (Int64) -> Void = { _ in },
        afterDispatch: @escaping @Sendable () -> Void = {},
        batchSize: Int = 1024,
        retryInterval: Duration = .seconds(5),
        maxAttempts: Int = 3,
        pace: Duration = .milliseconds(25),
        logger: Logger
    ) {
        self.database = database
        self.commits = commits
        self.handler = handler
        self.cached = cached
        self.forget = forget
        self.afterDispatch = afterDispatch
        self.batchSize = batchSize
        self.retryInterval = retryInterval
        self.maxAttempts = maxAttempts
        self.pace = pace
        self.logger = logger
    }

    /// Where a dispatcher is after a failure: going one event at a time, and the event that
    /// failed with how often it did.
    struct Recovery {
        var singly = false
        var culprit: (sequence: Int64, attempts: Int)?
    }

    public func run() async throws {
        var recovery = Recovery()
        // Events committed before a crash or restart are dispatched first.
        await dispatchAll(&recovery)
        for await _ in commits.cancelOnGracefulShutdown() {
            await dispatchAll(&recovery)
            // Commits signalled meanwhile collapse into one (the stream keeps only the newest).
            try? await Task.sleep(for: pace)
        }
    }

    /// Dispatches until the journal has nothing pending, isolating an event that keeps failing.
    func dispatchAll(_ recovery: inout Recovery) async {
        while !Task.isCancelled {
            let limit = recovery.singly ? 1 : batchSize
            do {
                let (count, last) = try await database.dispatchPending(limit: limit, cached: cached, handler())
                if count == 0 {
                    recovery = Recovery()
                    return
                }
                forget(last)
                afterDispatch()
                logger.debug("events dispatched", metadata: ["dispatch.count": "\(count)"])
                if let culprit = recovery.culprit, last >= culprit.sequence { recovery = Recovery() }
                // A short batch took everything there was; what arrived since has signalled a commit.
                if !recovery.singly, count < batchSize { return }
            } catch {
                guard recovery.singly else {
                    // Some event of the batch fails: go on one at a time to find which.
                    recovery.singly = true
                    continue
                }
                await retryOrIsolate(after: error, &recovery)
            }
        }
    }

    /// The next pending event failed on its own: waits and tries it again, or gives up on it.
    private func retryOrIsolate(after error: any Error, _ recovery: inout Recovery) async {
        guard let sequence = try? await database.nextPendingSequence() else {
            try? await Task.sleep(for: retryInterval)
            return
        }
        var attempts = recovery.culprit?.sequence == sequence ? recovery.culprit?.attempts ?? 0 : 0
        attempts += 1
        recovery.culprit = (sequence, attempts)
        guard attempts >= maxAttempts else {
            logger.error(
                "dispatch failed; retrying",
                metadata: ["event.sequence": "\(sequence)", "dispatch.attempt": "\(attempts)", "error": "\(error)"])
            try? await Task.sleep(for: retryInterval)
            return
        }
        do {
            if try await database.isolateFailedEvent(sequence: sequence, reason: "\(error)", now: Date()) {
                logger.error(
                    "dispatch gave up on an event; the events behind it go on",
                    metadata: [
                        "event.sequence": "\(sequence)", "dispatch.attempts": "\(attempts)", "error": "\(error)",
                    ])
            }
            recovery = Recovery()
        } catch {
            logger.error("the failed event could not be set aside; retrying", metadata: ["error": "\(error)"])
            try? await Task.sleep(for: retryInterval)
        }
    }
}
