import Foundation
import GRDB
import HeraldCore
import HeraldStore
import HeraldTestSupport
import Testing

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
