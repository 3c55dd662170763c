import Foundation
import HTTPTypes
import HeraldApp
import HeraldCore
import HeraldStore
import HeraldTestSupport
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

@Suite struct DaemonTests {
    @Test func healthReadinessAndMetrics() async throws {
        let harness = try DaemonHarness()
        try await harness.run { client in
            #expect(try await client.get("/healthz").status == .ok)
            let ready = try await client.get("/readyz")
            #expect(ready.status == .ok)
            #expect(String(buffer: ready.body ?? ByteBuffer()).contains(#""status":"ready""#))
            let accepted = try await client.postJSON("/hooks/sonarr", Fixtures.data("sonarr-v4-download.json"))
            #expect(accepted.status == .accepted)
            _ = try await client.post(
                "/hooks/sonarr", headers: [.contentType: "text/plain"], body: ByteBuffer(string: "x"))
            let metrics = String(buffer: try await client.get("/metrics").body ?? ByteBuffer())
            #expect(metrics.contains(#"herald_events_received_total{source="sonarr",kind="sonarr.download"} 1"#))
            #expect(
                metrics.contains(#"herald_events_rejected_total{source="sonarr",reason="unsupported_media_type"} 1"#))
            #expect(metrics.contains("herald_journal_commit_seconds"))
            #expect(
                metrics.contains(
                    #"herald_http_request_duration_seconds_count{method="POST",route="/hooks/sonarr",status="202"} 1"#))
        }
    }

    /// Metric labels come from closed sets: event types a sender made up, generic event names and
    /// methods outside HTTP's own never become series of their own (NIO's parser refuses
    /// methods it does not know outright; WebDAV's and the like are counted as "other").
    @Test func senderChosenStringsNeverBecomeMetricLabels() async throws {
        let harness = try DaemonHarness(extraYAML: "sources: {generic: {ci: {token: t}}}\n")
        try await harness.run { client in
            for number in 1...20 {
                let body = #"{"eventType": "MadeUpType\#(number)", "series": {"id": 1, "title": "S", "path": "/tv/S"}}"#
                #expect(try await client.postJSON("/hooks/sonarr", Data(body.utf8)).status == .accepted)
                let generic = try await client.postJSON(
                    "/hooks/generic/ci?token=t&event=build\(number)", Data(#"{"title": "x"}"#.utf8))
                #expect(generic.status == .accepted)
                let method = HTTPRequest.Method(number.isMultiple(of: 2) ? "PROPFIND" : "MKCOL")!
                _ = try await client.execute(.init("/healthz", method: method))
            }
            let metrics = String(buffer: try await client.get("/metrics").body ?? ByteBuffer())
            #expect(metrics.contains(#"herald_events_received_total{source="sonarr",kind="sonarr.unknown"} 20"#))
            #expect(metrics.contains(#"herald_events_received_total{source="generic",kind="generic.ci"} 20"#))
            #expect(!metrics.contains("made_up_type"), "no series per invented event type")
            #expect(!metrics.contains("build1"), "no series per generic event name")
            #expect(!metrics.contains("PROPFIND") && !metrics.contains("MKCOL"), "no series per unusual method")
            #expect(metrics.contains(#"method="other",route="NotFound",status="404""#))
        }
    }

    /// One event whose consequences cannot be recorded does not hold up the others: it is
    /// retried, then set aside with the reason, announced, and the events behind it go on.
    @Test func aPoisonEventIsSetAsideAndTheRestIsDispatched() async throws {
        let attempts = Mutex(0)
        struct RuleFailed: Error, CustomStringConvertible { var description: String { "the rule blew up" } }
        let harness = try DaemonHarness(dispatchHandler: { entries in
            if entries.contains(where: { $0.event.kind == "sonarr.grab" }) {
                attempts.withLock { $0 += 1 }
                throw RuleFailed()
            }
            return DispatchWork()
        })
        let database = harness.daemon.database
        try await harness.run { client in
            for name in ["sonarr-v4-download.json", "sonarr-v4-grab-constructed.json", "radarr-v5-download.json"] {
                #expect(
                    try await client.postJSON(
                        "/hooks/\(name.hasPrefix("sonarr") ? "sonarr" : "radarr")", Fixtures.data(name)
                    ).status == .accepted)
            }
            try await waitUntil("every event, the poison one set aside, to be dispatched") {
                let pending = try await database.eventCount(pendingOnly: true)
                let notices = try await database.events(matching: EventFilter(kind: "herald.dispatch.failed"))
                return pending == 0 && !notices.isEmpty
            }
            let entries = try await database.events(matching: EventFilter(limit: 10))
            let grab = try #require(entries.first { $0.event.kind == "sonarr.grab" })
            #expect(grab.dispatchFailure == "the rule blew up")
            #expect(grab.summaryLine.contains("[dispatch failed: the rule blew up]"))
            #expect(
                entries.first { $0.event.kind == "radarr.download" }?.dispatchedAt != nil, "the event behind it went on"
            )
            let notice = try #require(entries.first { $0.event.kind == "herald.dispatch.failed" })
            #expect(String(decoding: notice.event.raw, as: UTF8.self).contains(#""event_kind":"sonarr.grab""#))
        }
        #expect(attempts.withLock { $0 } >= 3, "retried before giving up")
    }

    @Test func eventsAreDispatchedAfterTheyAreJournalled() async throws {
        let harness = try DaemonHarness()
        try await harness.run { client in
            for name in ["radarr-v5-download.json", "radarr-v5-grab.json", "radarr-v5-test.json"] {
                #expect(try await client.postJSON("/hooks/radarr", Fixtures.data(name)).status == .accepted)
            }
            var pending = try await harness.daemon.database.eventCount(pendingOnly: true)
            for _ in 0..<200 where pending > 0 {
                try await Task.sleep(for: .milliseconds(10))
                pending = try await harness.daemon.database.eventCount(pendingOnly: true)
            }
            #expect(pending == 0)
            #expect(try await harness.daemon.database.eventCount() == 3)
        }
    }

    @Test func theEventsAPIIsClosedWithoutATokenAndProtectedWithOne() async throws {
        let closed = try DaemonHarness()
        try await closed.run { client in
            let response = try await client.get("/api/events")
            #expect(response.status == .forbidden)
        }
        let open = try DaemonHarness(extraYAML: "api: {token: apitoken}\n")
        try await open.run { client in
            #expect(try await client.get("/api/events").status == .unauthorized)
            _ = try await client.postJSON("/hooks/sonarr", Fixtures.data("sonarr-v4-download.json"))
            _ = try await client.postJSON("/hooks/radarr", Fixtures.data("radarr-v5-download.json"))
            let response = try await client.get(
                "/api/events?source=sonarr", headers: [.authorization: "Bearer apitoken"])
            #expect(response.status == .ok)
            let object = try JSONSerialization.jsonObject(with: Data((response.body ?? ByteBuffer()).readableBytesView))
            let events = try #require((object as? [String: Any])?["events"] as? [[String: Any]])
            #expect(events.count == 1)
            #expect(events.first?["kind"] as? String == "sonarr.download")
            #expect((events.first?["raw"] as? [String: Any])?["eventType"] as? String == "Download")
            let bad = try await client.get("/api/events?since=yesterday", headers: [.authorization: "Bearer apitoken"])
            #expect(bad.status == .badRequest)
            // Pages of at most 1,000, with a cursor to the next page in the direction asked.
            let auth: HTTPFields = [.authorization: "Bearer apitoken"]
            #expect(try await client.get("/api/events?limit=5000", headers: auth).status == .badRequest)
            func page(_ query: String) async throws -> (sequences: [Int64], next: [String: Int64]) {
                let body = try await client.get("/api/events?" + query, headers: auth).body ?? ByteBuffer()
                let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
                let events = (object?["events"] as? [[String: Any]]) ?? []
                var next: [String: Int64] = [:]
                for key in ["next_before", "next_after"] { next[key] = (object?[key] as? NSNumber)?.int64Value }
                return (events.compactMap { ($0["sequence"] as? NSNumber)?.int64Value }, next)
            }
            let newest = try await page("limit=1")
            #expect(newest.sequences == [2] && newest.next["next_before"] == 2)
            #expect(try await page("before=2&limit=1").sequences == [1])
            let forward = try await page("after=0&limit=1")
            #expect(forward.sequences == [1] && forward.next["next_after"] == 1)
            #expect(try await page("after=1&limit=5").sequences == [2])
            // Never in the URL, where proxies and browsers log it.
            #expect(try await client.get("/api/events?token=apitoken").status == .unauthorized)
        }
    }

    @Test func theWatcherShowsInReadinessAndMetrics() async throws {
        let media = try TemporaryDirectory()
        defer { media.remove() }
        let harness = try DaemonHarness(extraYAML: "watch: {roots: [\"\(media.path)\"], settle: 200ms}\n")
        try await harness.run { client in
            try await Task.sleep(for: .milliseconds(300))
            try media.write("a.mkv", "x")
            try media.write("b.mkv", "x")
            var metrics = ""
            for _ in 0..<60 where !metrics.contains(#"herald_watch_events_total{kind="fs.created"} 2"#) {
                try await Task.sleep(for: .milliseconds(100))
                metrics = String(buffer: try await client.get("/metrics").body ?? ByteBuffer())
            }
            #expect(metrics.contains(#"herald_watch_events_total{kind="fs.created"} 2"#))
            #expect(metrics.contains("herald_watch_watches 1"))
            #expect(metrics.contains("herald_watch_degraded 0"))
            let ready = String(buffer: try await client.get("/readyz").body ?? ByteBuffer())
            #expect(ready.contains(#""watch":{"degraded":null,"polled_trees":0,"watches":1}"#))
        }
    }
}
