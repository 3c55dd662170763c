import GRDB

extension AppDatabase {
    /// Every schema change, in order. Released migrations are frozen: add new ones, never edit these.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-event-journal") { db in
            try db.create(table: "event") { table in
                table.autoIncrementedPrimaryKey("sequence")
                table.column("id", .text).notNull().unique()
                table.column("received_at", .double).notNull()
                table.column("source", .text).notNull()
                table.column("kind", .text).notNull()
                table.column("paths", .text).notNull()
                table.column("previous_paths", .text).notNull()
                table.column("media", .text).notNull()
                table.column("user", .text)
                table.column("player", .text)
                table.column("ignored_reason", .text)
                table.column("endpoint", .text)
                table.column("raw", .blob).notNull()
                table.column("dispatched_at", .double)
            }
            try db.execute(sql: "CREATE INDEX event_pending ON event(sequence) WHERE dispatched_at IS NULL")
            try db.create(index: "event_source_kind", on: "event", columns: ["source", "kind"])
            try db.create(index: "event_received_at", on: "event", columns: ["received_at"])
        }
        return migrator
    }
}
