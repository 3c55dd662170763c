import Foundation
import HeraldCore
import HeraldPlex
import HeraldStore
import Logging
import ServiceLifecycle

/// Syncs each Plex server that asks for it (`plex.NAME.inventory`): in full shortly after start
/// and then every `every`; in between, only what Plex changed since the last sync, every
/// `incremental_every` and `incremental_delay` after a `plex.library.new` or a completed scan
/// (`wakes`). Tautulli's history follows each sync.
struct InventoryService: Service {
    let database: AppDatabase
    let servers: [PlexServerSettings]
    let clients: [String: any PlexServerClient]
    /// Tautulli's history is synced after each server's library (nil: no watch history).
    var history: HistorySync?
    let logger: Logger
    let now: @Sendable () -> Date
    var firstDelay: Duration = .seconds(30)
    /// Woken when the library changed (`InventoryService.isTrigger`): one signal per server, since
    /// a `WakeSignal` has exactly one waiter (`InventoryService.wakes(for:)` makes them).
    let wakes: [String: WakeSignal]

    /// One wake-up signal for each server's sync loop.
    static func wakes(for servers: [PlexServerSettings]) -> [String: WakeSignal] {
        Dictionary(servers.map { ($0.name, WakeSignal()) }) { first, _ in first }
    }

    /// Event kinds after which the changed items are fetched.
    static func isTrigger(_ kind: String) -> Bool {
        kind == "plex.library.new" || kind == "herald.scan.completed"
    }

    func run() async throws {
        let scheduled = servers.filter { $0.inventory != nil && clients[$0.name] != nil }
        guard !scheduled.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for server in scheduled {
                    guard let schedule = server.inventory, let client = clients[server.name],
                        let wake = wakes[server.name]
                    else { continue }
                    group.addTask {
                        try? await Task.sleep(for: firstDelay)
                        while !Task.isCancelled {
                            // Plex's clock may differ from ours: changes are asked for from a little
                            // before the last sync started.
                            let started = now().addingTimeInterval(-300)
                            await sync(server, client: client, pageSize: schedule.pageSize)
                            await syncHistory()
                            var since = started
                            let nextFull = ContinuousClock.now + schedule.every
                            while !Task.isCancelled, ContinuousClock.now < nextFull {
                                let woken = await wake.waitReportingWake(
                                    for: min(schedule.incrementalEvery, nextFull - ContinuousClock.now))
                                if woken { try? await Task.sleep(for: schedule.incrementalDelay) }
                                guard !Task.isCancelled, ContinuousClock.now < nextFull else { break }
                                let start = now().addingTimeInterval(-300)
                                if await syncChanges(server, client: client, pageSize: schedule.pageSize, since: since)
                                {
                                    since = start
                                }
                                await syncHistory()
                            }
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

    /// Fetches what Plex changed since `since`; true when every section answered.
    private func syncChanges(
        _ server: PlexServerSettings, client: any PlexServerClient, pageSize: Int, since: Date
    ) async -> Bool {
        let sync = InventorySync(database: database, client: client, server: server.name, pageSize: pageSize, now: now)
        do {
            let reports = try await sync.runIncremental(since: since)
            let failed = reports.filter { $0.error != nil }
            logger.log(
                level: failed.isEmpty ? .debug : .warning,
                failed.isEmpty ? "library changes synced" : "library changes partly synced; tried again next time",
                metadata: [
                    "plex.server": "\(server.name)", "inventory.items": "\(reports.map(\.items).reduce(0, +))",
                    "inventory.failed": "\(failed.count)",
                ])
            return failed.isEmpty
        } catch {
            logger.warning(
                "library changes not synced", metadata: ["plex.server": "\(server.name)", "error": "\(error)"])
            return false
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
