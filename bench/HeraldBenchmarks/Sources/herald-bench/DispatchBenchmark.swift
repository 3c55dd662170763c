import CoreMetrics
import Foundation
import HeraldApp
import HeraldConfig
import HeraldCore
import HeraldStore
import HeraldTestSupport
import Logging

/// The dispatcher and scan benchmark of the rules-and-scans issue.
///
/// Phase 1 (throughput): 10,000 `fs.created` events over 500 folders are journalled, then
/// dispatched with 100 rules loaded (99 that are evaluated and do not match, one that queues
/// scans); the time to dispatch them all gives events per second.
/// Phase 2 (delay): the daemon runs against a fake Plex with two sections containing every folder;
/// the same kind of events arrive at a steady pace; every refresh Plex receives is compared with
/// the moment its folder's wait ended.
@main
struct DispatchBenchmark {
    static let folders = 500
    static let filesPerFolder = 20

    static func main() async throws {
        if CommandLine.arguments.dropFirst().first == "cleanup" {
            try await CleanupBenchmark.run(rounds: Int(CommandLine.arguments.dropFirst(2).first ?? "3") ?? 3)
            return
        }
        if CommandLine.arguments.dropFirst().first == "cleanup-setup",
            let path = CommandLine.arguments.dropFirst(2).first
        {
            try await CleanupBenchmark.setup(path: path)
            return
        }
        if CommandLine.arguments.dropFirst().first == "journal" {
            try await JournalBenchmark.run(rounds: Int(CommandLine.arguments.dropFirst(2).first ?? "3") ?? 3)
            return
        }
        if CommandLine.arguments.dropFirst().first == "decode" {
            try DecodeBenchmark.run(rounds: Int(CommandLine.arguments.dropFirst(2).first ?? "5") ?? 5)
            return
        }
        if CommandLine.arguments.dropFirst().first == "inventory" {
            try await InventoryBenchmark.run(rounds: Int(CommandLine.arguments.dropFirst(2).first ?? "3") ?? 3)
            return
        }
        let rounds = Int(CommandLine.arguments.dropFirst().first ?? "3") ?? 3
        var throughput: [Double] = []
        var delays: [Double] = []
        var requestCounts: [Int] = []
        for round in 1...rounds {
            let rate = try await dispatchThroughput()
            throughput.append(rate)
            // HERALD_BENCH_ONLY_DISPATCH=1 skips the second phase (for profiling the first).
            let (count, roundDelays) =
                ProcessInfo.processInfo.environment["HERALD_BENCH_ONLY_DISPATCH"] == nil
                ? try await scanDelays() : (0, [])
            requestCounts.append(count)
            delays += roundDelays
            print(
                "round \(round): \(Int(rate)) events/s dispatched; \(count) Plex requests "
                    + "(expected \(folders * 2)); median delay \(String(format: "%.1f", median(roundDelays))) ms")
        }
        print("")
        print("| measure (\(rounds) rounds) | result | target |")
        print("| --- | ---: | ---: |")
        print("| events dispatched per second, 100 rules (median) | \(Int(median(throughput))) | ≥ 50,000 |")
        print(
            "| Plex requests per round | \(requestCounts.map(String.init).joined(separator: ", ")) | \(folders * 2) (500 folders × 2 sections) |"
        )
        print("| delay from wait end to request, median, ms | \(String(format: "%.1f", median(delays))) | ≤ 50 |")
        print("| delay from wait end to request, p95, ms | \(String(format: "%.1f", percentile(delays, 0.95))) | |")
    }

