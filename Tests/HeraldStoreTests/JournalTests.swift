import Foundation
import GRDB
import HeraldCore
import HeraldTestSupport
import Logging
import MetricsTestKit
import Testing

@testable import HeraldStore

@Suite struct JournalTests {
    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.path + "/state/herald.sqlite"
    }

    func sample(
        _ number: Int, source: EventSource = .sonarr, kind: String = "sonarr.download", at time: Double = 0
    )
        -> Event
    {
        Event(
            receivedAt: Date(timeIntervalSince1970: 1_700_000_000 + time), source: source, kind: kind,
            paths: ["/tv/Show/Season 1/e\(number).mkv"], previousPaths: ["/old/\(number)"],
            media: MediaInfo(type: .episode, title: "E\(number)", show: "Show", season: 1, episodes: [number]),
            user: "u", player: "p", raw: Data(#"{"n":\#(number)}"#.utf8))
    }

    @Test func eventsRoundTripThroughAFileAndSurviveReopening() async throws {
        defer { directory.remove() }
        let original = sample(1)
        do {
            let database = try AppDatabase.open(path: path)
            let sequences = try await database.appendEvents([original, sample(2)])
            #expect(sequences == [1, 2])
            try database.close()
        }
        let reopened = try AppDatabase.open(path: path)
        let entries = try await reopened.events(matching: EventFilter(limit: 10))
        #expect(entries.map(\.sequence) == [2, 1], "newest first")
        #expect(entries.last?.event == original)
        #expect(entries.last?.dispatchedAt == nil)
        let mode = try await reopened.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    /// Journal rows (`EventRecord`) hold exactly what a plain SQL insert of the same values
    /// stores, column by column and type by type, with no value of one row showing through in the
    /// next (a NULL after a value, a shorter text after a longer one).
    @Test func journalRowsStoreWhatGRDBsBindingsStore() async throws {
        defer { directory.remove() }
        let database = try AppDatabase.open(path: path)
        let full = Event(
            source: .generic, kind: "generic.ping", paths: ["/a \"quoted\"\n/é", "/b\\c"], previousPaths: ["/old"],
            media: MediaInfo(type: .episode, title: "T\tx", show: "Show", season: 2, episodes: [3, 4]),
            user: "ünï", player: "p", ignoredReason: "why", endpoint: "hook-name", raw: Data([0, 1, 2, 255]),
            thumb: Data([9, 8]))
        let bare = Event(source: .sonarr, kind: "", raw: Data("{}".utf8))
        let events = [full, bare, full, sample(7)]
        let columns = """
            id, received_at, source, kind, paths, previous_paths, media, user, player, ignored_reason, endpoint, raw, thumb
            """
        let read =
            "SELECT \(columns), "
            + columns.split(separator: ",").map { "typeof(\($0.trimmingCharacters(in: .whitespacesAndNewlines)))" }
            .joined(separator: ", ")
        let journalled = try await database.appendEvents(events)
        let viaGRDB = try await database.writer.write { db in
            try events.map { event in
                try db.execute(
                    sql: """
                        INSERT INTO event (id, received_at, source, kind, paths, previous_paths, media, user, player,
                        ignored_reason, endpoint, raw, thumb) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        event.id, event.receivedAt.timeIntervalSince1970, event.source.rawValue, event.kind,
                        JSONText.array(event.paths), JSONText.array(event.previousPaths), event.media.jsonText,
                        event.user, event.player, event.ignoredReason, event.endpoint, event.raw, event.thumb,
                    ])
                return db.lastInsertedRowID
            }
        }
        let (ours, theirs) = try database.writer.read { db in
            (
                try journalled.map {
                    try Row.fetchOne(db, sql: read + " FROM event WHERE sequence = ?", arguments: [$0])
                },
                try viaGRDB.map { try Row.fetchOne(db, sql: read + " FROM event WHERE sequence = ?", arguments: [$0]) }
            )
        }
        #expect(ours.count == 4)
        #expect(ours == theirs)
        #expect(ours[1]?["user"] as String? == nil, "no value of the row before shows through")
        try database.close()
    }

    /// Closing copies the log into the database and empties it; when another process keeps
    /// reading, the log stays, nothing is lost, and the error says so.
    @Test func closingEmptiesTheLogOrSaysWhyItKeptIt() async throws {
        defer { directory.remove() }
        let first = try AppDatabase.open(path: path)
        _ = try await first.appendEvents([sample(1)])
        try first.close()
        let size = { (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int ?? 0 }
        #expect(size() == 0, "the journal is whole in the database file")

        let second = try AppDatabase.open(path: path)
        _ = try await second.appendEvents([sample(2)])
        var readerConfiguration = Configuration()
        readerConfiguration.allowsUnsafeTransactions = true  // a read left open across accesses
        let reader = try DatabaseQueue(path: path, configuration: readerConfiguration)
        try await reader.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN")
            _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event")
        }
        #expect {
            try second.close()
        } throws: { error in
            guard case StoreError.logKeptAtClose = error else { return false }
            return "\(error)".contains("nothing is lost")
        }
        #expect(size() > 0, "the log stays beside the database")
        try await reader.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
        try reader.close()
        let reopened = try AppDatabase.open(path: path)
        #expect(try await reopened.eventCount() == 2)
        try reopened.close()
    }

    /// A new journal gets the page size chosen for webhook rows; an existing file keeps its own
    /// (SQLite fixes it once the file has tables), so opening an older journal changes nothing.
    @Test func aNewJournalGetsItsPageSizeAndAnOldOneKeepsIts() async throws {
        defer { directory.remove() }
        let fresh = try AppDatabase.open(path: path)
        #expect(
            try await fresh.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == AppDatabase.pageSize)
        try fresh.close()

        let olderPath = directory.path + "/older.sqlite"
        let older = try DatabaseQueue(path: olderPath)
        try await older.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA page_size = 4096")  // SQLite's default: journals made before 2026-12-04
            try db.execute(sql: "CREATE TABLE kept (x)")
        }
        try older.close()
        let reopened = try AppDatabase.open(path: olderPath)
        #expect(try await reopened.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == 4096)
        _ = try await reopened.appendEvents([sample(1)])
        try reopened.close()
    }

    /// GRDB's pool turns its writer to `synchronous = NORMAL` after the connection is prepared;
    /// `fullSync` must still leave the connection that commits webhooks fsyncing every commit.
    @Test(arguments: [(true, 2), (false, 1)])
    func theWriterCommitsWithTheRequestedSynchronousMode(fullSync: Bool, expected: Int) async throws {
        defer { directory.remove() }
        let database = try AppDatabase.open(path: path, fullSync: fullSync, backgroundCheckpoints: true)
        let writer = try await database.writer.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        #expect(writer == expected, "the writer's synchronous mode (2 = FULL, 1 = NORMAL)")
        let journal = JournalWriter(database: database, logger: Logger(label: "test"), metrics: TestMetrics())
        let runner = Task { await journal.run() }
        _ = try await journal.append(sample(1))
        journal.close()
        await runner.value
        let afterCommit = try await database.writer.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        #expect(afterCommit == expected, "and it stays so for the journal's commits")
        try database.close()
    }

    @Test func aFailingInsertRollsBackItsBatchAndTheNextOneStillWorks() async throws {
        defer { directory.remove() }
        let database = try AppDatabase.open(path: path)
        // A row SQLite refuses (as a full disk or a damaged file would make it).
        try await database.writer.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER refuse BEFORE INSERT ON event WHEN NEW.kind = 'refused'
                    BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
                    """)
        }
        await #expect(throws: DatabaseError.self) {
            try await database.appendEvents([sample(1), sample(2), sample(3, kind: "refused")])
        }
        #expect(try await database.eventCount() == 0, "the whole batch is rolled back")
        let tooMany = (4...5).map { sample($0) }
        #expect(try database.appendEventsBlocking(tooMany) == [1, 2])
        let entries = try await database.events(matching: EventFilter(limit: 10))
        #expect(entries.map(\.event).reversed() == tooMany)
    }

    @Test func concurrentAppendsShareCommits() async throws {
        defer { directory.remove() }
        let database = try AppDatabase.open(path: path)
        let metrics = TestMetrics()
        let writer = JournalWriter(database: database, maxBatch: 64, logger: Logger(label: "test"), metrics: metrics)
        let runner = Task { await writer.run() }
        let sequences = try await withThrowingTaskGroup(of: Int64.self) { group in
            for number in 0..<500 { group.addTask { try await writer.append(sample(number)) } }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        writer.close()
        await runner.value
        #expect(Set(sequences).count == 500)
        #expect(try await database.eventCount() == 500)
        let batches = try metrics.expectRecorder("herald_journal_batch_size").values
        #expect(batches.reduce(0, +) == 500)
        #expect(batches.count < 500, "group commit: fewer commits than events")
        #expect(batches.allSatisfy { $0 <= 64 }, "batches respect max_batch")
    }

    @Test func aQueueLongerThanABatchIsCommittedInFullBatchesInArrivalOrder() async throws {
        defer { directory.remove() }
        let database = try AppDatabase.open(path: path)
        let metrics = TestMetrics()
        let writer = JournalWriter(database: database, maxBatch: 64, logger: Logger(label: "test"), metrics: metrics)
        let pending = (0..<200).map { number in Task { try await writer.append(sample(number)) } }
        // The writer starts only once all 200 wait in its queue.
        let deadline = ContinuousClock.now + .seconds(10)
        while writer.queued < 200, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        let runner = Task { await writer.run() }
        writer.close()
        await runner.value
        var sequences: [Int64] = []
        for task in pending { sequences.append(try await task.value) }
        #expect(Set(sequences) == Set(1...200))
        #expect(try metrics.expectRecorder("herald_journal_batch_size").values == [64, 64, 64, 8])
    }

    @Test func closingDrainsQueuedEventsAndRefusesNewOnes() async throws {
        defer { directory.remove() }
        let database = try AppDatabase.open(path: path)
        let writer = JournalWriter(database: database, logger: Logger(label: "test"), metrics: TestMetrics())
        let pending = (0..<20).map { number in Task { try await writer.append(sample(number)) } }
        try await Task.sleep(for: .milliseconds(50))
        let runner = Task { await writer.run() }
        writer.close()
        await runner.value
        for task in pending { _ = try await task.value }
        #expect(try await database.eventCount() == 20)
        await #expect(throws: StoreError.self) { try await writer.append(sample(99)) }
    }

    @Test func dispatchHandsOverEventsInOrderAndMarksThem() async throws {
        defer { directory.remove() }
        let database = try AppDatabase.open(path: path)
        _ = try await database.appendEvents((1...5).map { sample($0) })
        let (seen, _) = try await database.dispatchPending(limit: 3) { entries in
            #expect(entries.map(\.sequence) == [1, 2, 3])
            return DispatchWork()
        }
        #expect(seen == 3)
        #expect(try await database.eventCount(pendingOnly: true) == 2)
        let (rest, last) = try await database.dispatchPending(limit: 10) { entries in
            #expect(entries.count == 2)
            return DispatchWork()
        }
        #expect(rest == 2)
        #expect(last == 5)
        #expect(try await database.dispatchPending(limit: 10) { _ in DispatchWork() }.count == 0)
    }

    /// Once the journal cannot commit as durably as configured, it refuses events instead of
    /// acknowledging them without their fsync, and says why.
    @Test func aLostDurabilityRefusesEventsLoudly() async throws {
        defer { directory.remove() }
        let database = try AppDatabase.open(path: path)
        _ = try await database.appendEvents([sample(1)])
        #expect(await database.isHealthy())
        database.durability.lose("synchronous could not be restored")
        await #expect(throws: StoreError.self) { try await database.appendEvents([sample(2)]) }
        #expect(throws: StoreError.self) { try database.appendEventsBlocking([sample(3)]) }
        #expect(await !database.isHealthy())
        #expect(database.durabilityProblem == "synchronous could not be restored")
        #expect(try await database.eventCount() == 1)
        try database.close()
    }

    @Test func aFailingHandlerLeavesEventsAndTheirConsequencesUnrecorded() async throws {
        defer { directory.remove() }
        let database = try AppDatabase.open(path: path)
        _ = try await database.appendEvents([sample(1)])
        struct RuleFailed: Error {}
        await #expect(throws: RuleFailed.self) {
            try await database.dispatchPending(limit: 10) { _ in throw RuleFailed() }
        }
        #expect(try await database.eventCount(pendingOnly: true) == 1)
    }

    /// A batch's jobs commit with its dispatch mark: once marked, its scans and messages are there.
    @Test func aBatchsJobsAreRecordedWithItsMark() async throws {
        defer { directory.remove() }
        let database = try AppDatabase.open(path: path)
        _ = try await database.appendEvents([sample(1, kind: "sonarr.download")])
        let server = PlexServerSettings(name: "home", url: "http://127.0.0.1:1", token: Secret("t"))
        try await database.saveSections(
            [PlexSection(key: "2", title: "TV", type: "show", locations: ["/tv"])], server: "home", now: Date())
        let (count, _) = try await database.dispatchPending(limit: 10) { entries in
            var work = DispatchWork(decidedAt: Date(timeIntervalSince1970: 1_000))
            work.servers = [server]
            work.scans = entries.map {
                var event = $0.event
                event.paths = ["/tv/Show/Season 1/e.mkv"]
                return DispatchWork.Scan(event: event, spec: ScanActionSpec(wait: .seconds(30)), rule: "scan")
            }
            return work
        }
        #expect(count == 1)
        #expect(try await database.eventCount(pendingOnly: true) == 0)
        let scans = try await database.scanRequests(server: "home")
        #expect(scans.map(\.scan.folder) == ["/tv/Show/Season 1"])
        #expect(scans.first?.scan.section == "2")
        #expect(scans.first?.scan.deadline == Date(timeIntervalSince1970: 1_030))
    }

    @Test func filtersBySourceKindTimeAndPosition() async throws {
        defer { directory.remove() }
        let database = try AppDatabase.open(path: path)
        _ = try await database.appendEvents([
            sample(1, kind: "sonarr.download", at: 0), sample(2, kind: "sonarr.rename", at: 10),
            sample(3, source: .radarr, kind: "radarr.download", at: 20), sample(4, kind: "sonarr_x.download", at: 30),
        ])
        func sequences(_ filter: EventFilter) async throws -> [Int64] {
            try await database.events(matching: filter).map(\.sequence)
        }
        #expect(try await sequences(EventFilter(source: .radarr)) == [3])
        #expect(try await sequences(EventFilter(kind: "sonarr.*")) == [2, 1], "'_' in the prefix is literal")
        #expect(try await sequences(EventFilter(kind: "sonarr.rename")) == [2])
        #expect(try await sequences(EventFilter(since: Date(timeIntervalSince1970: 1_700_000_015))) == [4, 3])
        // Cursors page in the direction asked, from the cursor on: nothing next to it is skipped.
        #expect(try await sequences(EventFilter(afterSequence: 2)) == [3, 4])
        #expect(try await sequences(EventFilter(afterSequence: 1, limit: 2)) == [2, 3])
        #expect(try await sequences(EventFilter(beforeSequence: 4, limit: 2)) == [3, 2])
        #expect(try await sequences(EventFilter(limit: 1)) == [4])
    }

    /// Time filters find their first event by bisecting sequence numbers: they must agree with a
    /// plain filter over every event, with equal times, gaps left by deleted events, and cutoffs
    /// before, between, on and after the events.
    @Test func timeFiltersAgreeWithAScanDespiteGapsAndTies() async throws {
        defer { directory.remove() }
        let database = try AppDatabase.open(path: path)
        var random = SeededGenerator(seed: 11)
        var time = 0.0
        var events: [Event] = []
        for number in 1...300 {
            time += Double(random.next(below: 3))  // ties are common
            events.append(sample(number, at: time))
        }
        _ = try await database.appendEvents(events)
        let deleted = (0..<60).map { _ in Int64(random.next(below: 300) + 1) }
        try await database.writer.write { db in
            for sequence in deleted {
                try db.execute(sql: "DELETE FROM event WHERE sequence = ?", arguments: [sequence])
            }
        }
        let kept = (1...300).filter { !deleted.contains(Int64($0)) }
        for cutoff in stride(from: -1.0, through: time + 1, by: 7) + [time, 0] {
            let since = Date(timeIntervalSince1970: 1_700_000_000 + cutoff)
            let expected = kept.filter { events[$0 - 1].receivedAt >= since }.reversed().map(Int64.init)
            let listed = try await database.events(matching: EventFilter(since: since, limit: 1000)).map(\.sequence)
            #expect(listed == Array(expected), "since \(cutoff)")
        }
    }
}

@Suite struct CheckpointTests {
    @Test func backgroundCheckpointsCopyTheLogWhileWritesGoOn() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/herald.sqlite"
        let database = try AppDatabase.open(path: path, backgroundCheckpoints: true)
        let checkpointer = try WALCheckpointer(path: path, database: database)
        let events = (0..<500).map {
            Event(source: .fs, kind: "fs.created", paths: ["/tv/\($0).mkv"], raw: Data(count: 4096))
        }
        _ = try await database.appendEvents(events)
        let walSize = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0
        #expect(walSize > 2_000_000, "without auto-checkpoints the log holds every commit")
        async let more = database.appendEvents(
            events.map {
                var event = $0; event.id = UUID().uuidString; return event
            })
        let (frames, copied) = try await checkpointer.checkpoint()
        _ = try await more
        #expect(frames > 0)
        #expect(copied > 0)
        #expect(try await database.eventCount() == 1000)
        try await checkpointer.run(restartAbove: 0)
        _ = try await database.appendEvents([Event(source: .fs, kind: "fs.created")])
        let (framesAfterRestart, _) = try await checkpointer.checkpoint()
        #expect(framesAfterRestart < 50, "after a restart the log starts over")
        try checkpointer.close()
        try database.close()
    }
}

/// Commands that only show things open the journal read-only: they never migrate it under a
/// daemon, and they say so when its schema is not theirs.
@Suite struct ReadOnlyOpenTests {
    @Test func anOlderJournalIsReportedAndLeftAsItIs() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/herald.sqlite"
        let pool = try DatabasePool(path: path)
        try AppDatabase.migrator.migrate(pool, upTo: "v17-no-scan-queue-generation")
        try pool.close()
        do {
            _ = try AppDatabase.openReadOnly(path: path)
            Issue.record("an older journal was opened read-only as if current")
        } catch let error as StoreError {
            #expect("\(error)".contains("written by an older Herald"))
        }
        let reopened = try DatabaseQueue(path: path)
        let applied = try reopened.read { db in try AppDatabase.migrator.appliedIdentifiers(db) }
        #expect(!applied.contains("v18-event-failure"), "nothing was migrated")
    }

    @Test func aCurrentJournalIsReadWhileTheDaemonHoldsIt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/herald.sqlite"
        let lock = try StateLock.acquire(forDatabase: path)
        let daemon = try AppDatabase.open(path: path)
        _ = try await daemon.appendEvents([Event(source: .sonarr, kind: "sonarr.test", raw: Data("{}".utf8))])
        #expect(StateLock.isHeld(forDatabase: path))
        #expect(throws: StoreError.self) { try StateLock.acquire(forDatabase: path) }
        let reader = try AppDatabase.openReadOnly(path: path)
        #expect(try await reader.eventCount() == 1)
        await #expect(throws: (any Error).self) {
            try await reader.appendEvents([Event(source: .sonarr, kind: "sonarr.test", raw: Data("{}".utf8))])
        }
        try daemon.close()
        lock.release()
        #expect(!StateLock.isHeld(forDatabase: path))
    }
}
