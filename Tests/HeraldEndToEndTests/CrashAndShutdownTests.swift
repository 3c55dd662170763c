import Foundation
import HTTPTypes
import HeraldCore
import HeraldStore
import HeraldTestSupport
import HummingbirdTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon as users run it: a real process, killed and restarted, signalled and reloaded.
@Suite(.serialized) struct CrashAndShutdownTests {
    /// Counts how often each burst marker is in the journal.
    static func journalledMarkers(_ databasePath: String) async throws -> [String: Int] {
        let database = try AppDatabase.open(path: databasePath)
        defer { try? database.close() }
        var counts: [String: Int] = [:]
        for entry in try await database.events(matching: EventFilter(kind: "sonarr.download", limit: 1_000_000)) {
            let object = try JSONSerialization.jsonObject(with: entry.event.raw) as? [String: Any]
            if let marker = object?["downloadId"] as? String { counts[marker, default: 0] += 1 }
        }
        return counts
    }

    @Test func sigkillMidBurstLosesNoAcknowledgedWebhook() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let daemon = try DaemonProcess(directory: directory, extraYAML: "")
        try daemon.start()
        try await daemon.waitReady()

        // 6,000 webhooks over 250 concurrent connections; SIGKILL once 2,000 are acknowledged.
        let burst = try WebhookBurst(port: daemon.port, connections: 250, requestsPerConnection: 24)
        let firing = Task { await burst.run() }
        while burst.acknowledgedCount < 2000 { try await Task.sleep(for: .milliseconds(2)) }
        daemon.signal(SIGKILL)
        await firing.value
        #expect(try await daemon.waitExit() == SIGKILL)
        let acknowledged = burst.acknowledgedMarkers
        #expect(acknowledged.count >= 2000)

        // Restart on the same state directory: it must come up and dispatch what was left pending.
        try daemon.writeConfig(extraYAML: "")
        try daemon.start()
        try await daemon.waitReady()
        let database = try AppDatabase.open(path: daemon.databasePath)
        var pending = try await database.eventCount(pendingOnly: true)
        for _ in 0..<500 where pending > 0 {
            try await Task.sleep(for: .milliseconds(20))
            pending = try await database.eventCount(pendingOnly: true)
        }
        try database.close()
        #expect(pending == 0, "events journalled before the crash are dispatched after the restart")
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitExit() == 0)

        let journalled = try await Self.journalledMarkers(daemon.databasePath)
        let missing = acknowledged.filter { journalled[$0] == nil }
        #expect(missing.isEmpty, "acknowledged but not journalled: \(missing.prefix(5))")
        #expect(journalled.values.allSatisfy { $0 == 1 }, "every event is journalled exactly once")
        #expect(journalled.count >= acknowledged.count)
    }

    @Test func sigtermFinishesInFlightRequestsAndExitsZero() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let daemon = try DaemonProcess(directory: directory)
        try daemon.start()
        try await daemon.waitReady()
        // The mode read back from the connection that commits (AppDatabase.open refuses a mismatch);
        // the ready line may follow /readyz's first 200 by a moment.
        let logged = ContinuousClock.now + .seconds(5)
        while !daemon.log.contains("herald ready"), ContinuousClock.now < logged {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(daemon.log.contains("journal.synchronous=full"), "the default journal fsyncs every commit")
        let burst = try WebhookBurst(port: daemon.port, connections: 100, requestsPerConnection: 30)
        let firing = Task { await burst.run() }
        while burst.acknowledgedCount < 500 { try await Task.sleep(for: .milliseconds(2)) }
        let signalled = ContinuousClock.now
        daemon.signal(SIGTERM)
        await firing.value
        #expect(try await daemon.waitExit(timeout: .seconds(15)) == 0)
        #expect(ContinuousClock.now - signalled < .seconds(12), "shutdown is bounded by shutdown_timeout")
        let log = try? FileManager.default.attributesOfItem(atPath: daemon.databasePath + "-wal")
        #expect(
            (log?[.size] as? Int ?? 0) == 0,
            "a clean stop leaves the journal whole in the database file (a copy of it is a backup)")
        let journalled = try await Self.journalledMarkers(daemon.databasePath)
        #expect(burst.acknowledgedMarkers.allSatisfy { journalled[$0] == 1 })
        #expect(daemon.log.contains("journal flushed and database closed"))
    }

    @Test func sighupReloadsAGoodConfigurationAndKeepsTheOldOneOnABadOne() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let daemon = try DaemonProcess(directory: directory, extraYAML: "sources: {radarr: {token: one}}")
        try daemon.start()
        try await daemon.waitReady()
        let body = Array(try Fixtures.data("radarr-v5-test.json"))
        func post(token: String) async throws -> Int {
            try await daemon.request(
                "/hooks/radarr?token=\(token)", method: .post, headers: [.contentType: "application/json"], body: body
            ).status.code
        }
        #expect(try await post(token: "one") == 202)

        try daemon.writeConfig(extraYAML: "sources: {radarr: {token: two}}", keepPort: true)
        daemon.signal(SIGHUP)
        var status = 0
        for _ in 0..<200 {
            status = try await post(token: "two")
            if status == 202 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(status == 202)
        #expect(try await post(token: "one") == 401)

        try daemon.writeConfig(extraYAML: "sources: {radarr: {tokn: three}}", keepPort: true)
        daemon.signal(SIGHUP)
        for _ in 0..<200 where !daemon.log.contains("configuration reload refused") {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(daemon.log.contains("configuration reload refused"))
        #expect(daemon.log.contains("herald.yml:4:20: unknown key 'sources.radarr.tokn'"))
        #expect(try await post(token: "two") == 202, "the running configuration stays in force")
        #expect(daemon.isRunning)
        daemon.signal(SIGINT)
        #expect(try await daemon.waitExit() == 0)
    }
}
