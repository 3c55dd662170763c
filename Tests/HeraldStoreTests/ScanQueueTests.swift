import Foundation
import GRDB
import HeraldCore
import HeraldTestSupport
import Testing

@testable import HeraldStore

@Suite struct ScanQueueTests {
    let server = PlexServerSettings(name: "home", url: "http://127.0.0.1:9", token: Secret("t"))
    let sections = ["home": [PlexSection(key: "2", title: "TV", type: "show", locations: ["/tv"])]]
    let spec = ScanActionSpec(wait: .seconds(30), maxWait: .seconds(600))
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func event(_ paths: [String], kind: String = "fs.created", source: EventSource = .fs) -> Event {
        Event(source: source, kind: kind, paths: paths)
    }

    @Test func aBatchCoalescesInMemoryAndWritesTheNetResult() async throws {
        let database = try AppDatabase.inMemory()
        try await database.writer.write { db in
            let batch = ScanBatch(db)
            for episode in 1...24 {
                try batch.schedule(
                    event: event(["/tv/Show/Season 1/e\(episode).mkv"]), spec: spec, servers: [server],
                    sections: sections,
                    rule: "r", now: t0.addingTimeInterval(Double(episode)))
            }
            // A new parent in the same batch absorbs the season folder queued moments ago.
            try batch.schedule(
                event: event(["/tv/Show"], kind: "fs.moved"), spec: spec, servers: [server], sections: sections,
                rule: "r", now: t0.addingTimeInterval(30))
            try batch.schedule(
                event: event(["/tv/Other/x.mkv"]), spec: spec, servers: [server], sections: sections, rule: "r", now: t0
            )
            try batch.flush()
        }
        let scans = try await database.scanRequests(server: "home")
        #expect(scans.map(\.scan.folder).sorted() == ["/tv/Other", "/tv/Show"])
        let show = try #require(scans.first { $0.scan.folder == "/tv/Show" })
        #expect(show.scan.firstSeen == t0.addingTimeInterval(1), "the absorbed child's first event counts")
        #expect(show.scan.deadline == t0.addingTimeInterval(60))
        #expect(show.scan.section == "2")
    }

    /// Runs one dispatch-like batch.
    func batch(
        _ database: AppDatabase, _ paths: [String], at second: Double, failing: Bool = false
    ) async throws {
        struct Rollback: Error {}
        do {
            try await database.writer.write { db in
                let batch = ScanBatch(db)
                for path in paths {
                    try batch.schedule(
                        event: event([path]), spec: spec, servers: [server], sections: sections, rule: "r",
                        now: t0.addingTimeInterval(second))
                }
                try batch.flush()
                if failing { throw Rollback() }
            }
        } catch is Rollback {}
    }

    @Test func queuesKeptBetweenBatchesMatchWhatIsStored() async throws {
        let database = try AppDatabase.inMemory()
        try await batch(database, ["/tv/A/e1.mkv", "/tv/B/e1.mkv"], at: 0)
        try await batch(database, ["/tv/A/e2.mkv"], at: 10)
        var scans = try await database.scanRequests(server: "home")
        #expect(scans.count == 2, "the kept scan knew its row and was updated, not inserted again")
        #expect(scans.first { $0.scan.folder == "/tv/A" }?.scan.deadline == t0.addingTimeInterval(40))

        // The worker issues /tv/A: the next batch must not coalesce with the kept, issued scan.
        let issued = try #require(scans.first { $0.scan.folder == "/tv/A" }?.scan.id)
        try await database.resolveScan(id: issued, .issued(at: t0.addingTimeInterval(41)))
        try await batch(database, ["/tv/A/e3.mkv"], at: 50)
        scans = try await database.scanRequests(server: "home")
        #expect(scans.filter { $0.scan.folder == "/tv/A" }.map(\.status).sorted() == ["done", "pending"])

        // A batch whose transaction rolls back leaves nothing behind.
        try await batch(database, ["/tv/C/e1.mkv"], at: 60, failing: true)
        // As many other changes as the rolled back batch made: the count alone cannot tell.
        let other = try #require(scans.first { $0.scan.folder == "/tv/B" }?.scan.id)
        try await database.resolveScan(id: other, .retry(at: t0.addingTimeInterval(100), reason: "timeout"))
        try await batch(database, ["/tv/C/e2.mkv", "/tv/B/e2.mkv"], at: 70)
        scans = try await database.scanRequests(server: "home")
        #expect(scans.filter { $0.status == "pending" }.map(\.scan.folder).sorted() == ["/tv/A", "/tv/B", "/tv/C"])
        #expect(scans.first { $0.scan.folder == "/tv/C" }?.scan.firstSeen == t0.addingTimeInterval(70))

        // Herald's own work (a cleanup action) raises the priority of a kept scan: the next batch
        // sees it rather than writing the old priority back.
        _ = try await database.writer.write { db in
            try AppDatabase.scheduleScans(
                db, event: event(["/tv/B/e3.mkv"]),
                spec: ScanActionSpec(wait: .seconds(30), maxWait: .seconds(600), priority: 7),
                servers: [server], sections: sections, rule: "cleanup", now: t0.addingTimeInterval(75))
        }
        try await batch(database, ["/tv/B/e4.mkv"], at: 80)
        scans = try await database.scanRequests(server: "home")
        #expect(scans.first { $0.scan.folder == "/tv/B" && $0.status == "pending" }?.scan.priority == 7)
    }

