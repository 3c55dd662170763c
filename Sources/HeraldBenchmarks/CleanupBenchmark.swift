import Foundation
import HeraldApp
import HeraldCore

/// The evaluation benchmark of the deletion-candidates issue: 20,000 movies and 200,000 episodes
/// (2,000 shows of 100 episodes) in memory with watch statistics, and the two example rules of
/// `rules/70-cleanup-examples.yml` (a movie rule and a show rule with aggregates) evaluated over
/// them. Reports the time of a full evaluation and the process's peak RSS.
enum CleanupBenchmark {
    static func run(rounds: Int) {
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let day = 86_400.0
        var facts: [CleanupFacts] = []
        facts.reserveCapacity(220_000)
        for index in 0..<20_000 {
            let item = InventoryItem(
                guid: "plex://movie/\(index)", kind: .movie, server: "home", section: "1", ratingKey: "\(index)",
                title: "Movie \(index)", year: 1950 + index % 70,
                addedAt: now.addingTimeInterval(-Double(index % 1000) * day),
                labels: index % 97 == 0 ? ["keep"] : [],
                media: [
                    MediaVersion(
                        videoCodec: "h264", resolution: "1080",
                        parts: [MediaPart(file: "/m/\(index).mkv", size: 4_000_000_000)])
                ])
            let watched = index % 3 == 0 ? nil : now.addingTimeInterval(-Double(index % 700) * day)
            facts.append(
                CleanupFacts(
                    item: item,
                    watch: watched.map {
                        WatchStats(plays: 1, completed: 1, lastPlayed: $0, lastWatched: $0, watchTime: 5000)
                    }))
        }
        for index in 0..<200_000 {
            let show = index / 100
            let item = InventoryItem(
                guid: "plex://episode/\(index)", kind: .episode, server: "home", section: "2", ratingKey: "\(index)",
                title: "Episode \(index % 100)", show: "Show \(show)", showGUID: "plex://show/\(show)",
                season: (index / 10) % 10 + 1, seasonGUID: "plex://season/\(show)-\((index / 10) % 10)",
                episode: index % 10 + 1, addedAt: now.addingTimeInterval(-Double(index % 900) * day),
                media: [MediaVersion(parts: [MediaPart(file: "/tv/\(show)/\(index).mkv", size: 1_000_000_000)])])
            let watched = index % 4 == 0 ? nil : now.addingTimeInterval(-Double((index * 7) % 500) * day)
            facts.append(
                CleanupFacts(
                    item: item,
                    watch: watched.map {
                        WatchStats(plays: 2, completed: 1, lastPlayed: $0, lastWatched: $0, watchTime: 2400)
                    }))
        }
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
        var times: [Double] = []
        for round in 1...rounds {
            let started = ContinuousClock.now
            var matched = 0
            for rule in rules {
                matched +=
                    CandidateEvaluation.evaluate(rule, facts: facts, now: now, zone: TimeZone(identifier: "UTC")!)
                    .matches.count
            }
            let seconds = (ContinuousClock.now - started).timeInterval
            times.append(seconds)
            print(
                "round \(round): \(facts.count) items, 2 rules, \(matched) candidates in \(String(format: "%.3f", seconds)) s"
            )
        }
        let peak =
            (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.map {
                $0.split(separator: " ").dropFirst().first ?? ""
            } ?? ""
        let median = times.sorted()[times.count / 2]
        print("")
        print("| measure (\(rounds) rounds) | result | target |")
        print("| --- | ---: | ---: |")
        print(
            "| full evaluation, 20,000 movies + 200,000 episodes, 2 rules, s (median) | \(String(format: "%.3f", median)) | ≤ 1 |"
        )
        print("| peak RSS of the process, MiB | \((Int(peak) ?? 0) / 1024) | ≤ 150 |")
    }
}