    static func median(_ values: [Double]) -> Double { percentile(values, 0.5) }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction))]
    }

    /// 100 rules: 99 evaluated and not matching, one scan rule matching every event.
    static func rulesYAML() -> String {
        var yaml = ""
        for index in 0..<99 {
            yaml += """
                - name: unrelated \(index)
                  on: ["fs.*", "sonarr.*"]
                  if:
                    any:
                      - path: {under: /elsewhere/\(index)}
                      - all:
                          - extension: {equals: ext\(index)}
                          - title: {regex: "^never\(index)$"}
                  do: [log: {message: "unreachable \(index)"}]

                """
        }
        yaml += """
            - name: scan media
              on: [fs.created]
              if:
                - path: {under: /media}
                - not: {extension: {in: [part, tmp]}}
              do: [scan: {server: home, wait: 1s, max_wait: 1m}]

            """
        return yaml
    }

    static func makeConfiguration(_ directory: TemporaryDirectory, plexURL: String) throws -> HeraldConfiguration {
        try FileManager.default.createDirectory(atPath: directory.path + "/rules", withIntermediateDirectories: true)
        try directory.write("rules/bench.yml", rulesYAML())
        let file = try directory.write(
            "herald.yml",
            """
            state_directory: \(directory.path)/state
            server: {host: 127.0.0.1, port: 0}
            log: {level: error}
            plex:
              home: {url: "\(plexURL)", token: plex-token, pacing: 0ms}
            """)
        return try HeraldConfiguration.load(file: file, environment: [:])
    }

    static func events(start: Date) -> [Event] {
        var events: [Event] = []
        for file in 0..<filesPerFolder {
            for folder in 0..<folders {
                let path =
                    "/media/tv/Show \(folder)/Season 01/Show \(folder) - S01E\(String(format: "%02d", file + 1)).mkv"
                events.append(Event(receivedAt: start, source: .fs, kind: "fs.created", paths: [path]))
            }
        }
        return events
    }

    static let sections = [
        PlexSection(key: "1", title: "Everything", type: "show", locations: ["/media"]),
        PlexSection(key: "2", title: "TV", type: "show", locations: ["/media/tv"]),
    ]

    /// Phase 1: events per second through the rule dispatch, scans queued in SQLite.
    static func dispatchThroughput() async throws -> Double {
        let directory = try TemporaryDirectory(prefix: "herald-bench")
        defer { directory.remove() }
        let configuration = try makeConfiguration(directory, plexURL: "http://127.0.0.1:9")
        let database = try AppDatabase.open(path: configuration.databasePath)
        try await database.saveSections(sections, server: "home", now: Date())
        // Appended as producers do, through the group-commit journal, whose in-memory handoff the
        // dispatcher uses (events beyond its window, 16,384 events or 8 MiB of bodies, are read back from SQLite).
        let journal = JournalWriter(
            database: database, logger: Logger(label: "bench"), metrics: NOOPMetricsHandler.instance)
        let writer = Task { await journal.run() }
        let all = events(start: Date())
        try await withThrowingTaskGroup(of: Int64.self) { group in
            for event in all { group.addTask { try await journal.append(event) } }
            try await group.waitForAll()
        }
        journal.close()
        await writer.value
        let dispatch = RuleDispatch(
            configuration: Reloadable(configuration), logger: Logger(label: "bench"), now: { Date() })
        let started = ContinuousClock.now
        var dispatched = 0
        while true {
            let (count, last) = try await database.dispatchPending(
                limit: 1024, cached: { journal.committedEvent($0) }, dispatch.handler)
            if count == 0 { break }
            journal.forgetCommitted(upTo: last)
            dispatched += count
        }
        let seconds = (ContinuousClock.now - started).timeInterval
        let queued = try await database.scanRequests(server: "home").count
        precondition(queued == folders * 2, "expected \(folders * 2) queued scans, got \(queued)")
        try database.close()
        return Double(dispatched) / seconds
    }

    /// Phase 2: the daemon against the fake Plex; events arrive over about five seconds.
    static func scanDelays() async throws -> (Int, [Double]) {
        let directory = try TemporaryDirectory(prefix: "herald-bench")
        defer { directory.remove() }
        let plex = try FakePlexServer()
        plex.setSections(sections)
        try await plex.start()
        let configuration = try makeConfiguration(directory, plexURL: plex.url)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let daemon = try buildServiceGroup(
            configuration: configuration, environment: [:], logger: logger, installSignalHandlers: false)
        let runner = Task { try await daemon.run() }
        while daemon.readiness.port == nil { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(200))
        // One folder's 20 files at a time, 100 folders a second.
        let all = events(start: Date())
        for folder in 0..<folders {
            let batch = (0..<filesPerFolder).map { all[$0 * folders + folder] }.map { event -> Event in
                var event = event
                event.receivedAt = Date()
                return event
            }
            try await withThrowingTaskGroup(of: Int64.self) { group in
                for event in batch { group.addTask { try await daemon.journal.append(event) } }
                try await group.waitForAll()
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        var done = 0
        for _ in 0..<600 where done < folders * 2 {
            try await Task.sleep(for: .milliseconds(50))
            done = try await daemon.database.scanRequests(server: "home").filter { $0.status == "done" }.count
        }
        try await Task.sleep(for: .milliseconds(300))
        let scans = try await daemon.database.scanRequests(server: "home")
        var deadlines: [String: Date] = [:]
        for scan in scans.map(\.scan) { deadlines[scan.section + "|" + scan.folder] = scan.deadline }
        let delays = plex.refreshes.compactMap { refresh in
            deadlines[refresh.section + "|" + refresh.folder].map { refresh.at.timeIntervalSince($0) * 1000 }
        }
        let count = plex.refreshes.count
        await daemon.shutdown()
        _ = try? await runner.value
        await plex.stop()
        return (count, delays)
    }
}
