import Foundation
import GRDB
import HeraldCore

/// The outcome of one section's sync, as recorded.
public struct InventorySyncRun: Sendable, Equatable {
    public enum Status: String, Sendable { case running, ok, failed }

    public var id: Int64
    public var server: String
    public var section: String
    public var kind: InventoryItem.Kind
    public var status: Status
    public var items: Int
    public var error: String?
}

extension AppDatabase {
    /// The item stored in column `index` of a row (the compact form, or JSON from older versions).
    static func decodeItem(
        _ row: Row, index: Int, table: InventoryItemCodec.StringTable? = nil
    ) throws -> InventoryItem {
        try row.withUnsafeData(atIndex: index) { data in
            guard let data else { throw InventoryItemCodec.Malformed(description: "inventory item is empty") }
            return try data.withUnsafeBytes { try InventoryItemCodec.decode($0, table: table) }
        }
    }

    /// Opens a sync run of one section and kind; its id marks every item it sees.
    public func beginInventorySync(
        server: String, section: String, kind: InventoryItem.Kind, now: Date
    ) async throws
        -> Int64
    {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO inventory_sync (server, section, kind, started_at, status) VALUES (?, ?, ?, ?, 'running')
                    """, arguments: [server, section, kind.rawValue, now.timeIntervalSince1970])
            return db.lastInsertedRowID
        }
    }

    /// An item's columns of `inventory_item`, from `guid` to `item` (the stored form).
    private static func inventoryColumns(_ item: InventoryItem) -> StatementArguments {
        [
            item.guid, item.server, item.section, item.kind.rawValue, item.showGUID,
            item.addedAt?.timeIntervalSince1970,
            item.size, Data(InventoryItemCodec.encode(item)),
        ]
    }

    /// Stores a page of items seen by a run (inserted, or replaced by GUID), in one transaction
    /// committed without fsync: the inventory is rebuilt by the next sync if a power loss undoes it.
    public func storeInventoryPage(_ items: [InventoryItem], run: Int64) async throws {
        let rows = items.map { Self.inventoryColumns($0) + [run] }
        try await relaxedWrite { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO inventory_item (guid, server, section, kind, show_guid, added_at, size, item,
                    seen_run, unknown_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
                    """)
            for arguments in rows { try statement.execute(arguments: arguments) }
        }
    }

    /// Stores items an incremental sync fetched (those Plex changed since the last sync): inserted,
    /// or updated in place keeping the run that last saw them, and known again if they were unknown.
    public func storeChangedInventoryItems(_ items: [InventoryItem]) async throws {
        let rows = items.map(Self.inventoryColumns)
        try await relaxedWrite { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO inventory_item (guid, server, section, kind, show_guid, added_at, size, item, seen_run,
                    unknown_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, NULL)
                    ON CONFLICT (guid, server, section) DO UPDATE SET kind = excluded.kind,
                    show_guid = excluded.show_guid, added_at = excluded.added_at, size = excluded.size,
                    item = excluded.item, unknown_run = NULL
                    """)
            for arguments in rows { try statement.execute(arguments: arguments) }
        }
    }

    /// Closes a run. A complete run removes the section's items it did not see (Plex no longer
    /// lists them). A failed run keeps every previous item and marks those it did not see as
    /// unknown for this run: missing data never looks like an empty library.
    public func finishInventorySync(run: Int64, items: Int, error: String?, now: Date) async throws {
        try await writer.write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT server, section, kind FROM inventory_sync WHERE id = ?", arguments: [run])
            else { return }
            let scope: StatementArguments = [row["server"] as String, row["section"] as String, row["kind"] as String]
            if error == nil {
                try db.execute(
                    sql: "DELETE FROM inventory_item WHERE server = ? AND section = ? AND kind = ? AND seen_run != ?",
                    arguments: scope + [run])
            } else {
                try db.execute(
                    sql: """
                        UPDATE inventory_item SET unknown_run = ? WHERE server = ? AND section = ? AND kind = ?
                        AND seen_run != ?
                        """, arguments: [run] + scope + [run])
            }
            try db.execute(
                sql: "UPDATE inventory_sync SET finished_at = ?, status = ?, items = ?, error = ? WHERE id = ?",
                arguments: [now.timeIntervalSince1970, error == nil ? "ok" : "failed", items, error, run])
        }
    }

    /// The stored items, optionally of one server, with whether each is unknown (its last sync failed).
    public func inventory(server: String? = nil) async throws -> [(item: InventoryItem, unknown: Bool)] {
        try await writer.read { db in
            let filter = server == nil ? "" : "WHERE server = ?"
            return try Row.fetchAll(
                db, sql: "SELECT item, unknown_run FROM inventory_item \(filter) ORDER BY guid",
                arguments: server.map { [$0] } ?? []
            ).map { row in
                (try Self.decodeItem(row, index: 0), (row["unknown_run"] as Int64?) != nil)
            }
        }
    }

    /// How many items are stored, per kind.
    public func inventoryCounts() async throws -> [InventoryItem.Kind: Int] {
        try await writer.read { db in
            var counts: [InventoryItem.Kind: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM inventory_item GROUP BY kind") {
                if let kind = InventoryItem.Kind(rawValue: row["kind"]) { counts[kind] = row["n"] }
            }
            return counts
        }
    }

    /// The latest runs, newest first.
    public func inventorySyncRuns(limit: Int = 20) async throws -> [InventorySyncRun] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM inventory_sync ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
                InventorySyncRun(
                    id: $0["id"], server: $0["server"], section: $0["section"],
                    kind: InventoryItem.Kind(rawValue: $0["kind"]) ?? .movie,
                    status: InventorySyncRun.Status(rawValue: $0["status"]) ?? .failed, items: $0["items"],
                    error: $0["error"])
            }
        }
    }

    /// A write transaction committed with `synchronous = NORMAL` (no fsync), for data that is safe
    /// to lose on power failure because it is rebuilt or only causes a repeat (the outbox's
    /// bookkeeping, the inventory). The connection's setting is restored afterwards.
    func relaxedWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writer.writeWithoutTransaction { db in
            // Cached statements: the dispatcher runs this many times a second under load.
            let synchronous = try Int.fetchOne(db.cachedStatement(sql: "PRAGMA synchronous")) ?? 2
            try db.cachedStatement(sql: "PRAGMA synchronous = NORMAL").execute()
            let outcome = Result { () throws -> T in
                var result: T?
                try db.inTransaction {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
            // The journal's commits share this connection: if its mode cannot be put back and
            // confirmed, every later webhook would lose its fsync without a word. Stop instead.
            do {
                try db.cachedStatement(sql: "PRAGMA synchronous = \(synchronous)").execute()
                let restored = try Int.fetchOne(db.cachedStatement(sql: "PRAGMA synchronous"))
                guard restored == synchronous else {
                    throw StoreError.synchronousNotApplied(expected: synchronous, found: restored)
                }
            } catch {
                durability.lose("synchronous = \(synchronous) could not be restored after a relaxed commit: \(error)")
                throw StoreError.durabilityLost(reason: "\(error)")
            }
            return try outcome.get()
        }
    }
}
