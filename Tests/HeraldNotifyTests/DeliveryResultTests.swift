import Foundation
import HeraldCore
import Testing

@testable import HeraldNotify

@Suite struct DeliveryResultTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    func classify(
        _ service: ChannelTarget.Service, _ status: Int?, headers: [String: String] = [:], body: String = ""
    ) -> DeliveryResult {
        DeliveryResult.classify(
            service: service, status: status, header: { headers[$0] }, body: Data(body.utf8),
            transportError: status == nil ? "connection refused" : nil, now: now)
    }

    @Test func discordsBodyRetryAfterIsMorePreciseThanItsHeader() {
        let result = classify(
            .discord, 429, headers: ["retry-after": "65", "x-ratelimit-reset-after": "64.57"],
            body: #"{"message": "You are being rate limited.", "retry_after": 64.57, "global": false}"#)
        #expect(result == .retry(after: 64.57, reason: "HTTP 429: You are being rate limited.", global: false))
        let global = classify(.discord, 429, body: #"{"message": "x", "retry_after": 1.5, "global": true}"#)
        guard case .retry(_, _, true) = global else {
            Issue.record("global flag lost")
            return
        }
    }

    @Test func telegramsRetryAfterIsInItsParameters() {
        let result = classify(
            .telegram, 429,
            body:
                #"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 34","parameters":{"retry_after":34}}"#
        )
        #expect(result == .retry(after: 34, reason: "HTTP 429: Too Many Requests: retry after 34", global: false))
    }

    @Test func retryAfterHeaderInSecondsOrAsAnHTTPDate() {
        #expect(
            classify(.slack, 429, headers: ["retry-after": "30"])
                == .retry(after: 30, reason: "HTTP 429", global: false))
        let date = classify(.webhook, 503, headers: ["retry-after": "Wed, 18 Nov 2026 11:08:20 GMT"])
        #expect(date == .retry(after: 100, reason: "HTTP 503", global: false))
        #expect(RetryAfter.parse("Wednesday, 18-Nov-26 11:08:20 GMT", now: now) == 100)
        #expect(RetryAfter.parse("soon", now: now) == nil)
    }

    @Test func goneTargetsDisableTheChannelOtherClientErrorsArePermanent() {
        #expect(
            classify(.discord, 404, body: #"{"message": "Unknown Webhook", "code": 10015}"#)
                == .permanent(reason: "HTTP 404: Unknown Webhook (code 10015)", disableChannel: true))
        #expect(
            classify(.slack, 404, body: "no_service")
                == .permanent(reason: "HTTP 404: no_service", disableChannel: true))
        #expect(
            classify(.slack, 410, body: "channel_is_archived")
                == .permanent(reason: "HTTP 410: channel_is_archived", disableChannel: true))
        #expect(
            classify(.slack, 400, body: "invalid_blocks")
                == .permanent(reason: "HTTP 400: invalid_blocks", disableChannel: false))
        #expect(
            classify(
                .telegram, 403,
                body: #"{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"#)
                == .permanent(reason: "HTTP 403: Forbidden: bot was blocked by the user", disableChannel: false))
        guard case .permanent = classify(.webhook, 301) else {
            Issue.record("redirects must not be followed")
            return
        }
    }

    @Test func serverErrorsAndNoAnswerAreRetried() {
        #expect(classify(.webhook, 502) == .retry(after: nil, reason: "HTTP 502", global: false))
        #expect(classify(.webhook, nil) == .retry(after: nil, reason: "no answer: connection refused", global: false))
        #expect(classify(.discord, 408) == .retry(after: nil, reason: "HTTP 408", global: false))
    }

    @Test func telegramGroupMigrationCarriesTheNewChat() {
        let result = classify(
            .telegram, 400,
            body:
                #"{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1001234567890}}"#
        )
        #expect(
            result
                == .migrated(
                    to: -1_001_234_567_890,
                    reason: "HTTP 400: Bad Request: group chat was upgraded to a supergroup chat"))
    }
}

@Suite struct TemplateTests {
    @Test func builtInTemplateNamesMatchWhatTheConfigurationAccepts() throws {
        #expect(Set(NotificationTemplates.builtInNames) == NotifyActionSpec.builtInTemplates)
    }

    func episode(_ number: Int) -> NotificationItem {
        NotificationItem(
            eventID: "e\(number)", kind: "sonarr.download", source: "sonarr",
            receivedAt: Date(timeIntervalSince1970: 0),
            media: MediaInfo(
                type: .episode, title: "Episode \(number)", show: "The Show", season: 2, episodes: [number]),
            paths: ["/tv/The Show/Season 02/e\(number).mkv"], poster: "https://img/poster.jpg")
    }

