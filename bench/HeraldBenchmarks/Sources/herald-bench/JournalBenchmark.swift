import Foundation
import HeraldCore
import HeraldIngest
import HeraldStore
import HeraldTestSupport

/// The journal alone: Sonarr webhooks appended as the daemon appends them (group commits of
/// `batch` events into a WAL database with `synchronous=FULL`), then dispatched with no rules, and
/// the log checkpointed, as the daemon's services do. Reports CPU and wall time per event.
enum JournalBenchmark {
    static func run(rounds: Int, events: Int = 40_000, batch: Int = 20) async throws {
        let body = try Data(contentsOf: URL(fileURLWithPath: "samples/payloads/sonarr-v4-download.json"))
        print("| round | wall µs/event | CPU µs/event | of which append | dispatch | checkpoint |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for round in 1...max(1, rounds) {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.path + "/herald.sqlite"
            let database = try AppDatabase.open(path: path, fullSync: true, backgroundCheckpoints: true)
            let checkpointer = try WALCheckpointer(path: path, database: database)
            let decoded = try (0..<batch).map { _ in try SonarrWebhookDecoder.decode(body) }
            var append = Duration.zero
            var dispatch = Duration.zero
            var checkpoint = Duration.zero
            let cpuStart = cpuTime()
            let started = ContinuousClock.now
            var sent = 0
            while sent < events {
                let events = decoded.map { event in
                    var copy = event
                    let now = Date()
                    copy.id = EventID.make(at: now)
                    copy.receivedAt = now
                    return copy
                }
                append += try await ContinuousClock().measure { _ = try await database.appendEvents(events) }
                sent += batch
                if sent % (batch * 10) == 0 {
                    dispatch += try await ContinuousClock().measure {
                        _ = try await database.dispatchPending(limit: 1024, nil)
                    }
                }
                if sent % (batch * 500) == 0 {
                    checkpoint += try await ContinuousClock().measure { try await checkpointer.run() }
                }
            }
            let wall = ContinuousClock.now - started
            let cpu = cpuTime() - cpuStart
            try checkpointer.close()
            try database.close()
            func perEvent(_ duration: Duration) -> String {
                String(format: "%.2f", Double(duration.nanoseconds) / 1000 / Double(sent))
            }
            print(
                "| \(round) | \(perEvent(wall)) | \(String(format: "%.2f", cpu * 1e6 / Double(sent))) | \(perEvent(append)) | "
                    + "\(perEvent(dispatch)) | \(perEvent(checkpoint)) |")
        }
    }

    /// User plus system CPU time of the process, in seconds.
    private static func cpuTime() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
