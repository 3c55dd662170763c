import Foundation
import GRDB
import GRDBSQLite
import HeraldCore
import Testing

@testable import HeraldStore

@Suite struct RetentionTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    /// The hourly pass reads the journal only up to the first event it keeps, so its cost does not
    /// grow with the journal (it once read every row of it, each time).
    @Test(arguments: [200, 2_000])
    func aPassThatKeepsEverythingReadsOneRow(events count: Int) async throws {
        let database = try AppDatabase.inMemory()
        let events = (0..<count).map {
            Event(receivedAt: t0.addingTimeInterval(Double($0)), source: .fs, kind: "fs.created")
        }
        _ = try await database.appendEvents(events)
        _ = try await database.dispatchPending(limit: count, now: t0) { _ in DispatchWork() }
        #expect(try await database.prune(before: t0.addingTimeInterval(-1)).events == 0)
        let steps = try await database.writer.write { db in
            sqlite3_stmt_status(
                try db.cachedStatement(sql: AppDatabase.pruneCandidatesSQL).sqliteStatement,
                SQLITE_STMTSTATUS_VM_STEP, 0)
        }
        #expect(steps > 0, "the pass read its candidates with this statement")
        #expect(steps < 60, "SQLite steps for one row and the seek to it, not one per event")
        #expect(try await database.eventCount() == count)
    }

    @Test func onlyFinishedWorkOlderThanTheCutoffIsDeleted() async throws {
        let database = try AppDatabase.inMemory()
        // Three old events (two dispatched, in two batches), one recent dispatched one.
        let old = (0..<3).map { Event(receivedAt: t0.addingTimeInterval(Double($0)), source: .fs, kind: "fs.created") }
        let recent = Event(receivedAt: t0.addingTimeInterval(100), source: .fs, kind: "fs.created")
        _ = try await database.appendEvents([old[0], old[1], recent, old[2]])
        _ = try await database.dispatchPending(limit: 1, now: t0) { _ in DispatchWork() }
        _ = try await database.dispatchPending(limit: 2, now: t0.addingTimeInterval(1)) { _ in DispatchWork() }
        try await database.writer.write { db in
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
        let marks = try await database.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT last_sequence FROM event_dispatch")
        }
        #expect(marks == [3], "the first batch's mark went with its events; the watermark stays")
        let entries = try await database.events(matching: EventFilter())
        #expect(entries.map(\.event.id) == [old[2].id, recent.id])
        #expect(entries.map(\.dispatchedAt) == [nil, t0.addingTimeInterval(1)])
        #expect(try await database.deliveries().map(\.state) == [.pending])
        #expect(try await database.prune(before: t0.addingTimeInterval(50)).total == 0)
    }
}
