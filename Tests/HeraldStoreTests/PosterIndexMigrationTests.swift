import Foundation
import GRDB
import HeraldCore
import HeraldTestSupport
import Testing

@testable import HeraldStore

@Suite struct PosterIndexMigrationTests {
    /// A journal from before v16 keeps its events, their sequence numbers and where the next one
    /// starts; only kept posters are indexed by event id afterwards.
    @Test func theRebuiltJournalKeepsEventsAndSequencesAndIndexesOnlyPosters() async throws {
        let queue = try DatabaseQueue()
        try AppDatabase.migrator.migrate(queue, upTo: "v15-event-write-path")
        try await queue.write { db in
            for sequence in 1...4 {
                try db.execute(
                    sql: """
                        INSERT INTO event (sequence, id, received_at, source, kind, paths, previous_paths, media, raw,
                        thumb) VALUES (?, ?, ?, 'plex', 'plex.library.new', '[]', '[]', '{"episodes":[],"guids":{}}',
                        x'7B7D', ?)
                        """,
                    arguments: [sequence, "e\(sequence)", Double(sequence), sequence == 2 ? Data([0xFF, 0xD8]) : nil])
            }
            // The newest event was deleted: its sequence number must not come back.
            try db.execute(sql: "DELETE FROM event WHERE sequence = 4")
        }
        let database = try AppDatabase(queue)
        let entries = try await database.events(matching: EventFilter())
        #expect(entries.map(\.sequence) == [3, 2, 1])
        #expect(entries.map(\.event.id) == ["e3", "e2", "e1"])
        #expect(try await database.thumb(eventID: "e2") == Data([0xFF, 0xD8]))
        #expect(try await database.thumb(eventID: "e1") == nil)
        let (indexes, plan) = try await queue.read { db in
            (
                try String.fetchAll(
                    db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event'"),
                try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN SELECT thumb FROM event WHERE id = 'e2' AND thumb IS NOT NULL"
                ).map { $0["detail"] as String }.joined()
            )
        }
        #expect(indexes == ["event_poster"], "no unique index on every event's id")
        #expect(plan.contains("event_poster"))
        let next = try await database.appendEvents([
            Event(receivedAt: Date(), source: .generic, kind: "generic.x.y", raw: Data("{}".utf8))
        ])
        #expect(next == [5])
    }

    /// The rebuild goes through the write-ahead log whole; opening the journal copies it back and
    /// shrinks the log rather than leaving a file that size beside the database.
    @Test func theRebuildLeavesNoLargeWriteAheadLog() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/herald.sqlite"
        do {
            var configuration = Configuration()
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
            let pool = try DatabasePool(path: path, configuration: configuration)
            try AppDatabase.migrator.migrate(pool, upTo: "v15-event-write-path")
            try await pool.write { db in
                for sequence in 1...200 {
                    try db.execute(
                        sql: """
                            INSERT INTO event (id, received_at, source, kind, paths, previous_paths, media, raw)
                            VALUES (?, 0, 'sonarr', 'sonarr.download', '[]', '[]', '{"episodes":[],"guids":{}}', ?)
                            """,
                        arguments: ["e\(sequence)", Data(repeating: 0x7B, count: 4096)])
                }
            }
            try pool.close()
        }
        let database = try AppDatabase.open(path: path, backgroundCheckpoints: true)
        let walSize = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int
        #expect(walSize == 0)
        #expect(try await database.eventCount() == 200)
        try database.close()
    }
}
