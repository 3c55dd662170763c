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
    static func scheduleScans(
        _ db: Database, event: Event, spec: ScanActionSpec, servers: [PlexServerSettings],
        sections: [String: [PlexSection]], rule: String, now: Date
    ) throws -> Int {
        let batch = ScanBatch(db)
        let count = try batch.schedule(
            event: event, spec: spec, servers: servers, sections: sections, rule: rule, now: now)
        try batch.flush()
        return count
    }
}
