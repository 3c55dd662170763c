import Foundation
import HeraldApp
import HeraldCore
import HeraldStore
import Testing

/// Cleanup rules over a stored inventory: flagging, exclusions, unknown data, unflagging.
@Suite struct CandidateTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let day = 86_400.0
    let zone = TimeZone(identifier: "UTC")!

    func film(_ id: Int, added: Double, labels: [String] = []) -> InventoryItem {
        InventoryItem(
            guid: "plex://movie/\(id)", kind: .movie, server: "home", section: "1", ratingKey: "\(id)",
            title: "Film \(id)", year: 2000, addedAt: Date(timeIntervalSince1970: added), labels: labels,
            media: [MediaVersion(parts: [MediaPart(file: "/m/Film \(id).mkv", size: 1000)])])
    }

    func episode(_ id: Int, show: Int) -> InventoryItem {
        InventoryItem(
            guid: "plex://episode/\(id)", kind: .episode, server: "home", section: "2", ratingKey: "\(id)",
            title: "E\(id)", show: "Show \(show)", showGUID: "plex://show/\(show)", season: 1,
            seasonGUID: "plex://season/\(show)-1", episode: id, addedAt: Date(timeIntervalSince1970: 0),
            labels: id == 99 ? ["keep"] : [],
            media: [MediaVersion(parts: [MediaPart(file: "/tv/e\(id).mkv", size: 10)])])
    }

    let oldUnwatched = CleanupRule(
        name: "old unwatched", scope: .movie, every: .seconds(86_400),
        condition: .all([.leaf(.added, .olderThan(days: 365)), .leaf(.lastWatched, .missing(true))]),
        exclusions: CleanupExclusions(labels: ["keep"]), grace: .seconds(14 * 86_400), action: .delete)

    @Test func flaggedWithTheirReasonExcludedOnesSparedAndUnflaggedWhenTheyStopMatching() async throws {
        let database = try AppDatabase.inMemory()
        let run = try await database.beginInventorySync(server: "home", section: "1", kind: .movie, now: now)
        let old = now.timeIntervalSince1970 - 400 * day
        try await database.storeInventoryPage(
            [film(1, added: old), film(2, added: old, labels: ["Keep"]), film(3, added: now.timeIntervalSince1970)],
            run: run)
        try await database.finishInventorySync(run: run, items: 3, error: nil, now: now)
        let history = try await database.beginHistorySync(now: now)
        try await database.finishHistorySync(run: history, rows: 0, error: nil, now: now)

        let evaluation = CandidateEvaluation(database: database, zone: zone, now: { self.now })
        let outcome = try await evaluation.run(oldUnwatched)
        #expect(outcome.matched == 1 && outcome.excluded == 1 && outcome.unknown == 0)
        let candidates = try await database.candidates()
        #expect(candidates.map(\.subject) == ["plex://movie/1@1"])
        #expect(candidates.first?.title == "Film 1 (2000)")
        #expect(candidates.first?.dueAt == now.addingTimeInterval(14 * day))
        #expect(candidates.first?.addedAt == Date(timeIntervalSince1970: old), "its age is kept")
        #expect(candidates.first?.reason.contains("last_watched missing true; saw missing → yes") == true)

        // Someone watches it: it stops matching and is unflagged.
        try await database.storeWatchRecords([
            WatchRecord(
                rowID: 1, guid: "plex://movie/1", ratingKey: "1", grandparentRatingKey: nil, mediaType: "movie",
                user: "ann", userID: 1, started: now, stopped: now, duration: 5000, percentComplete: 100,
                watchedStatus: 1)
        ])
        _ = try await evaluation.run(oldUnwatched)
        #expect(try await database.candidates().isEmpty)
    }

    @Test func unknownWatchDataNeitherFlagsNorUnflags() async throws {
        let database = try AppDatabase.inMemory()
        let run = try await database.beginInventorySync(server: "home", section: "1", kind: .movie, now: now)
        try await database.storeInventoryPage([film(1, added: now.timeIntervalSince1970 - 400 * day)], run: run)
        try await database.finishInventorySync(run: run, items: 1, error: nil, now: now)
        let ok = try await database.beginHistorySync(now: now)
        try await database.finishHistorySync(run: ok, rows: 0, error: nil, now: now)
        let evaluation = CandidateEvaluation(database: database, zone: zone, now: { self.now })
        _ = try await evaluation.run(oldUnwatched)
        #expect(try await database.candidates().count == 1)
        // Tautulli fails: the candidate stays exactly as it was, and nothing new is flagged.
        let failed = try await database.beginHistorySync(now: now)
        try await database.finishHistorySync(run: failed, rows: 0, error: "Tautulli answered 500", now: now)
        let outcome = try await evaluation.run(oldUnwatched)
        #expect(outcome.unknown == 1 && outcome.matched == 0)
        #expect(try await database.candidates().count == 1)
    }

    @Test func keptItemsAreNeverFlaggedAgainAndPostponingMovesTheDueDate() async throws {
        let database = try AppDatabase.inMemory()
        let run = try await database.beginInventorySync(server: "home", section: "1", kind: .movie, now: now)
        let old = now.timeIntervalSince1970 - 400 * day
        try await database.storeInventoryPage([film(1, added: old), film(2, added: old)], run: run)
        try await database.finishInventorySync(run: run, items: 2, error: nil, now: now)
        let history = try await database.beginHistorySync(now: now)
        try await database.finishHistorySync(run: history, rows: 0, error: nil, now: now)
        let evaluation = CandidateEvaluation(database: database, zone: zone, now: { self.now })
        _ = try await evaluation.run(oldUnwatched)
        #expect(try await database.candidates().count == 2)
        #expect(try await database.postpone(subject: "plex://movie/2@1", by: .seconds(7 * 86_400)))
        #expect(
            try await database.candidates().first { $0.subject == "plex://movie/2@1" }?.dueAt
                == now.addingTimeInterval(21 * day))
        #expect(try await database.keep(subject: "plex://movie/1@1", note: "a favourite", now: now))
        let outcome = try await evaluation.run(oldUnwatched)
        #expect(outcome.matched == 1 && outcome.excluded == 1)
        #expect(try await database.candidates().map(\.subject) == ["plex://movie/2@1"])
        #expect(try await database.postpone(subject: "nothing", by: .seconds(60)) == false)
    }

    @Test func aDiskGateRunsTheRuleOnlyWhileTheDiskIsFullEnough() async throws {
        let database = try AppDatabase.inMemory()
        let run = try await database.beginInventorySync(server: "home", section: "1", kind: .movie, now: now)
        try await database.storeInventoryPage([film(1, added: now.timeIntervalSince1970 - 400 * day)], run: run)
        try await database.finishInventorySync(run: run, items: 1, error: nil, now: now)
        let history = try await database.beginHistorySync(now: now)
        try await database.finishHistorySync(run: history, rows: 0, error: nil, now: now)
        let evaluation = CandidateEvaluation(database: database, zone: zone, now: { self.now })
        var gated = oldUnwatched
        gated.diskGate = DiskGate(path: NSTemporaryDirectory(), threshold: .percent(0))
        let skipped = try await evaluation.run(gated)
        #expect(skipped.skipped?.contains("above the threshold") == true)
        #expect(try await database.candidates().isEmpty)
        gated.diskGate = DiskGate(path: NSTemporaryDirectory(), threshold: .percent(100))
        #expect(try await evaluation.run(gated).matched == 1)
        gated.diskGate = DiskGate(path: "/no/such/disk", threshold: .percent(100))
        #expect(try await evaluation.run(gated).skipped == "cannot read the disk of /no/such/disk")
    }

    @Test func aBudgetKeepsTheDeclaredOrderWithinItsLimits() {
        var rule = oldUnwatched
        let facts = (1...5).map { index -> CleanupFacts in
            var item = film(index, added: now.timeIntervalSince1970 - Double(400 + index) * day)
            item.media[0].parts[0].size = Int64(index * 100)
            return CleanupFacts(item: item)
        }
        rule.budget = CleanupBudget(maxItems: 2, order: .largest)
        #expect(
            CandidateEvaluation.evaluate(rule, facts: facts, now: now, zone: zone).matches.map(\.subject) == [
                "plex://movie/5@1", "plex://movie/4@1",
            ])
        rule.budget = CleanupBudget(maxBytes: 450, order: .oldest)
        // Oldest first: film 5 (500 bytes) would pass the limit alone and is skipped, film 4 fits,
        // and then nothing else fits beside it.
        #expect(
            CandidateEvaluation.evaluate(rule, facts: facts, now: now, zone: zone).matches.map(\.subject) == [
                "plex://movie/4@1"
            ])
    }

    @Test func anExcludedEpisodeProtectsItsShow() {
        let rule = CleanupRule(
            name: "shows", scope: .show, every: .seconds(86_400),
            condition: .aggregate(.count, nil, filter: .leaf(.lastWatched, .missing(true)), .atLeast(1)),
            exclusions: CleanupExclusions(labels: ["keep"]), grace: .seconds(86_400), action: .archive)
        let facts = [episode(1, show: 1), episode(2, show: 1), episode(99, show: 2), episode(3, show: 2)].map {
            CleanupFacts(item: $0)
        }
        let result = CandidateEvaluation.evaluate(rule, facts: facts, now: now, zone: zone)
        #expect(result.matches.map(\.subject) == ["plex://show/1"])
        #expect(result.matches.first?.size == 20)
        #expect(result.excluded.count == 1, "show 2 has a kept episode")
    }
}
