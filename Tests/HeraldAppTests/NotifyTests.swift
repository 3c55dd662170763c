import Foundation
import HTTPTypes
import HeraldApp
import HeraldCore
import HeraldStore
import HeraldTestSupport
import HummingbirdTesting
import NIOCore
import Testing

/// Notifications end to end: webhooks in, the real daemon and outbox, fake services on loopback.
@Suite(.serialized) struct NotifyTests {
    /// Channels on the fake services; `extra` is added under each channel.
    static func channelsYAML(_ fake: FakeNotifyServer, extra: String = "", more: String = "") -> String {
        """
        timezone: UTC
        notifications:
          channels:
            discord:
              url: discord://111/discord-token
              base_url: \(fake.url)
              retry: {initial: 300ms, max: 2s}
        \(extra)
            slack:
              url: slack://T1/B1/slack-secret
              base_url: \(fake.url)
            telegram:
              url: tgram://123:telegram-token/-1001234567890
              base_url: \(fake.url)
        \(more)
        """
    }

    static func rules(_ channels: String, options: String = "") -> String {
        """
        - name: new episodes
          on: [sonarr.download]
          do:
            - notify: {to: [\(channels)]\(options)}
        """
    }

    /// One Sonarr import of episode `episode` of season 2 of the fixture's show.
    static func episodeImport(_ episode: Int) throws -> Data {
        var object = try JSONSerialization.jsonObject(with: Fixtures.data("sonarr-v4-download.json")) as! [String: Any]
        var episodes = object["episodes"] as! [[String: Any]]
        episodes[0]["episodeNumber"] = episode
        episodes[0]["title"] = "Chapter \(episode)"
        object["episodes"] = episodes
        var file = object["episodeFile"] as! [String: Any]
        file["relativePath"] = "Season 02/Episode \(episode).mkv"
        object["episodeFile"] = file
        return try JSONSerialization.data(withJSONObject: object)
    }

    static func run(
        _ fake: FakeNotifyServer, yaml: String, rules: String,
        _ body: @Sendable (DaemonHarness, TestClient) async throws -> Void
    ) async throws {
        let harness = try DaemonHarness(extraYAML: yaml, rules: rules)
        try await harness.run { client in try await body(harness, client) }
    }

    @Test func aSeasonImportOfTwentyTwoEpisodesIsOneGroupedMessagePerChannel() async throws {
        let fake = FakeNotifyServer()
        try await fake.start()
        try await Self.run(
            fake, yaml: Self.channelsYAML(fake),
            rules: Self.rules("discord, slack, telegram", options: ", group_by: season, window: 3s")
        ) { harness, client in
            for episode in 1...22 {
                #expect(try await client.postJSON("/hooks/sonarr", Self.episodeImport(episode)).status == .accepted)
            }
            try await ScanTests.waitUntil {
                !fake.delivered(.discord).isEmpty && !fake.delivered(.slack).isEmpty
                    && !fake.delivered(.telegram).isEmpty
            }
            try await Task.sleep(for: .milliseconds(800))
            #expect(fake.delivered(.discord).count == 1)
            #expect(fake.delivered(.slack).count == 1)
            #expect(fake.delivered(.telegram).count == 1)
            #expect(fake.requests.count == 3, "the fake refused nothing")
            let deliveries = try await harness.daemon.database.deliveries()
            #expect(deliveries.count == 3)
            #expect(deliveries.allSatisfy { $0.state == .sent && $0.items.count == 22 })
            let embed = try #require((fake.delivered(.discord)[0].json?["embeds"] as? [[String: Any]])?.first)
            #expect(embed["title"] as? String == "Avatar: The Last Airbender season 2: 22 new")
            let description = try #require(embed["description"] as? String)
            #expect(description.split(separator: "\n").count == 22)
            #expect(description.contains("S02E22 – Chapter 22"))
        }
        await fake.stop()
    }

