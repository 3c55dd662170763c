import Foundation
import HeraldCore
import HeraldPlex
import HeraldStore
import Logging
import ServiceLifecycle

/// Syncs each Plex server that asks for it (`plex.NAME.inventory`) on its schedule: the first
/// time shortly after start, then every `every`.
struct InventoryService: Service {
    let database: AppDatabase
    let servers: [PlexServerSettings]
    let clients: [String: any PlexServerClient]
    /// Tautulli's history is synced after each server's library (nil: no watch history).
    var history: HistorySync?
    let logger: Logger
    let now: @Sendable () -> Date
    var firstDelay: Duration = .seconds(30)

    func run() async throws {
        let scheduled = servers.filter { $0.inventory != nil && clients[$0.name] != nil }
        guard !scheduled.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for server in scheduled {
                    guard let schedule = server.inventory, let client = clients[server.name] else { continue }
                    group.addTask {
                        try? await Task.sleep(for: firstDelay)
                        while !Task.isCancelled {
                            await sync(server, client: client, pageSize: schedule.pageSize)
                            await syncHistory()
                            try? await Task.sleep(for: schedule.every)
                        }
                    }
                }
            }
        }
    }

    private func syncHistory() async {
        guard let history else { return }
        do {
            let report = try await history.run()
            if let error = report.error {
                logger.warning(
                    "Tautulli history not synced; watch data is unknown until it is",
                    metadata: ["error": "\(error)", "history.rows": "\(report.rows)"])
            } else {
                logger.info("Tautulli history synced", metadata: ["history.rows": "\(report.rows)"])
            }
        } catch {
            logger.warning("Tautulli history not synced", metadata: ["error": "\(error)"])
        }
    }

    private func sync(_ server: PlexServerSettings, client: any PlexServerClient, pageSize: Int) async {
        let started = ContinuousClock.now
        let sync = InventorySync(database: database, client: client, server: server.name, pageSize: pageSize, now: now)
        do {
            let reports = try await sync.run()
            let failed = reports.filter { $0.error != nil }
            let metadata: Logger.Metadata = [
                "plex.server": "\(server.name)", "inventory.items": "\(reports.map(\.items).reduce(0, +))",
                "inventory.sections": "\(reports.count)", "inventory.failed": "\(failed.count)",
                "duration.ms": "\((ContinuousClock.now - started).milliseconds)",
            ]
            if failed.isEmpty {
                logger.info("library inventory synced", metadata: metadata)
            } else {
                logger.warning(
                    "library inventory partly synced; the failed sections keep their last data, marked unknown",
                    metadata: metadata.merging(["errors": "\(failed.compactMap(\.error).joined(separator: "; "))"]) {
                        $1
                    })
            }
        } catch {
            logger.warning(
                "library inventory not synced: Plex's sections could not be listed; the last data stays",
                metadata: ["plex.server": "\(server.name)", "error": "\(error)"])
        }
    }
}
