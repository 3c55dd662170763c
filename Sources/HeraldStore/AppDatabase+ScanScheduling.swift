import Foundation
import GRDB
import HeraldCore

extension AppDatabase {
    /// Queues the scans a `scan` action asks for, inside the dispatch transaction.
    ///
    /// Each path of the event becomes a folder (files → their folder, deletions → the folder that
    /// held them), rewritten to Plex's view, matched against the server's stored sections, and
    /// coalesced with what is already pending. A folder no stored section contains is queued without
    /// a section; the scan worker refreshes the section list and decides.
    ///
    /// - Parameters:
    ///   - sections: Each server's stored sections, read once per batch.
    /// - Returns: How many (server, section, folder) requests were queued or merged.
    @discardableResult
    public static func scheduleScans(
        _ db: Database, event: Event, spec: ScanActionSpec, servers: [PlexServerSettings],
        sections: [String: [PlexSection]], rule: String, now: Date
    ) throws -> Int {
        // Internal events (scan.issued, …) never cause scans: that would loop.
        guard event.source != .herald else { return 0 }
        var count = 0
        for server in servers where spec.servers.isEmpty || spec.servers.contains(server.name) {
            for folder in ScanPlanner.folders(for: event, server: server) {
                let matched = ScanPlanner.sections(for: folder, in: sections[server.name] ?? []).map(\.key)
                for section in matched.isEmpty ? [""] : matched {
                    let pending = try pendingScans(db, server: server.name, section: section)
                    let changes = ScanCoalescer.enqueue(
                        server: server.name, section: section, folder: folder, spec: spec, now: now, pending: pending)
                    try apply(changes, db, eventID: event.id, rule: rule)
                    count += 1
                }
            }
        }
        return count
    }
}
