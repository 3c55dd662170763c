import Foundation
import GRDB
import HeraldCore
import Testing

@testable import HeraldStore

@Suite struct DispatchMarkMigrationTests {
    /// A journal written before dispatch marks (a `dispatched_at` per event) keeps every event's
    /// dispatch time and its pending events after the upgrade.
    @Test func perEventDispatchTimesBecomeMarks() async throws {
        let queue = try DatabaseQueue()
        try AppDatabase.migrator.migrate(queue, upTo: "v13-scan-queue-generation")
        try await queue.write { db in
            for sequence in 1...5 {
                // Two dispatch batches (1-2 at t=10, 3-4 at t=20); event 5 still pending.
                let dispatched: Double? = sequence <= 2 ? 10 : (sequence <= 4 ? 20 : nil)
                try db.execute(
                    sql: """
                        INSERT INTO event (sequence, id, received_at, source, kind, paths, previous_paths, media, raw,
                        dispatched_at) VALUES (?, ?, ?, 'fs', 'fs.created', '[]', '[]', '{"episodes":[],"guids":{}}', x'', ?)
                        """,
                    arguments: [sequence, "e\(sequence)", Double(sequence), dispatched])
            }
        }
        let database = try AppDatabase(queue)
        let entries = try await database.events(matching: EventFilter())
        #expect(entries.map(\.sequence) == [5, 4, 3, 2, 1])
        #expect(entries.map { $0.dispatchedAt?.timeIntervalSince1970 } == [nil, 20, 20, 10, 10])
        #expect(try await database.eventCount(pendingOnly: true) == 1)
        let (count, last) = try await database.dispatchPending(limit: 10) { entries in
            #expect(entries.map(\.sequence) == [5])
            return DispatchWork()
        }
        #expect(count == 1 && last == 5)
    }
}
