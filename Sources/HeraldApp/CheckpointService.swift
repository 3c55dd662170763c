import HeraldStore
import Logging
import ServiceLifecycle

/// Runs the journal's WAL checkpoints in the background, so no webhook waits for one.
struct CheckpointService: Service {
    let checkpointer: WALCheckpointer
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
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
}
