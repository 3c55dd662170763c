import Foundation
import GRDB
import HeraldCore

extension AppDatabase {
    /// Feeds what cleanup rules need of every stored item (the item, its watch statistics, whether
    /// each source could be read) to `update`, one item at a time, in one read transaction, and
    /// returns the final state. Nothing but `state` is kept: the library is never in memory at
    /// once. Episodes come grouped by show GUID (movies and episodes without one first).
    /// Repeated strings (servers, sections, show and season GUIDs, codecs, labels) are shared
    /// between items instead of held once per episode.
    public func reduceCleanupFacts<State: Sendable>(
        into initial: State, _ update: @Sendable (inout State, CleanupFacts) throws -> Void
    ) async throws -> State {
        try await writer.read { db in
            let historyUnknown =
                try String.fetchOne(
                    db, sql: "SELECT status FROM history_sync WHERE status != 'running' ORDER BY id DESC LIMIT 1")
                != "ok"
            var state = initial
            let table = InventoryItemCodec.StringTable()
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT i.item, i.unknown_run, s.plays, s.completed, s.last_played, s.last_watched, s.watch_time
                    FROM inventory_item i LEFT JOIN watch_stats s ON s.guid = i.guid
                    ORDER BY i.show_guid
                    """)
            while let row = try rows.next() {
                let item = try Self.decodeItem(row, index: 0, table: table)
                let plays: Int? = row[2]
                let watch = plays.map { plays in
                    WatchStats(
                        plays: plays, completed: row[3] ?? 0,
                        lastPlayed: (row[4] as Double?).map(Date.init(timeIntervalSince1970:)),
                        lastWatched: (row[5] as Double?).map(Date.init(timeIntervalSince1970:)),
                        watchTime: row[6] ?? 0)
                }
                try update(
                    &state,
                    CleanupFacts(
                        item: item, watch: watch, inventoryUnknown: (row[1] as Int64?) != nil,
                        historyUnknown: historyUnknown))
            }
            return state
        }
    }

    /// Every item's facts at once (for tools and tests; passes over the library use `reduceCleanupFacts`).
    public func cleanupFacts() async throws -> [CleanupFacts] {
        try await reduceCleanupFacts(into: [CleanupFacts]()) { $0.append($1) }
    }
}
