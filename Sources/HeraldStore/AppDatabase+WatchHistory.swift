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
        try await writer.read { db in
            try String.fetchOne(
                db, sql: "SELECT status FROM history_sync WHERE status != 'running' ORDER BY id DESC LIMIT 1")
                != "ok"
        }
    }

    /// Watch statistics per Plex GUID (optionally for one user).
    public func watchStats(user: String? = nil) async throws -> [String: WatchStats] {
        try await writer.read { db in
            let filter = user == nil ? "" : "AND user = ?"
            var stats: [String: WatchStats] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT guid, COUNT(*) AS plays, SUM(watched_status >= 1) AS completed, MAX(started) AS last_played,
                    MAX(CASE WHEN watched_status >= 1 THEN COALESCE(stopped, started) END) AS last_watched,
                    SUM(duration) AS watch_time FROM watch_history WHERE guid IS NOT NULL \(filter) GROUP BY guid
                    """, arguments: user.map { [$0] } ?? [])
            {
                stats[row["guid"]] = WatchStats(
                    plays: row["plays"], completed: row["completed"],
                    lastPlayed: (row["last_played"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    lastWatched: (row["last_watched"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    watchTime: row["watch_time"])
            }
            return stats
        }
    }
}
