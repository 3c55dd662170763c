import Foundation
import GRDB
import HeraldCore

extension AppDatabase {
    /// Stores history rows (new ones inserted, re-read ones replaced by row id), without fsync: a
    /// power loss only means the next sync reads them again.
    public func storeWatchRecords(_ records: [WatchRecord]) async throws {
        try await relaxedWrite { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO watch_history (row_id, guid, rating_key, grandparent_rating_key, media_type,
                    user, user_id, started, stopped, duration, percent_complete, watched_status)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for record in records {
                try statement.execute(arguments: [
                    record.rowID, record.guid, record.ratingKey, record.grandparentRatingKey, record.mediaType,
                    record.user, record.userID, record.started.timeIntervalSince1970,
                    record.stopped?.timeIntervalSince1970, record.duration, record.percentComplete,
                    record.watchedStatus,
                ])
            }
            // The totals of the items these rows are about, recomputed in the same transaction (all of
            // them at once when most of the history arrived, as in a first sync).
            let guids = Set(records.compactMap(\.guid))
            if guids.count > 5_000 {
                try db.execute(sql: "DELETE FROM watch_stats")
                try db.execute(sql: "INSERT INTO watch_stats " + Self.watchStatsSelect + " GROUP BY guid")
            } else {
                let statement = try db.cachedStatement(
                    sql: "INSERT OR REPLACE INTO watch_stats " + Self.watchStatsSelect + " AND guid = ? GROUP BY guid")
                for guid in guids { try statement.execute(arguments: [guid]) }
            }
        }
    }

    /// The totals in columns `from` to `from + 4` of a row (plays, completed, last played, last
    /// watched, watch time, as `watchStatsSelect` and `watch_stats` order them); nil without plays.
    static func watchStats(_ row: Row, from column: Int) -> WatchStats? {
        guard let plays: Int = row[column] else { return nil }
        return WatchStats(
            plays: plays, completed: row[column + 1] ?? 0,
            lastPlayed: (row[column + 2] as Double?).map(Date.init(timeIntervalSince1970:)),
            lastWatched: (row[column + 3] as Double?).map(Date.init(timeIntervalSince1970:)),
            watchTime: row[column + 4] ?? 0)
    }

    /// The totals of `watch_history` per item, as stored in `watch_stats` (completed views are rows
    /// with `watched_status` = 1; a partial view counts as a play only).
    static let watchStatsSelect = """
        SELECT guid, COUNT(*), SUM(watched_status >= 1), MAX(started),
        MAX(CASE WHEN watched_status >= 1 THEN COALESCE(stopped, started) END), SUM(duration)
        FROM watch_history WHERE guid IS NOT NULL
        """

    /// When the newest stored play started (incremental syncs start a day before it).
    public func latestWatch() async throws -> Date? {
        try await writer.read { db in
            try Double.fetchOne(db, sql: "SELECT MAX(started) FROM watch_history").map(
                Date.init(timeIntervalSince1970:))
        }
    }

    public func beginHistorySync(now: Date) async throws -> Int64 {
        try await writer.write { db in
            try db.execute(
                sql: "INSERT INTO history_sync (started_at, status) VALUES (?, 'running')",
                arguments: [now.timeIntervalSince1970])
            return db.lastInsertedRowID
        }
    }

    public func finishHistorySync(run: Int64, rows: Int, error: String?, now: Date) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE history_sync SET finished_at = ?, status = ?, rows = ?, error = ? WHERE id = ?",
                arguments: [now.timeIntervalSince1970, error == nil ? "ok" : "failed", rows, error, run])
        }
    }

    /// True when the latest history sync failed (or none ever ran): watch data is then unknown, and
    /// nothing may be decided from it.
    public func watchHistoryUnknown() async throws -> Bool {
        try await writer.read { db in try Self.historyUnknown(db) }
    }

    static func historyUnknown(_ db: Database) throws -> Bool {
        try String.fetchOne(
            db, sql: "SELECT status FROM history_sync WHERE status != 'running' ORDER BY id DESC LIMIT 1") != "ok"
    }

    /// Watch statistics per Plex GUID (optionally for one user).
    public func watchStats(user: String? = nil) async throws -> [String: WatchStats] {
        try await writer.read { db in
            var stats: [String: WatchStats] = [:]
            let rows = try Row.fetchCursor(
                db, sql: Self.watchStatsSelect + (user == nil ? "" : " AND user = ?") + " GROUP BY guid",
                arguments: user.map { [$0] } ?? [])
            while let row = try rows.next() {
                stats[row[0]] = Self.watchStats(row, from: 1)
            }
            return stats
        }
    }
}
