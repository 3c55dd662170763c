import Foundation
import GRDB
import GRDBSQLite
import HeraldCore

/// Inserts journal events by binding and stepping GRDB's cached statement directly.
///
/// Why: the journal writer inserts every webhook. GRDB's general path (an array of existential
/// arguments, each converted to a `DatabaseValue`, and the checks around every execution) cost
/// about as much CPU as SQLite's own insert of the row. The statement is still prepared and cached
/// by GRDB and each value is bound by GRDB's own `bind(to:at:)`, so values are stored exactly as
/// before; only the per-row bookkeeping is skipped. The statement is left reset, as GRDB expects.
enum EventInsert {
    static let sql = """
        INSERT INTO event (id, received_at, source, kind, paths, previous_paths, media, user, player,
        ignored_reason, endpoint, raw, thumb) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Inserts the events in order and returns their sequence numbers (row ids).
    static func run<Events: Collection<Event>>(_ events: Events, _ db: Database) throws -> [Int64] {
        let handle = try db.cachedStatement(sql: sql).sqliteStatement
        sqlite3_reset(handle)
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        var sequences: [Int64] = []
        sequences.reserveCapacity(events.count)
        for event in events {
            // The first failing bind is reported; no array of result codes is built per row.
            var failed = SQLITE_OK
            func note(_ code: CInt) { if failed == SQLITE_OK { failed = code } }
            note(event.id.bind(to: handle, at: 1))
            note(event.receivedAt.timeIntervalSince1970.bind(to: handle, at: 2))
            note(event.source.rawValue.bind(to: handle, at: 3))
            note(event.kind.bind(to: handle, at: 4))
            note(JSONText.array(event.paths).bind(to: handle, at: 5))
            note(JSONText.array(event.previousPaths).bind(to: handle, at: 6))
            note(event.media.jsonText.bind(to: handle, at: 7))
            note(bind(event.user, handle, 8))
            note(bind(event.player, handle, 9))
            note(bind(event.ignoredReason, handle, 10))
            note(bind(event.endpoint, handle, 11))
            note(event.raw.bind(to: handle, at: 12))
            note(bind(event.thumb, handle, 13))
            if failed != SQLITE_OK { throw error(failed, db) }
            let code = sqlite3_step(handle)
            guard code == SQLITE_DONE else { throw error(code, db) }
            sequences.append(sqlite3_last_insert_rowid(db.sqliteConnection))
            sqlite3_reset(handle)
        }
        return sequences
    }

    private static func bind(_ value: (some StatementBinding)?, _ handle: SQLiteStatement, _ index: CInt) -> CInt {
        guard let value else { return sqlite3_bind_null(handle, index) }
        return value.bind(to: handle, at: index)
    }

    private static func error(_ code: CInt, _ db: Database) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
            sql: sql)
    }
}
