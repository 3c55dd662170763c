import Foundation
import GRDB
import HeraldCore
import Testing

@testable import HeraldStore

@Suite struct OutboxTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    let channel = ChannelSettings(name: "discord", target: .discord(DiscordTarget(webhookID: "1", token: Secret("t"))))

    func item(_ episode: Int, at date: Date) -> NotificationItem {
        NotificationItem(
            eventID: "e\(episode)", kind: "sonarr.download", source: "sonarr", receivedAt: date,
            media: MediaInfo(title: "Ep \(episode)", show: "Show", season: 1, episodes: [episode]))
    }

    func enqueue(
        _ database: AppDatabase, _ item: NotificationItem, spec: NotifyActionSpec, severity: Severity = .info, at: Date
    ) async throws -> EnqueueOutcome {
        try await database.writer.write { db in
            try AppDatabase.enqueueNotification(
                db, item: item, channel: channel, spec: spec, rule: "r", template: "new-media", severity: severity,
                now: at)
        }
    }

    @Test func aGroupWindowSlidesWithEachEventUpToFourWindows() async throws {
        let database = try AppDatabase.inMemory()
        let spec = NotifyActionSpec(channels: ["discord"], groupBy: .season, window: .seconds(300))
        #expect(try await enqueue(database, item(1, at: t0), spec: spec, at: t0) == .queued)
        #expect(try await enqueue(database, item(2, at: t0), spec: spec, at: t0 + 120) == .grouped)
        var row = try #require(try await database.deliveries().first)
        #expect(row.dueAt == t0 + 420)
        #expect(row.expiresAt == t0 + 420 + 86_400)
        for minute in stride(from: 6, through: 18, by: 4) {
            _ = try await enqueue(
                database, item(minute, at: t0), spec: spec, at: t0 + TimeInterval(minute * 60))
        }
        row = try #require(try await database.deliveries().first)
        #expect(row.dueAt == t0 + 1200, "capped at four windows after the first event")
        #expect(row.items.count == 6)
        // Once due, a new event opens a new group.
        #expect(try await enqueue(database, item(40, at: t0), spec: spec, at: t0 + 1201) == .queued)
        #expect(try await database.deliveries().count == 2)
    }

    @Test func cooldownFloorAndIdempotency() async throws {
        let database = try AppDatabase.inMemory()
        let spec = NotifyActionSpec(channels: ["discord"], cooldown: .seconds(3600))
        #expect(try await enqueue(database, item(1, at: t0), spec: spec, at: t0) == .queued)
        var again = item(1, at: t0)
        again.eventID = "other"
        #expect(try await enqueue(database, again, spec: spec, at: t0 + 3599) == .suppressed)
        #expect(try await enqueue(database, again, spec: spec, at: t0 + 3601) == .queued)
        // The same event, rule and channel twice (a replayed dispatch) is one row.
        #expect(try await enqueue(database, item(2, at: t0), spec: NotifyActionSpec(channels: []), at: t0) == .queued)
        #expect(try await enqueue(database, item(2, at: t0), spec: NotifyActionSpec(channels: []), at: t0) == .queued)
        #expect(try await database.deliveries().count == 3)
        var floor = channel
        floor.minimumSeverity = .warning
        let picky = floor
        let below = try await database.writer.write { db in
            try AppDatabase.enqueueNotification(
                db, item: item(3, at: t0), channel: picky, spec: NotifyActionSpec(channels: []), rule: "r",
                template: "new-media", severity: .info, now: t0)
        }
        #expect(below == .belowFloor)
    }

    @Test func aLaneTurnRecordsExpiresAndClaimsInOrder() async throws {
        let database = try AppDatabase.inMemory()
        let spec = NotifyActionSpec(channels: [], ttl: .seconds(60))
        for episode in 1...3 {
            _ = try await enqueue(database, item(episode, at: t0), spec: spec, at: t0 + TimeInterval(episode))
        }
        let first = try await database.cycleDeliveries(channel: "discord", claim: 2, now: t0 + 10)
        #expect(first.claimed.map(\.eventID) == ["e1", "e2"])
        #expect(first.claimed.allSatisfy { $0.state == .sending && $0.attempts == 1 })
        let second = try await database.cycleDeliveries(
            channel: "discord", resolutions: [(first.claimed[0].id, .sent(at: t0 + 11))],
            unsent: [first.claimed[1].id], claim: 0, now: t0 + 11)
        #expect(second.claimed.isEmpty)
        let rows = try await database.deliveries().sorted { $0.id < $1.id }
        #expect(rows.map(\.state) == [.sent, .pending, .pending])
        #expect(rows[1].attempts == 0, "an unsent row is not an attempt")
        let late = try await database.cycleDeliveries(channel: "discord", claim: 5, now: t0 + 62.5)
        #expect(late.expired.map(\.eventID) == ["e2"])
        #expect(late.claimed.map(\.eventID) == ["e3"])
        #expect(try await database.resetInterruptedDeliveries() == 1)
    }
}
