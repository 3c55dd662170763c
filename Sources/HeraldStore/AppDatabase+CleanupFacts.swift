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
            let historyUnknown = try Self.historyUnknown(db)
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
                try update(
                    &state,
                    CleanupFacts(
                        item: item, watch: Self.watchStats(row, from: 2), inventoryUnknown: (row[1] as Int64?) != nil,
                        historyUnknown: historyUnknown))
            }
            return state
        }
    }
}
