import Foundation
import HeraldApp
import HeraldCore
import HeraldStore

/// The evaluation benchmark of the deletion-candidates issue, on the daemon's own path: 20,000
/// movies and 200,000 episodes (2,000 shows of 100 episodes) and their Tautulli plays in a SQLite
/// database; each round loads the facts from it (as the daemon does before evaluating) and
/// evaluates the two example rules of `rules/70-cleanup-examples.yml` (a movie rule and a show rule
/// with aggregates). Reports load and total times and the process's peak RSS.
enum CleanupBenchmark {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)
    static let day = 86_400.0

    /// Measures in this process; the database is built first by a child process
    /// (`herald-bench cleanup-setup PATH`), so building it does not count towards the peak RSS.
    static func run(rounds: Int) async throws {
        let path = NSTemporaryDirectory() + "herald-bench-cleanup.sqlite"
        if !FileManager.default.fileExists(atPath: path) {
            let setup = Process()
            setup.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            setup.arguments = ["cleanup-setup", path]
            try setup.run()
            setup.waitUntilExit()
            guard setup.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        }
        let database = try AppDatabase.open(path: path)
        let evaluation = CandidateEvaluation(database: database, zone: TimeZone(identifier: "UTC")!, now: { now })
        let rules = [
            CleanupRule(
                name: "films", scope: .movie, every: .seconds(86_400),
                condition: .all([.leaf(.added, .olderThan(days: 365)), .leaf(.lastWatched, .missing(true))]),
                exclusions: CleanupExclusions(labels: ["keep"]), grace: .seconds(14 * 86_400), action: .delete),
            CleanupRule(
                name: "shows", scope: .show, every: .seconds(86_400),
                condition: .all([
                    .aggregate(.max, .lastWatched, filter: nil, .olderThan(days: 180)),
                    .aggregate(.count, nil, filter: .leaf(.lastWatched, .missing(true)), .atLeast(3)),
                ]),
                exclusions: CleanupExclusions(labels: ["keep"]), grace: .seconds(30 * 86_400), action: .archive),
        ]
        var loads: [Double] = []
        var totals: [Double] = []
        for round in 1...rounds {
            // Reading alone (decoding every item with its watch statistics), then a pass of both rules.
            let started = ContinuousClock.now
            let items = try await database.reduceCleanupFacts(into: 0) { count, _ in count += 1 }
            let loaded = ContinuousClock.now
            let matched = try await evaluation.decide(rules, budget: true).decisions.map(\.matches.count)
                .reduce(0, +)
            let load = (loaded - started).timeInterval
            let total = (ContinuousClock.now - loaded).timeInterval
            loads.append(load)
            totals.append(total)
            print(
                "round \(round): \(items) items read in \(String(format: "%.3f", load)) s; one pass of 2 rules: "
                    + "\(matched) candidates in \(String(format: "%.3f", total)) s; RSS \(status("VmRSS:") / 1024) MiB")
        }
        let peak = Self.status("VmHWM:")
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        print("")
        print("| measure (\(rounds) rounds) | result | target |")
        print("| --- | ---: | ---: |")
        print(
            "| reading 220,000 items with watch statistics from SQLite, s (median) | \(String(format: "%.3f", median(loads))) | |"
        )
        print(
            "| full evaluation: one pass reading the library and judging 2 rules, s (median) | \(String(format: "%.3f", median(totals))) | ≤ 1 |"
        )
        print("| peak RSS of the process, MiB | \(peak / 1024) | ≤ 150 |")
    }

    /// Builds the benchmark's database: 20,000 movies and 200,000 episodes (2,000 shows of 100) in
    /// the inventory, and a Tautulli play for two movies in three and three episodes in four.
    static func setup(path final: String) async throws {
        // Built under another name and renamed when complete: an interrupted build is never measured.
        let path = final + ".building"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let database = try AppDatabase.open(path: path, fullSync: false)
        var records: [WatchRecord] = []
        var page: [InventoryItem] = []
        func flush(section: String, kind: InventoryItem.Kind, run: Int64) async throws {
            try await database.storeInventoryPage(page, run: run)
            page.removeAll(keepingCapacity: true)
        }
        let movies = try await database.beginInventorySync(server: "home", section: "1", kind: .movie, now: now)
        for index in 0..<20_000 {
            page.append(
                InventoryItem(
                    guid: "plex://movie/\(index)", kind: .movie, server: "home", section: "1", ratingKey: "\(index)",
                    title: "Movie \(index)", year: 1950 + index % 70,
                    addedAt: now.addingTimeInterval(-Double(index % 1000) * day),
                    labels: index % 97 == 0 ? ["keep"] : [],
                    media: [
                        MediaVersion(
                            videoCodec: "h264", resolution: "1080",
                            parts: [MediaPart(file: "/m/\(index).mkv", size: 4_000_000_000)])
                    ]))
            if index % 3 != 0 {
                let watched = now.addingTimeInterval(-Double(index % 700) * day)
                records.append(record(records.count, guid: "plex://movie/\(index)", at: watched, type: "movie"))
            }
            if page.count == 5000 { try await flush(section: "1", kind: .movie, run: movies) }
        }
        try await flush(section: "1", kind: .movie, run: movies)
        try await database.finishInventorySync(run: movies, items: 20_000, error: nil, now: now)
        let episodes = try await database.beginInventorySync(server: "home", section: "2", kind: .episode, now: now)
        for index in 0..<200_000 {
            let show = index / 100
            page.append(
                InventoryItem(
                    guid: "plex://episode/\(index)", kind: .episode, server: "home", section: "2",
                    ratingKey: "\(index)", title: "Episode \(index % 100)", show: "Show \(show)",
                    showGUID: "plex://show/\(show)", season: (index / 10) % 10 + 1,
                    seasonGUID: "plex://season/\(show)-\((index / 10) % 10)", episode: index % 10 + 1,
                    addedAt: now.addingTimeInterval(-Double(index % 900) * day),
                    media: [MediaVersion(parts: [MediaPart(file: "/tv/\(show)/\(index).mkv", size: 1_000_000_000)])]))
            if index % 4 != 0 {
                let watched = now.addingTimeInterval(-Double((index * 7) % 500) * day)
                records.append(record(records.count, guid: "plex://episode/\(index)", at: watched, type: "episode"))
            }
            if page.count == 5000 { try await flush(section: "2", kind: .episode, run: episodes) }
        }
        try await flush(section: "2", kind: .episode, run: episodes)
        try await database.finishInventorySync(run: episodes, items: 200_000, error: nil, now: now)
        for start in stride(from: 0, to: records.count, by: 10_000) {
            try await database.storeWatchRecords(Array(records[start..<min(records.count, start + 10_000)]))
        }
        let history = try await database.beginHistorySync(now: now)
        try await database.finishHistorySync(run: history, rows: records.count, error: nil, now: now)
        try database.close()
        try FileManager.default.moveItem(atPath: path, toPath: final)
        print("benchmark database built at \(final): 220,000 items, \(records.count) plays")
    }

    static func record(_ id: Int, guid: String, at date: Date, type: String) -> WatchRecord {
        WatchRecord(
            rowID: Int64(id + 1), guid: guid, ratingKey: nil, grandparentRatingKey: nil, mediaType: type,
            user: "ann", userID: 1, started: date.addingTimeInterval(-3000), stopped: date, duration: 2700,
            percentComplete: 100, watchedStatus: 1)
    }

    /// A value in KiB from `/proc/self/status` (`VmRSS:`, `VmHWM:`).
    static func status(_ key: String) -> Int {
        let line = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix(key) }
        return line.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
    }
}
