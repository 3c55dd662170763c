import Foundation
import HeraldCore
import HeraldStore
import Logging
import ServiceLifecycle

/// Runs the journal's WAL checkpoints in the background, so no webhook waits for one, and the
/// retention pass every hour (the first a minute after start).
struct CheckpointService: Service {
    let checkpointer: WALCheckpointer
    let interval: Duration
    let logger: Logger
    var database: AppDatabase?
    var retention: Duration?
    var now: @Sendable () -> Date = { Date() }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var nextPrune = ContinuousClock.now + .seconds(60)
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if let database, let retention, ContinuousClock.now >= nextPrune {
                    nextPrune = ContinuousClock.now + .seconds(3600)
                    await prune(database, olderThan: retention)
                }
                do {
                    try await checkpointer.run()
                } catch is CancellationError {
                    break  // shutting down: the last connection's close checkpoints the log
                } catch {
                    logger.warning("journal checkpoint failed; will try again", metadata: ["error": "\(error)"])
                }
            }
        }
        try? checkpointer.close()
    }

    private func prune(_ database: AppDatabase, olderThan retention: Duration) async {
        do {
            let report = try await database.prune(before: now().addingTimeInterval(-retention.timeInterval))
            if report.total > 0 {
                logger.info(
                    "old journal entries deleted",
                    metadata: [
                        "retention": "\(retention.shortDescription)", "pruned.events": "\(report.events)",
                        "pruned.scans": "\(report.scans)", "pruned.deliveries": "\(report.deliveries)",
                    ])
            }
        } catch is CancellationError {
        } catch {
            logger.warning("journal retention pass failed; will try again", metadata: ["error": "\(error)"])
        }
    }
}
