import AsyncHTTPClient
import Foundation
import HeraldApp
import HeraldCore
import HeraldPlex
import HeraldStore
import HeraldTestSupport

/// The inventory benchmark of the deletion-candidates issue: a Plex sync of 20,000 movies and
/// 200,000 episodes from the fake Plex (one movie and one show section), into a fresh SQLite file,
/// in pages of 500. Items per second = items stored ÷ the sync's wall time.
enum InventoryBenchmark {
    static let movies = 20_000
    static let episodes = 200_000

    static func run(rounds: Int) async throws {
        var rates: [Double] = []
        for round in 1...rounds {
            let plex = try FakePlexServer()
            try await plex.start()
            plex.setSections([
                PlexSection(key: "1", title: "Movies", type: "movie", locations: ["/storage/media/movies"]),
                PlexSection(key: "2", title: "TV Shows", type: "show", locations: ["/storage/media/tv"]),
            ])
            plex.setLibrary(movies: movies, episodes: episodes)
            let directory = try TemporaryDirectory(prefix: "herald-inventory-bench")
            let database = try AppDatabase.open(path: directory.path + "/herald.sqlite")
            let settings = PlexServerSettings(
                name: "home", url: plex.url, token: Secret(plex.token), timeout: .seconds(60))
            let sync = InventorySync(
                database: database, client: LivePlexClient(http: .shared, settings: settings), server: "home",
                pageSize: 500)
            let started = ContinuousClock.now
            let reports = try await sync.run()
            let seconds = (ContinuousClock.now - started).timeInterval
            let items = reports.map(\.items).reduce(0, +)
            let rate = Double(items) / seconds
            rates.append(rate)
            print(
                "round \(round): \(items) items in \(String(format: "%.2f", seconds)) s = \(Int(rate)) items/s"
                    + (reports.contains { $0.error != nil } ? " (errors: \(reports.compactMap(\.error)))" : ""))
            try database.close()
            directory.remove()
            await plex.stop()
        }
        let median = rates.sorted()[rates.count / 2]
        print("")
        print("| measure (\(rounds) rounds) | result | target |")
        print("| --- | ---: | ---: |")
        print("| Plex sync, 20,000 movies + 200,000 episodes, items/s (median) | \(Int(median)) | ≥ 5,000 |")
    }
}
