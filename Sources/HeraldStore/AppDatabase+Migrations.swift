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
        migrator.registerMigration("v2-scan-queue") { db in
            try db.create(table: "scan_request") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("server", .text).notNull()
                table.column("section", .text).notNull()
                table.column("folder", .text).notNull()
                table.column("first_seen", .double).notNull()
                table.column("deadline", .double).notNull()
                table.column("max_deadline", .double).notNull()
                table.column("priority", .integer).notNull().defaults(to: 0)
                table.column("attempts", .integer).notNull().defaults(to: 0)
                table.column("next_attempt", .double)
                table.column("status", .text).notNull().defaults(to: "pending")
                table.column("last_error", .text)
                table.column("issued_at", .double)
                table.column("event_id", .text)
                table.column("rule", .text)
            }
            try db.execute(
                sql: """
                    CREATE UNIQUE INDEX scan_request_pending_key ON scan_request(server, section, folder)
                    WHERE status = 'pending'
                    """)
            try db.execute(sql: "CREATE INDEX scan_request_due ON scan_request(server, status, deadline)")
            try db.create(table: "plex_section") { table in
                table.column("server", .text).notNull()
                table.column("key", .text).notNull()
                table.column("title", .text).notNull()
                table.column("type", .text).notNull()
                table.column("locations", .text).notNull()
                table.column("fetched_at", .double).notNull()
                table.primaryKey(["server", "key"])
            }
        }
        migrator.registerMigration("v3-scan-gate") { db in
            try db.alter(table: "scan_request") { table in
                table.add(column: "local_folder", .text)
                table.add(column: "gate_checks", .integer).notNull().defaults(to: 0)
            }
        }
        migrator.registerMigration("v4-notification-outbox") { db in
            try db.create(table: "delivery") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("key", .text).notNull().unique()
                table.column("channel", .text).notNull()
                table.column("rule", .text).notNull()
                table.column("event_id", .text).notNull()
                table.column("template", .text).notNull()
                table.column("severity", .text).notNull()
                table.column("group_key", .text)
                table.column("cooldown_key", .text)
                table.column("items", .text).notNull()
                table.column("created_at", .double).notNull()
                table.column("due_at", .double).notNull()
                table.column("expires_at", .double).notNull()
                table.column("state", .text).notNull().defaults(to: "pending")
                table.column("attempts", .integer).notNull().defaults(to: 0)
                table.column("parts_sent", .integer).notNull().defaults(to: 0)
                table.column("last_error", .text)
                table.column("finished_at", .double)
            }
            try db.execute(sql: "CREATE INDEX delivery_lane ON delivery(channel, state, due_at, id)")
            try db.execute(
                sql: "CREATE INDEX delivery_group ON delivery(channel, rule, group_key) WHERE state = 'pending'")
            try db.execute(sql: "CREATE INDEX delivery_cooldown ON delivery(channel, rule, cooldown_key, created_at)")
            try db.create(table: "notify_channel") { table in
                table.primaryKey("name", .text)
                table.column("fingerprint", .text).notNull()
                table.column("blocked_until", .double)
                table.column("disabled_reason", .text)
                table.column("telegram_chat", .text)
            }
        }
        migrator.registerMigration("v5-event-thumb") { db in
            try db.alter(table: "event") { table in table.add(column: "thumb", .blob) }
        }
        migrator.registerMigration("v6-inventory") { db in
            try db.create(table: "inventory_item") { table in
                // The same film can be in two sections (an HD and a 4K library): one row for each.
                table.column("guid", .text).notNull()
                table.column("server", .text).notNull()
                table.column("section", .text).notNull()
                table.primaryKey(["guid", "server", "section"])
                table.column("kind", .text).notNull()
                table.column("show_guid", .text)
                table.column("added_at", .double)
                table.column("size", .integer).notNull()
                table.column("item", .text).notNull()
                table.column("seen_run", .integer).notNull()
                table.column("unknown_run", .integer)
            }
            try db.create(index: "inventory_scope", on: "inventory_item", columns: ["server", "section", "kind"])
            try db.create(index: "inventory_show", on: "inventory_item", columns: ["show_guid"])
            try db.create(table: "inventory_sync") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("server", .text).notNull()
                table.column("section", .text).notNull()
                table.column("kind", .text).notNull()
                table.column("started_at", .double).notNull()
                table.column("finished_at", .double)
                table.column("status", .text).notNull()
                table.column("items", .integer).notNull().defaults(to: 0)
                table.column("error", .text)
            }
        }
        migrator.registerMigration("v7-watch-history") { db in
            try db.create(table: "watch_history") { table in
                table.primaryKey("row_id", .integer)
                table.column("guid", .text)
                table.column("rating_key", .text)
                table.column("grandparent_rating_key", .text)
                table.column("media_type", .text).notNull()
                table.column("user", .text).notNull()
                table.column("user_id", .integer)
                table.column("started", .double).notNull()
                table.column("stopped", .double)
                table.column("duration", .integer).notNull()
                table.column("percent_complete", .integer)
                table.column("watched_status", .double).notNull()
            }
            try db.create(index: "watch_history_guid", on: "watch_history", columns: ["guid"])
            try db.create(table: "history_sync") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("started_at", .double).notNull()
                table.column("finished_at", .double)
                table.column("status", .text).notNull()
                table.column("rows", .integer).notNull().defaults(to: 0)
                table.column("error", .text)
            }
        }
        migrator.registerMigration("v8-candidates") { db in
            try db.create(table: "candidate") { table in
                table.column("rule", .text).notNull()
                table.column("subject", .text).notNull()
                table.column("scope", .text).notNull()
                table.column("title", .text).notNull()
                table.column("size", .integer).notNull()
                table.column("reason", .text).notNull()
                table.column("state", .text).notNull().defaults(to: "flagged")
                table.column("flagged_at", .double).notNull()
                table.column("due_at", .double).notNull()
                table.column("updated_at", .double).notNull()
                table.primaryKey(["rule", "subject"])
            }
        }
        migrator.registerMigration("v9-candidate-keep") { db in
            try db.create(table: "candidate_keep") { table in
                table.column("subject", .text).notNull().primaryKey()
                table.column("kept_at", .double).notNull()
                table.column("note", .text)
            }
        }
        migrator.registerMigration("v10-cleanup-actions") { db in
            try db.alter(table: "candidate") { table in
                table.add(column: "approved_at", .double)
            }
            // One row per archive or delete, written before the first file is touched, so a crash in
            // between is finished at the next start, and an archive can be undone.
            try db.create(table: "cleanup_action") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("rule", .text).notNull()
                table.column("subject", .text).notNull()
                table.column("title", .text).notNull()
                table.column("action", .text).notNull()
                table.column("state", .text).notNull()
                table.column("files", .text).notNull()
                table.column("scans", .text).notNull()
                table.column("size", .integer).notNull()
                table.column("reason", .text).notNull()
                table.column("started_at", .double).notNull()
                table.column("finished_at", .double)
                table.column("restored_at", .double)
                table.column("error", .text)
            }
            try db.create(index: "cleanup_action_state", on: "cleanup_action", columns: ["state"])
        }
        migrator.registerMigration("v11-watch-stats") { db in
            // Per-item totals of the watch history, kept up to date as history is stored, so a cleanup
            // pass joins them by key instead of aggregating the whole history every time.
            try db.execute(
                sql: """
                    CREATE TABLE watch_stats (guid TEXT PRIMARY KEY NOT NULL, plays INTEGER NOT NULL,
                    completed INTEGER NOT NULL, last_played REAL, last_watched REAL, watch_time INTEGER NOT NULL)
                    WITHOUT ROWID
                    """)
            try db.execute(sql: "INSERT INTO watch_stats " + AppDatabase.watchStatsSelect + " GROUP BY guid")
        }
        migrator.registerMigration("v12-candidate-added") { db in
            try db.alter(table: "candidate") { table in table.add(column: "added_at", .double) }
        }
        migrator.registerMigration("v13-scan-queue-generation") { db in
            // Counts the changes to the scan queue, whoever makes them: the dispatcher keeps the
            // pending scans it coalesces against in memory between batches while the count has
            // not moved (`ScanQueueCache`). Inserts and deletes are counted by triggers, so that
            // retention and other processes are too; updates are counted by the statements that
            // make them (`AppDatabase.countScanQueueChange`), because an update trigger, even one
            // whose WHEN is false, cost a tenth of dispatch on a burst's thousand updates a batch.
            try db.execute(
                sql: """
                    CREATE TABLE scan_queue_generation (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
                    INSERT INTO scan_queue_generation (id, value) VALUES (1, 0);
                    CREATE TRIGGER scan_request_inserted AFTER INSERT ON scan_request
                    BEGIN UPDATE scan_queue_generation SET value = value + 1 WHERE id = 1; END;
                    CREATE TRIGGER scan_request_deleted AFTER DELETE ON scan_request
                    BEGIN UPDATE scan_queue_generation SET value = value + 1 WHERE id = 1; END;
                    """)
        }
        migrator.registerMigration("v14-dispatch-marks") { db in
            // Events are dispatched strictly in sequence order, so "dispatched" is a watermark:
            // one row per dispatch transaction (its last sequence and time) instead of an update of
            // every event row. The update rewrote each event's page (its raw body included) a
            // second time into the log, and again at the checkpoint, for one timestamp.
            try db.execute(
                sql: """
                    CREATE TABLE event_dispatch (last_sequence INTEGER PRIMARY KEY, dispatched_at REAL NOT NULL);
                    INSERT INTO event_dispatch (last_sequence, dispatched_at)
                    SELECT MAX(sequence), dispatched_at FROM event WHERE dispatched_at IS NOT NULL GROUP BY dispatched_at;
                    DROP INDEX event_pending;
                    ALTER TABLE event DROP COLUMN dispatched_at;
                    """)
        }
        migrator.registerMigration("v15-event-write-path") { db in
            // Each index on the journal was a second b-tree insert per webhook and one more page
            // in every commit and checkpoint (BENCHMARKS.md, "journal"). Times are found by
            // bisecting sequence numbers instead (events are journalled in arrival order), and
            // source and kind filters read the newest events first, which is what they list.
            try db.execute(sql: "DROP INDEX event_source_kind; DROP INDEX event_received_at")
        }
        migrator.registerMigration("v16-poster-index") { db in
            // The unique index on event ids was a second b-tree insert per webhook and one more
            // page in every commit and checkpoint (~2.6 µs of CPU per webhook, BENCHMARKS.md).
            // Ids are unique by construction (`EventID`: a time prefix and a per-process bijective
            // counter), and only kept posters are ever looked up by id, so only they are indexed.
            // SQLite cannot drop a column's UNIQUE constraint: the table is rebuilt, once.
            let next = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'event'")
            let columns = """
                sequence, id, received_at, source, kind, paths, previous_paths, media, user, player, ignored_reason,
                endpoint, raw, thumb
                """
            try db.execute(
                sql: """
                    CREATE TABLE event_new (
                        sequence INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, received_at DOUBLE NOT NULL,
                        source TEXT NOT NULL, kind TEXT NOT NULL, paths TEXT NOT NULL, previous_paths TEXT NOT NULL,
                        media TEXT NOT NULL, user TEXT, player TEXT, ignored_reason TEXT, endpoint TEXT,
                        raw BLOB NOT NULL, thumb BLOB);
                    INSERT INTO event_new (\(columns)) SELECT \(columns) FROM event;
                    DROP TABLE event;
                    ALTER TABLE event_new RENAME TO event;
                    CREATE INDEX event_poster ON event(id) WHERE thumb IS NOT NULL;
                    """)
            // Sequence numbers never go back, even past events deleted from the end.
            if let next {
                try db.execute(
                    sql: "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'event'", arguments: [next])
            }
        }
        migrator.registerMigration("v17-no-scan-queue-generation") { db in
            // The dispatcher reads the pending scans of each batch from the table again: the
            // change count that let it keep them in memory between batches goes, with its triggers.
            try db.execute(
                sql: """
                    DROP TRIGGER scan_request_inserted;
                    DROP TRIGGER scan_request_deleted;
                    DROP TABLE scan_queue_generation;
                    """)
        }
        migrator.registerMigration("v18-event-failure") { db in
            // Events whose consequences could not be recorded after several attempts: the
            // dispatcher gives up on them (and says so) rather than stopping for everything behind.
            try db.execute(
                sql: """
                    CREATE TABLE event_failure (
                        sequence INTEGER PRIMARY KEY, reason TEXT NOT NULL, failed_at REAL NOT NULL)
                    """)
        }
        return migrator
    }
}
