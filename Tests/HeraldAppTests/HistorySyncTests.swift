import AsyncHTTPClient
import Foundation
import HeraldApp
import HeraldCore
import HeraldPlex
import HeraldStore
import HeraldTestSupport
import Testing

/// Tautulli's watch history synced from the fake Tautulli.
@Suite(.serialized) struct HistorySyncTests {
    let day = 86_400.0
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    func history(
        _ tautulli: FakeTautulliServer, _ database: AppDatabase, key: String? = nil, pageSize: Int = 10
    )
        -> HistorySync
    {
        let settings = TautulliSettings(url: tautulli.url, apiKey: Secret(key ?? tautulli.apiKey), pageSize: pageSize)
        return HistorySync(
            database: database, client: TautulliClient(http: .shared, settings: settings), pageSize: pageSize)
    }

    @Test func theRealRowsAreReadWithTheirLooseTypes() async throws {
        let tautulli = FakeTautulliServer()
        try await tautulli.start()
        defer { Task { await tautulli.stop() } }
        let database = try AppDatabase.inMemory()
        let report = try await history(tautulli, database).run()
        #expect(report.error == nil && !report.incremental)
        let stats = try await database.watchStats()
        // The movie fixture's row: parent and grandparent keys are "" there, an Int year.
        let movie = try #require(stats["plex://movie/5d776b85594b2b001e6dc641"])
        #expect(movie.plays >= 1 && movie.completed >= 1 && movie.watchTime >= 5730)
        #expect(try await database.watchHistoryUnknown() == false)
    }

    @Test func completedPartialAndMissingViewsAreKeptApart() async throws {
        let tautulli = FakeTautulliServer()
        try await tautulli.start()
        defer { Task { await tautulli.stop() } }
        tautulli.setPlays([
            .init(guid: "plex://episode/a", user: "ann", started: now - 3 * day, watchedStatus: 1),
            .init(guid: "plex://episode/a", user: "bob", started: now - 2 * day, watchedStatus: 0.5),
            .init(guid: "plex://episode/b", user: "bob", started: now - day, duration: 600, watchedStatus: 0.25),
        ])
        let database = try AppDatabase.inMemory()
        _ = try await history(tautulli, database, pageSize: 2).run()
        let stats = try await database.watchStats()
        let a = try #require(stats["plex://episode/a"])
        #expect(a.plays == 2 && a.completed == 1)
        #expect(a.lastPlayed == now - 2 * day)
        #expect(a.lastWatched == now - 3 * day + 1500, "the last completed view, when it stopped")
        let b = try #require(stats["plex://episode/b"])
        #expect(b.completed == 0 && b.lastWatched == nil, "only partial views: never watched")
        #expect(try await database.watchStats(user: "ann")["plex://episode/b"] == nil)
        #expect(tautulli.requests.filter { $0.contains("cmd=get_history") }.count >= 3, "paged by 2")
    }

    @Test func laterSyncsAskOnlyForRecentDaysAndAFailureMakesWatchDataUnknown() async throws {
        let tautulli = FakeTautulliServer()
        try await tautulli.start()
        defer { Task { await tautulli.stop() } }
        tautulli.setPlays([.init(guid: "plex://movie/x", user: "ann", started: now)])
        let database = try AppDatabase.inMemory()
        _ = try await history(tautulli, database).run()
        let second = try await history(tautulli, database).run()
        #expect(second.incremental)
        #expect(tautulli.requests.last?.contains("after=") == true)
        tautulli.fail(with: 500)
        let failed = try await history(tautulli, database).run()
        #expect(failed.error == "Tautulli answered 500")
        #expect(try await database.watchHistoryUnknown(), "a failed sync makes watch data unknown")
        #expect(try await database.watchStats()["plex://movie/x"]?.plays == 1, "and keeps what was stored")
        tautulli.fail(with: nil)
        let wrongKey = try await history(tautulli, database, key: "wrong").run()
        #expect(wrongKey.error == "Tautulli rejected the API key (401)")
    }
}
