import Foundation
import HeraldCore
import Testing

@Suite struct CleanupEvaluatorTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let day = 86_400.0
    var evaluator: CleanupEvaluator { CleanupEvaluator(now: now, zone: TimeZone(identifier: "Europe/Paris")!) }

    func movie(added: Date? = nil, watched: WatchStats? = nil, files: Bool = true) -> CleanupFacts {
        CleanupFacts(
            item: InventoryItem(
                guid: "plex://movie/1", kind: .movie, server: "home", section: "1", ratingKey: "1", title: "Film",
                addedAt: added, media: files ? [MediaVersion(parts: [MediaPart(file: "/m/Film.mkv", size: 10)])] : []),
            watch: watched)
    }

    func episode(_ number: Int, lastWatched: Date?, files: Bool = true) -> CleanupFacts {
        CleanupFacts(
            item: InventoryItem(
                guid: "plex://episode/\(number)", kind: .episode, server: "home", section: "2", ratingKey: "\(number)",
                title: "E\(number)", show: "Show", season: 1, episode: number,
                media: files ? [MediaVersion(parts: [MediaPart(file: "/tv/Show/e\(number).mkv", size: 5)])] : []),
            watch: lastWatched.map {
                WatchStats(plays: 1, completed: 1, lastPlayed: $0, lastWatched: $0, watchTime: 60)
            })
    }

    @Test func durationsAreWholeDaysComparedStrictlyToTheSecond() {
        let rule = CleanupCondition.leaf(.added, .olderThan(days: 90))
        #expect(evaluator.evaluate(rule, item: movie(added: now - 90 * day)).0 == .no, "exactly 90 days is not older")
        #expect(evaluator.evaluate(rule, item: movie(added: now - 90 * day - 1)).0 == .yes)
        #expect(evaluator.evaluate(rule, item: movie(added: nil)).0 == .no, "no date: missing, so false")
        // Evaluated a fraction of a second later, an item exactly 90 days old is still not older:
        // both instants are truncated to the second.
        let later = CleanupEvaluator(now: now + 0.4, zone: TimeZone(identifier: "UTC")!)
        #expect(later.evaluate(rule, item: movie(added: now - 90 * day)).0 == .no)
        #expect(later.evaluate(rule, item: movie(added: now - 90 * day + 0.3)).0 == .no)
    }

    @Test func neverWatchedIsMissingAndOnlyMissingMatchesIt() {
        let never = movie(added: now - 400 * day, watched: nil)
        #expect(evaluator.evaluate(.leaf(.lastWatched, .olderThan(days: 30)), item: never).0 == .no)
        #expect(evaluator.evaluate(.leaf(.lastWatched, .missing(true)), item: never).0 == .yes)
        #expect(evaluator.evaluate(.leaf(.plays, .atMost(0)), item: never).0 == .yes, "zero plays is a value")
        let partial = movie(
            watched: WatchStats(plays: 3, completed: 0, lastPlayed: now - day, lastWatched: nil, watchTime: 900))
        #expect(
            evaluator.evaluate(.leaf(.lastWatched, .missing(true)), item: partial).0 == .yes,
            "partial views are not watched")
        #expect(evaluator.evaluate(.leaf(.lastPlayed, .newerThan(days: 2)), item: partial).0 == .yes)
    }

    @Test func unknownPropagatesAndNeverBecomesAMatch() {
        var facts = movie(added: now - 400 * day)
        facts.historyUnknown = true
        let stale = CleanupCondition.all([.leaf(.added, .olderThan(days: 365)), .leaf(.lastWatched, .missing(true))])
        let (result, steps) = evaluator.evaluate(stale, item: facts)
        #expect(result == .unknown)
        #expect(steps.last?.seen == "unknown")
        #expect(evaluator.evaluate(.not(.leaf(.plays, .atMost(0))), item: facts).0 == .unknown)
        #expect(
            evaluator.evaluate(.all([.leaf(.added, .newerThan(days: 1)), .leaf(.plays, .atMost(0))]), item: facts).0
                == .no, "a known false decides an all")
        #expect(
            evaluator.evaluate(.any([.leaf(.added, .olderThan(days: 1)), .leaf(.plays, .atMost(0))]), item: facts).0
                == .yes, "a known true decides an any")
        facts.inventoryUnknown = true
        #expect(evaluator.evaluate(.leaf(.added, .olderThan(days: 1)), item: facts).0 == .unknown)
    }

    @Test func aShowsLastWatchIsTheMaxOverItsEpisodes() {
        // Someone watched episode 1 recently; the rest long ago or never.
        let episodes = [
            episode(1, lastWatched: now - 10 * day), episode(2, lastWatched: now - 300 * day),
            episode(3, lastWatched: nil),
        ]
        let abandoned = CleanupCondition.aggregate(.max, .lastWatched, filter: nil, .olderThan(days: 180))
        #expect(evaluator.evaluate(abandoned, episodes: episodes).0 == .no, "the early episode's recent watch counts")
        let unwatched = CleanupCondition.aggregate(
            .count, nil, filter: .leaf(.lastWatched, .missing(true)), .atLeast(1))
        #expect(evaluator.evaluate(unwatched, episodes: episodes).0 == .yes)
    }

    @Test func anEmptySetAggregatesToMissingNeverToAVacuousMatch() {
        let episodes = [episode(1, lastWatched: nil), episode(2, lastWatched: nil)]
        let old = CleanupCondition.aggregate(.max, .lastWatched, filter: nil, .olderThan(days: 1))
        #expect(evaluator.evaluate(old, episodes: episodes).0 == .no)
        let allOfNone = CleanupCondition.aggregate(
            .all, nil, filter: .leaf(.lastWatched, .olderThan(days: 1)), .isTrue(true))
        #expect(evaluator.evaluate(allOfNone, episodes: episodes).0 == .no)
        let noFiles = [episode(1, lastWatched: nil, files: false)]
        let (result, steps) = evaluator.evaluate(.all([]), episodes: noFiles)
        #expect(result == .no && steps.first?.test == "at least one episode with a file")
    }

    @Test func datesAreLocalMidnightAcrossADaylightSavingChange() {
        // 29 March 2026 00:00 in Paris is 28 March 23:00 UTC (still winter time).
        let rule = CleanupCondition.leaf(.added, .before(DateComponents(year: 2026, month: 3, day: 29)))
        let justBefore = Date(timeIntervalSince1970: 1_774_738_799)  // 2026-03-28T22:59:59Z
        #expect(evaluator.evaluate(rule, item: movie(added: justBefore)).0 == .yes)
        #expect(evaluator.evaluate(rule, item: movie(added: justBefore + 1)).0 == .no)
        // 30 March 00:00 in Paris is 29 March 22:00 UTC (summer time began that night).
        let after = CleanupCondition.leaf(.added, .since(DateComponents(year: 2026, month: 3, day: 30)))
        #expect(evaluator.evaluate(after, item: movie(added: Date(timeIntervalSince1970: 1_774_821_600))).0 == .yes)
        #expect(evaluator.evaluate(after, item: movie(added: Date(timeIntervalSince1970: 1_774_821_599))).0 == .no)
    }
}
