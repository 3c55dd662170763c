import HeraldStore
import Logging
import ServiceLifecycle

/// Runs the group-commit journal writer, closes the database once it has drained, and then lets
/// the state directory's lock go.
///
/// Placed first in the service group so it shuts down last: by then the HTTP server has answered
/// its in-flight requests and the dispatcher has stopped, so every acknowledged event is on disk.
struct JournalService: Service {
    let writer: JournalWriter
    let database: AppDatabase
    let stateLock: StateLock
    let logger: Logger

    func run() async throws {
        // Closed on a graceful shutdown and on cancellation alike: the writer's thread ends once
        // it has committed what it holds, and a group cancelled because another service failed
        // to start must not wait for it past its cancellation deadline.
        await withTaskCancellationOrGracefulShutdownHandler {
            await writer.run()
        } onCancelOrGracefulShutdown: {
            writer.close()
        }
        do {
            try database.close()
            logger.info("journal flushed and database closed")
        } catch {
            logger.error("closing the database failed", metadata: ["error": "\(error)"])
        }
        stateLock.release()
    }
}
