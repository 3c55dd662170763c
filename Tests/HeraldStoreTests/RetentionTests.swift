import Foundation
import GRDB
import HeraldCore
import HeraldStore
import Testing

@Suite struct RetentionTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    @Test func onlyFinishedWorkOlderThanTheCutoffIsDeleted() async throws {
        let database = try AppDatabase.inMemory()
        // Three old events (two dispatched), one recent dispatched one.
        let old = (0..<3).map { Event(receivedAt: t0.addingTimeInterval(Double($0)), source: .fs, kind: "fs.created") }
        let recent = Event(receivedAt: t0.addingTimeInterval(100), source: .fs, kind: "fs.created")
        _ = try await database.appendEvents(old + [recent])
        try await database.writer.write { db in
            try db.execute(
                sql: "UPDATE event SET dispatched_at = ? WHERE id != ?",
                arguments: [t0.timeIntervalSince1970, old[2].id])
            for (index, state) in ["sent", "dead", "pending"].enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO delivery (key, channel, rule, event_id, template, severity, items, created_at, due_at,
                        expires_at, state, finished_at) VALUES (?, 'c', 'r', 'e', 'event', 'info', '[]', ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        "k\(index)", t0.timeIntervalSince1970, t0.timeIntervalSince1970, t0.timeIntervalSince1970 + 10,
                        state, state == "pending" ? nil : t0.timeIntervalSince1970,
                    ])
            }
        }
        let report = try await database.prune(before: t0.addingTimeInterval(50), slice: 1)
        #expect(report == RetentionReport(events: 2, scans: 0, deliveries: 2))
        let left = try await database.writer.read { db in try String.fetchAll(db, sql: "SELECT id FROM event") }
        #expect(Set(left) == [old[2].id, recent.id], "undispatched and recent events stay")
        #expect(try await database.deliveries().map(\.state) == [.pending])
        #expect(try await database.prune(before: t0.addingTimeInterval(50)).total == 0)
    }
}