    @Test func a429IsNeverRetriedSoonerThanItSaysAndOrderIsKept() async throws {
        let fake = FakeNotifyServer()
        try await fake.start()
        fake.script(.discord, [.rateLimited(retryAfter: 1.3)])
        try await Self.run(fake, yaml: Self.channelsYAML(fake), rules: Self.rules("discord")) { harness, client in
            for episode in 1...3 {
                _ = try await client.postJSON("/hooks/sonarr", Self.episodeImport(episode))
            }
            try await ScanTests.waitUntil { fake.delivered(.discord).count == 3 }
            let requests = fake.requests.filter { $0.service == .discord }
            #expect(requests.count == 4)
            #expect(requests[0].status == 429)
            #expect(requests[1].at.timeIntervalSince(requests[0].at) >= 1.3)
            let titles = fake.delivered(.discord).compactMap {
                (($0.json?["embeds"] as? [[String: Any]])?.first?["title"] as? String)
            }
            #expect(titles.map { $0.suffix(9) } == ["Chapter 1", "Chapter 2", "Chapter 3"])
            let retried = try await harness.daemon.database.deliveries().filter { $0.attempts == 2 }
            #expect(retried.count == 1)
        }
        await fake.stop()
    }

    @Test func aChannelThatIsDownDoesNotDelayTheOthers() async throws {
        let fake = FakeNotifyServer()
        try await fake.start()
        let down = """
                down:
                  url: json://127.0.0.1:9/json/down
                  timeout: 3s
                  retry: {initial: 10s, max: 1m}
            """
        try await Self.run(fake, yaml: Self.channelsYAML(fake, more: down), rules: Self.rules("down, discord")) {
            harness, client in
            let started = ContinuousClock.now
            for episode in 1...3 {
                _ = try await client.postJSON("/hooks/sonarr", Self.episodeImport(episode))
            }
            try await ScanTests.waitUntil { fake.delivered(.discord).count == 3 }
            #expect(ContinuousClock.now - started < .seconds(2))
            let pending = try await harness.daemon.database.deliveries(channel: "down")
            #expect(pending.count == 3)
            #expect(pending.allSatisfy { $0.state == .pending || $0.state == .sending })
        }
        await fake.stop()
    }

    /// A message that reaches its TTL undelivered is announced as `herald.delivery.expired`.
    @Test func anExpiredMessageIsAnnounced() async throws {
        let fake = FakeNotifyServer()
        try await fake.start()
        let port = try LoopbackPort.unused()
        let down = """
                down:
                  url: json://127.0.0.1:\(port)/json/down
                  ttl: 1s
                  retry: {initial: 300ms, max: 300ms}
            """
        try await Self.run(fake, yaml: Self.channelsYAML(fake, more: down), rules: Self.rules("down")) {
            harness, client in
            _ = try await client.postJSON("/hooks/sonarr", Self.episodeImport(1))
            try await ScanTests.waitUntil {
                try await !ScanTests.internalEvents(harness.daemon.database, "herald.delivery.expired").isEmpty
            }
            let expired = try await ScanTests.internalEvents(harness.daemon.database, "herald.delivery.expired")
            let detail = String(decoding: expired[0].event.raw, as: UTF8.self)
            #expect(detail.contains(#""channel":"down""#))
            #expect(detail.contains("connection refused"))
        }
        await fake.stop()
    }

    @Test func unknownWebhookDisablesTheChannelAndRaisesDeliveryFailed() async throws {
        let fake = FakeNotifyServer()
        try await fake.start()
        fake.script(.discord, [.gone])
        try await Self.run(fake, yaml: Self.channelsYAML(fake), rules: Self.rules("discord, slack")) {
            harness, client in
            _ = try await client.postJSON("/hooks/sonarr", Self.episodeImport(1))
            try await ScanTests.waitUntil {
                try await !ScanTests.internalEvents(harness.daemon.database, "herald.delivery.failed").isEmpty
            }
            _ = try await client.postJSON("/hooks/sonarr", Self.episodeImport(2))
            try await ScanTests.waitUntil { fake.delivered(.slack).count == 2 }
            try await Task.sleep(for: .milliseconds(500))
            #expect(fake.requests.filter { $0.service == .discord }.count == 1, "a disabled channel sends nothing more")
            let dead = try await harness.daemon.database.deliveries(state: .dead, channel: "discord")
            #expect(dead.count == 2)
            #expect(dead.last?.lastError == "HTTP 404: Unknown Webhook (code 10015)")
            #expect(dead.first?.lastError?.hasPrefix("channel disabled") == true)
            let failed = try await ScanTests.internalEvents(harness.daemon.database, "herald.delivery.failed")
            #expect(failed.count == 1)
            #expect(String(decoding: failed[0].event.raw, as: UTF8.self).contains("\"channel\":\"discord\""))
        }
        await fake.stop()
    }

