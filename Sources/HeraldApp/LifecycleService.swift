import Foundation
import Logging
import ServiceLifecycle

/// Tells systemd and `/readyz` about the daemon's life: WATCHDOG pings while running, STOPPING
/// (and not ready) as soon as a graceful shutdown begins. READY is sent by the HTTP server once
/// it is bound.
///
/// It is the last service of the group, so it is the first to hear of a shutdown, before the HTTP
/// server stops accepting connections.
struct LifecycleService: Service {
    let readiness: Readiness
    let notifier: SystemdNotifier
    let watchdogInterval: Duration?
    let logger: Logger

    func run() async throws {
        await withGracefulShutdownHandler {
            try? await cancelWhenGracefulShutdown {
                guard let interval = watchdogInterval else { return try await gracefulShutdown() }
                // systemd recommends pinging at half the configured interval.
                while true {
                    notifier.notify("WATCHDOG=1")
                    try await Task.sleep(for: interval / 2)
                }
            }
        } onGracefulShutdown: {
            readiness.shutdownBegan()
            notifier.notify("STOPPING=1")
            logger.info("shutting down: no new requests, finishing those in flight")
        }
    }
}