    @Test func aSeasonGroupIsOneMessageListingItsEpisodes() throws {
        let renderer = NotificationRenderer(templates: try NotificationTemplates())
        let content = renderer.render(
            template: "new-media", items: (1...22).map(episode), severity: .info, rule: "new", channel: "discord",
            now: Date())
        #expect(content.title == "The Show season 2: 22 new")
        let lines = content.body.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 22, "one line per episode, no blank lines")
        #expect(lines.first == "• The Show – S02E01 – Episode 1")
        #expect(lines.last == "• The Show – S02E22 – Episode 22")
        #expect(content.imageURL == "https://img/poster.jpg")
        let single = renderer.render(
            template: "new-media", items: [episode(3)], severity: .info, rule: "", channel: "c", now: Date())
        #expect(single.title == "New: The Show – S02E03 – Episode 3")
        #expect(single.body == "/tv/The Show/Season 02/e3.mkv")
    }

    @Test func titlesAreNotHTMLEscaped() throws {
        var item = episode(1)
        item.media.show = "Tom & Jerry <Classic>"
        let content = NotificationRenderer(templates: try NotificationTemplates()).render(
            template: "new-media", items: [item], severity: .info, rule: "", channel: "c", now: Date())
        #expect(content.title.contains("Tom & Jerry <Classic>"))
    }

    @Test func userTemplatesReplaceBuiltInsAndBrokenOnesAreReportedWithTheirFile() throws {
        let directory = NSTemporaryDirectory() + "herald-templates-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "Custom {{show}}\n{{#items}}{{episode_code}} {{/items}}".write(
            toFile: directory + "/new-media.mustache", atomically: true, encoding: .utf8)
        let templates = try NotificationTemplates(directory: directory)
        let content = NotificationRenderer(templates: templates).render(
            template: "new-media", items: [episode(1), episode(2)], severity: .info, rule: "", channel: "c", now: Date()
        )
        #expect(content.title == "Custom The Show")
        #expect(content.body == "S02E01 S02E02")
        try "{{#broken}}".write(toFile: directory + "/bad.mustache", atomically: true, encoding: .utf8)
        #expect {
            try NotificationTemplates(directory: directory)
        } throws: { error in
            (error as? TemplateErrors)?.problems.first?.file == directory + "/bad.mustache"
        }
    }

    @Test func aLeavingSoonDigestListsEveryItemWithItsSizeAndDueDate() throws {
        func leaving(_ title: String, size: Int64) -> NotificationItem {
            let detail = [
                "rule": "old films", "title": title, "size": "\(size)", "due": "2026-12-06T08:00:00Z",
                "reason": "added older_than 365d; saw 2024-01-01 → yes",
            ]
            let event = Event(
                receivedAt: Date(timeIntervalSince1970: 0), source: .herald, kind: "herald.candidate.leaving_soon",
                media: MediaInfo(title: title),
                raw: try! JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys]))
            return NotificationItem(event: event)
        }
        let items = [leaving("Old Film (2001)", size: 4 << 30), leaving("Older Film (1999)", size: 700 << 20)]
        // Both events share one group key when grouped by kind, whatever their titles.
        #expect(Set(items.map { $0.groupKey(.kind) }) == ["kind:herald.candidate.leaving_soon"])
        #expect(NotificationTemplates.defaultName(forKind: "herald.candidate.leaving_soon") == "cleanup")
        #expect(NotificationTemplates.defaultName(forKind: "herald.candidate.failed") == "cleanup")
        let renderer = NotificationRenderer(templates: try NotificationTemplates())
        let digest = renderer.render(
            template: "cleanup", items: items, severity: .info, rule: "digest", channel: "c", now: Date())
        #expect(digest.title == "Leaving soon: 2 items")
        #expect(
            digest.body == """
                • Old Film (2001) (4 GiB), due 2026-12-06T08:00:00Z
                • Older Film (1999) (700 MiB), due 2026-12-06T08:00:00Z
                Rule: old films
                """)
        let single = renderer.render(
            template: "cleanup", items: [items[0]], severity: .info, rule: "", channel: "c", now: Date())
        #expect(single.title == "Leaving soon: Old Film (2001)")
        #expect(single.body.contains("Size: 4 GiB\nDue: 2026-12-06T08:00:00Z\nWhy: added older_than 365d"))
    }
}
