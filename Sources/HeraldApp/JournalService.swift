import HeraldStore
import Logging
import ServiceLifecycle

/// Runs the group-commit journal writer, and closes the database once it has drained.
///
/// Placed first in the service group so it shuts down last: by then the HTTP server has answered
/// its in-flight requests and the dispatcher has stopped, so every acknowledged event is on disk.
struct JournalService: Service {
    let writer: JournalWriter
    let database: AppDatabase
    let logger: Logger

    func run() async throws {
        await withGracefulShutdownHandler {
            await writer.run()
        } onGracefulShutdown: {
            writer.close()
        }
        do {
            try database.close()
            logger.info("journal flushed and database closed")
        } catch {
            logger.error("closing the database failed", metadata: ["error": "\(error)"])
        }
    }
}