    @Test func laterBatchesMergeWithStoredScans() async throws {
        let database = try AppDatabase.inMemory()
        for second in [0.0, 10, 20] {
            _ = try await database.writer.write { db in
                try AppDatabase.scheduleScans(
                    db, event: event(["/tv/Show/Season 1/e.mkv"]), spec: spec, servers: [server], sections: sections,
                    rule: "r", now: t0.addingTimeInterval(second))
            }
        }
        _ = try await database.writer.write { db in
            try AppDatabase.scheduleScans(
                db, event: event(["/tv/Show/Season 1/Extras/x.mkv"]), spec: spec, servers: [server], sections: sections,
                rule: "r", now: t0.addingTimeInterval(25))
        }
        let scans = try await database.scanRequests(server: "home")
        #expect(scans.count == 1, "a folder inside a pending folder is absorbed by it")
        let season = try #require(scans.first { $0.scan.folder == "/tv/Show/Season 1" })
        #expect(season.scan.deadline == t0.addingTimeInterval(55), "and restarts its wait")
        #expect(season.scan.firstSeen == t0)
    }

    @Test func aParentInALaterBatchAbsorbsItsStoredChildrenAndOnlyThem() async throws {
        let database = try AppDatabase.inMemory()
        _ = try await database.writer.write { db in
            for path in ["/tv/Show/Season 1/a.mkv", "/tv/Show/Season 2/b.mkv", "/tv/Show 2/Season 1/c.mkv"] {
                try AppDatabase.scheduleScans(
                    db, event: event([path]), spec: spec, servers: [server], sections: sections, rule: "r", now: t0)
            }
        }
        try await database.writer.write { db in
            let batch = ScanBatch(db)
            // `/tv/Show 2` is not inside `/tv/Show`: compared by components, it stays.
            try batch.schedule(
                event: event(["/tv/Show"], kind: "fs.moved"), spec: spec, servers: [server], sections: sections,
                rule: "r", now: t0.addingTimeInterval(5))
            // A later file in an absorbed season joins the parent's scan.
            try batch.schedule(
                event: event(["/tv/Show/Season 1/d.mkv"]), spec: spec, servers: [server], sections: sections,
                rule: "r", now: t0.addingTimeInterval(6))
            try batch.flush()
        }
        let scans = try await database.scanRequests(server: "home").filter { $0.status == "pending" }
        #expect(scans.map(\.scan.folder).sorted() == ["/tv/Show", "/tv/Show 2/Season 1"])
        #expect(scans.first { $0.scan.folder == "/tv/Show" }?.scan.deadline == t0.addingTimeInterval(36))
    }

    @Test func internalEventsNeverQueueScans() async throws {
        let database = try AppDatabase.inMemory()
        let count = try await database.writer.write { db in
            try AppDatabase.scheduleScans(
                db, event: event(["/tv/Show"], kind: "herald.scan.issued", source: .herald), spec: spec,
                servers: [server], sections: sections, rule: "r", now: t0)
        }
        #expect(count == 0)
    }

    @Test func dueOrderPriorityThenDeadlineAndRetryTimes() async throws {
        let database = try AppDatabase.inMemory()
        try await database.writer.write { db in
            try AppDatabase.scheduleScans(
                db, event: event(["/tv/A/x.mkv"]), spec: spec, servers: [server], sections: sections, rule: "r", now: t0
            )
            try AppDatabase.scheduleScans(
                db, event: event(["/tv/B/x.mkv"]), spec: ScanActionSpec(wait: .seconds(40), priority: 9),
                servers: [server], sections: sections, rule: "r", now: t0)
        }
        #expect(try await database.dueScan(server: "home", now: t0.addingTimeInterval(35))?.scan.folder == "/tv/A")
        let first = try #require(try await database.dueScan(server: "home", now: t0.addingTimeInterval(45)))
        #expect(first.scan.folder == "/tv/B", "higher priority first once both are due")
        try await database.resolveScan(id: first.scan.id!, .retry(at: t0.addingTimeInterval(100), reason: "524"))
        #expect(try await database.dueScan(server: "home", now: t0.addingTimeInterval(45))?.scan.folder == "/tv/A")
        #expect(try await database.nextScanDate(server: "home") == t0.addingTimeInterval(30))
    }
}