    @Test func aMigratedTelegramGroupGetsTheMessageOnceAtItsNewId() async throws {
        let fake = FakeNotifyServer()
        try await fake.start()
        fake.script(.telegram, [.migrate(to: -1_009_876_543_210)])
        try await Self.run(fake, yaml: Self.channelsYAML(fake), rules: Self.rules("telegram")) { _, client in
            _ = try await client.postJSON("/hooks/sonarr", Self.episodeImport(1))
            try await ScanTests.waitUntil { fake.delivered(.telegram).count == 1 }
            _ = try await client.postJSON("/hooks/sonarr", Self.episodeImport(2))
            try await ScanTests.waitUntil { fake.delivered(.telegram).count == 2 }
            let chats = fake.requests.filter { $0.service == .telegram }.map {
                String(decoding: $0.body, as: UTF8.self).contains("\"chat_id\":-1009876543210")
            }
            #expect(chats == [false, true, true])
        }
        await fake.stop()
    }

    @Test func quietHoursHoldInformationButLetFailuresThroughAndSilentModeSuppressesThePush() async throws {
        let fake = FakeNotifyServer()
        try await fake.start()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let hour = calendar.component(.hour, from: Date())
        func clock(_ hour: Int) -> String { String(format: "%02d:00", (hour + 24) % 24) }
        let quiet = "      quiet_hours: {from: \"\(clock(hour - 1))\", to: \"\(clock(hour + 2))\", mode: hold}\n"
        let silent = """
                quiet:
                  url: discord://222/quiet-token
                  base_url: \(fake.url)
                  quiet_hours: {from: "\(clock(hour - 1))", to: "\(clock(hour + 2))", mode: silent}
            """
        let rules = """
            - name: new episodes
              on: [sonarr.download]
              do:
                - notify: {to: [discord, quiet]}
            - name: failures
              on: [sonarr.download]
              if: {title: {equals: "Chapter 2"}}
              do:
                - notify: {to: [discord], severity: failure, template: failure}
            """
        try await Self.run(fake, yaml: Self.channelsYAML(fake, extra: quiet, more: silent), rules: rules) {
            harness, client in
            _ = try await client.postJSON("/hooks/sonarr", Self.episodeImport(1))
            _ = try await client.postJSON("/hooks/sonarr", Self.episodeImport(2))
            try await ScanTests.waitUntil { fake.delivered(.discord).count == 3 }
            try await Task.sleep(for: .milliseconds(500))
            let paths = fake.delivered(.discord).map(\.path)
            #expect(paths.filter { $0.hasPrefix("/api/webhooks/111/") }.count == 1, "only the failure passes")
            #expect(paths.filter { $0.hasPrefix("/api/webhooks/222/") }.count == 2)
            for request in fake.delivered(.discord) where request.path.hasPrefix("/api/webhooks/222/") {
                #expect(request.json?["flags"] as? Int == 4096)
            }
            let held = try await harness.daemon.database.deliveries(state: .pending, channel: "discord")
            #expect(held.count == 2)
        }
        await fake.stop()
    }

