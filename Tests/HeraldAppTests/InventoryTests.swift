import AsyncHTTPClient
import Foundation
import HeraldApp
import HeraldCore
import HeraldPlex
import HeraldStore
import HeraldTestSupport
import Testing

/// The library inventory synced from the fake Plex's generated library.
@Suite(.serialized) struct InventoryTests {
    func sync(
        _ plex: FakePlexServer, _ database: AppDatabase, pageSize: Int = 100
    ) async throws
        -> [InventorySync.Report]
    {
        let settings = PlexServerSettings(name: "home", url: plex.url, token: Secret(plex.token))
        return try await InventorySync(
            database: database, client: LivePlexClient(http: .shared, settings: settings), server: "home",
            pageSize: pageSize
        ).run()
    }

    @Test func aFullSyncPagesThroughEverySectionAndKeepsTheGUIDs() async throws {
        let plex = try FakePlexServer()
        try await plex.start()
        defer { Task { await plex.stop() } }
        plex.setLibrary(movies: 1234, episodes: 567)
        let database = try AppDatabase.inMemory()
        let reports = try await sync(plex, database)
        #expect(reports.map(\.items) == [1234, 567, 567], "movies, then both show sections")
        #expect(reports.allSatisfy { $0.error == nil })
        let counts = try await database.inventoryCounts()
        #expect(counts[.movie] == 1234 && counts[.episode] == 1134)
        let pages = plex.requests.filter { $0.path == "/library/sections/1/all" }.count
        #expect(pages == 13, "1,234 movies in pages of 100")
        let items = try await database.inventory().map(\.item)
        let episode = try #require(items.first { $0.guid == "plex://episode/generated123" && $0.section == "2" })
        #expect(episode.show == "Show 1" && episode.season == 3 && episode.episode == 4)
        #expect(episode.files == ["/storage/media/tv/Show 1/Season 3/Show 1 - S3E4.mkv"])
    }

    @Test func aFailedSyncKeepsThePreviousItemsAndMarksThemUnknown() async throws {
        let plex = try FakePlexServer()
        try await plex.start()
        defer { Task { await plex.stop() } }
        plex.setLibrary(movies: 300, episodes: 0)
        let database = try AppDatabase.inMemory()
        _ = try await sync(plex, database)
        #expect(try await database.inventoryCounts()[.movie] == 300)
        // The next sync fails after its first page of movies.
        plex.failLibrary(afterPages: 1, status: 500)
        let reports = try await sync(plex, database)
        let movies = try #require(reports.first)
        #expect(movies.error?.contains("500") == true)
        let stored = try await database.inventory()
        #expect(stored.count == 300, "nothing is dropped because a request failed")
        #expect(stored.filter(\.unknown).count == 200, "the 200 not seen again are unknown")
        #expect(try await database.inventorySyncRuns().first { $0.section == "1" }?.status == .failed)
    }

    @Test func aCompleteSyncDropsWhatPlexNoLongerLists() async throws {
        let plex = try FakePlexServer()
        try await plex.start()
        defer { Task { await plex.stop() } }
        plex.setLibrary(movies: 250, episodes: 0)
        let database = try AppDatabase.inMemory()
        _ = try await sync(plex, database)
        plex.setLibrary(movies: 240, episodes: 0)
        _ = try await sync(plex, database)
        let stored = try await database.inventory()
        #expect(stored.count == 240 && !stored.contains { $0.unknown })
        #expect(!stored.contains { $0.item.guid == "plex://movie/generated245" })
    }

    @Test func anIncrementalSyncFetchesOnlyWhatPlexChangedAndKeepsTheRest() async throws {
        let plex = try FakePlexServer()
        try await plex.start()
        defer { Task { await plex.stop() } }
        plex.setLibrary(movies: 300, episodes: 0)
        let database = try AppDatabase.inMemory()
        _ = try await sync(plex, database)
        // A failed full sync leaves 200 movies unknown.
        plex.failLibrary(afterPages: 1, status: 500)
        _ = try await sync(plex, database)
        plex.failLibrary(afterPages: 1_000_000, status: 500)
        #expect(try await database.inventory().filter(\.unknown).count == 200)

        // Five new movies arrive, and the three before them were changed, one minute ago.
        let changed = Date(timeIntervalSince1970: 1_795_000_000)
        plex.setLibrary(movies: 305, episodes: 0)
        plex.setLibraryUpdated(from: 297, at: changed)
        let settings = PlexServerSettings(name: "home", url: plex.url, token: Secret(plex.token))
        let sync = InventorySync(
            database: database, client: LivePlexClient(http: .shared, settings: settings), server: "home", pageSize: 4)
        let before = plex.requests.count
        let reports = try await sync.runIncremental(since: changed.addingTimeInterval(-60))
        #expect(reports.first { $0.kind == .movie }?.items == 8)
        let listings = plex.requests.dropFirst(before).filter { $0.path == "/library/sections/1/all" }
        #expect(listings.count == 2, "8 changed movies in two pages of 4")
        let stored = try await database.inventory()
        #expect(stored.count == 305, "nothing removed, the 5 new ones added")
        #expect(stored.filter(\.unknown).count == 197, "the 3 changed ones are known again")
        #expect(stored.first { $0.item.guid == "plex://movie/generated304" }?.item.updatedAt == changed)

        // Nothing changed since: nothing fetched beyond the first empty pages.
        let none = try await sync.runIncremental(since: changed)
        #expect(none.allSatisfy { $0.items == 0 && $0.error == nil })
    }
}
