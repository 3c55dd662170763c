import Foundation
import HeraldCore
import HeraldStore
import Logging
import ServiceLifecycle

/// Reads the journal in order and records each event's consequences in the same transaction that
/// marks it dispatched.
///
/// The consequences come from `handler`, the seam where the rules engine plugs in. Until then the
/// default handler records nothing, so events are simply marked dispatched. A failed pass is
/// logged and retried on the next trigger; it never ends the service group.
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
        self.pace = pace
        self.logger = logger
    }

    public func run() async throws {
        // Events committed before a crash or restart are dispatched first.
        await dispatchAll()
        for await _ in commits.cancelOnGracefulShutdown() {
            await dispatchAll()
            // Commits signalled meanwhile collapse into one (the stream keeps only the newest).
            try? await Task.sleep(for: pace)
        }
    }

    /// Dispatches until the journal has nothing pending; on failure waits and tries again later.
    func dispatchAll() async {
        while !Task.isCancelled {
            do {
                let (count, last) = try await database.dispatchPending(limit: batchSize, cached: cached, handler())
                if count == 0 { return }
                forget(last)
                afterDispatch()
                logger.debug("events dispatched", metadata: ["dispatch.count": "\(count)"])
                // A short batch took everything there was; what arrived since has signalled a commit.
                if count < batchSize { return }
            } catch {
                logger.error("dispatch failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: retryInterval)
                return
            }
        }
    }
}