    @Test func plexPostersAreUploadedWhereTheServiceTakesFiles() async throws {
        let fake = FakeNotifyServer()
        try await fake.start()
        let rules = """
            - name: finished
              on: [plex.media.scrobble]
              do:
                - notify: {to: [discord, telegram, slack]}
            """
        let payload = String(
            decoding: try Fixtures.data("plex-webhook-media.scrobble-episode-plex-agent.json"), as: UTF8.self)
        let thumb = Data([0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 7, count: 40_000))
        let boundary = "herald-test-boundary"
        var body = Data(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"payload\"\r\nContent-Type: application/json\r\n\r\n\(payload)\r\n"
                .utf8)
        body += Data(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"thumb\"; filename=\"thumb.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
                .utf8)
        body += thumb + Data("\r\n--\(boundary)--\r\n".utf8)
        let request = body
        try await Self.run(fake, yaml: Self.channelsYAML(fake), rules: rules) { _, client in
            let response = try await client.post(
                "/hooks/plex", headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
                body: ByteBuffer(bytes: Array(request)))
            #expect(response.status == .accepted)
            try await ScanTests.waitUntil {
                fake.delivered(.discord).count == 1 && fake.delivered(.telegram).count == 1
                    && fake.delivered(.slack).count == 1
            }
            let discord = try #require(fake.delivered(.discord).first)
            #expect(discord.files["files[0]"] == thumb)
            let embed = try #require((discord.json?["embeds"] as? [[String: Any]])?.first)
            #expect((embed["thumbnail"] as? [String: Any])?["url"] as? String == "attachment://poster.jpg")
            let telegram = try #require(fake.delivered(.telegram).first)
            #expect(telegram.path.hasSuffix("/sendPhoto"))
            #expect(telegram.files["photo"] == thumb)
            #expect(telegram.json?["chat_id"] as? Int64 == -1_001_234_567_890)
            let slack = try #require(fake.delivered(.slack).first?.json?["blocks"] as? [[String: Any]])
            #expect(!slack.contains { $0["type"] as? String == "image" }, "Slack webhooks cannot upload")
        }
        await fake.stop()
    }

    @Test func aCooldownDropsTheSameMessageWithinItsWindow() async throws {
        let fake = FakeNotifyServer()
        try await fake.start()
        try await Self.run(
            fake, yaml: "api: {token: api-token}\n" + Self.channelsYAML(fake),
            rules: Self.rules("slack", options: ", cooldown: 1h")
        ) { harness, client in
            _ = try await client.postJSON("/hooks/sonarr", Self.episodeImport(1))
            _ = try await client.postJSON("/hooks/sonarr", Self.episodeImport(1))
            _ = try await client.postJSON("/hooks/sonarr", Self.episodeImport(2))
            try await ScanTests.waitUntil { fake.delivered(.slack).count == 2 }
            try await Task.sleep(for: .milliseconds(500))
            #expect(fake.delivered(.slack).count == 2)
            #expect(try await harness.daemon.database.deliveries().count == 2)
            // The outbox through the API, and the counters in /metrics.
            let api = try await client.get(
                "/api/deliveries?channel=slack", headers: [.authorization: "Bearer api-token"])
            #expect(api.status == .ok)
            let listed =
                try JSONSerialization.jsonObject(with: Data((api.body ?? ByteBuffer()).readableBytesView))
                as? [String: Any]
            let rows = try #require(listed?["deliveries"] as? [[String: Any]])
            #expect(rows.count == 2 && rows.allSatisfy { $0["state"] as? String == "sent" })
            let badState = try await client.get(
                "/api/deliveries?state=lost", headers: [.authorization: "Bearer api-token"])
            #expect(badState.status == .badRequest)
            let replay = try await client.post(
                "/api/deliveries/\(rows[0]["id"] as? Int ?? 0)/retry", headers: [.authorization: "Bearer api-token"],
                body: ByteBuffer())
            #expect(replay.status == .conflict)
            let metrics = String(buffer: try await client.get("/metrics").body ?? ByteBuffer())
            #expect(metrics.contains("herald_notifications_sent_total{channel=\"slack\"} 2"))
        }
        await fake.stop()
    }
}
