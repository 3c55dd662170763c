import Foundation
import HTTPTypes
import HeraldApp
import HeraldCore
import HeraldStore
import HeraldTestSupport
import HeraldWatch
import HummingbirdTesting
import NIOCore
import Testing

/// Targeted scans end to end: webhooks in, the real daemon, a fake Plex on loopback.
@Suite(.serialized) struct ScanTests {
    static let rules = """
        - name: scan imports
          on: [sonarr.download, sonarr.series_delete, radarr.download]
          do:
            - scan: {server: home, wait: 1s, max_wait: 20s}
        """

    static func plexYAML(
        _ plex: FakePlexServer, anchors: [String] = [], maxAttempts: Int = 20, token: String? = nil
    ) -> String {
        """
        plex:
          home:
            url: \(plex.url)
            token: \(token ?? plex.token)
            pacing: 10ms
            timeout: 300ms
            anchors: [\(anchors.map { "\"\($0)\"" }.joined(separator: ", "))]
            max_attempts: \(maxAttempts)
            retry: {initial: 200ms, max: 1s}

        """
    }

    /// A Sonarr per-file import of one episode of a season in the fake Plex's TV section.
    static func sonarrImport(episode: Int, series: String = "/storage/media/tv/Show") throws -> Data {
        var object = try JSONSerialization.jsonObject(with: Fixtures.data("sonarr-v4-download.json")) as! [String: Any]
        var seriesObject = object["series"] as! [String: Any]
        seriesObject["path"] = series
        object["series"] = seriesObject
        var file = object["episodeFile"] as! [String: Any]
        file["relativePath"] = "Season 01/Show - S01E\(String(format: "%02d", episode)).mkv"
        object["episodeFile"] = file
        return try JSONSerialization.data(withJSONObject: object)
    }

    /// Starts a fake Plex, runs the daemon with the scan rules against it, then stops both.
    static func withPlex(
        mode: FakePlexServer.Mode = .normal, rules: String = ScanTests.rules, extraYAML: String = "",
        _ body: @Sendable (FakePlexServer, DaemonHarness, TestClient) async throws -> Void
    ) async throws {
        let plex = try FakePlexServer()
        try await plex.start()
        plex.setMode(mode)
        let harness = try DaemonHarness(extraYAML: plexYAML(plex) + extraYAML, rules: rules)
        do {
            try await harness.run { client in try await body(plex, harness, client) }
        } catch {
            await plex.stop()
            throw error
        }
        await plex.stop()
    }

    /// Herald sees the library under `media`; Plex sees it under /storage/media/tv (the fake's TV section).
    static func mediaRewrite(_ media: TemporaryDirectory) -> String {
        "    rewrites: [{from: \"^\(media.path)/\", to: \"/storage/media/tv/\"}]\n"
    }

    /// Waits for a state; fails (throws, with the waiting line) when it does not come in time.
    static func waitUntil(
        timeout: Duration = .seconds(10), fileID: String = #fileID, line: Int = #line,
        _ condition: () async throws -> Bool
    ) async throws {
        try await HeraldTestSupport.waitUntil(timeout: timeout, fileID: fileID, line: line, condition)
    }

    static func internalEvents(_ database: AppDatabase, _ kind: String) async throws -> [JournalEntry] {
        try await database.events(matching: EventFilter(kind: kind, limit: 1000))
    }

    @Test func aSeasonImportOfTwentyFourFilesIsOneScanAfterTheWait() async throws {
        let plex = try FakePlexServer()
        try await plex.start()
        // A 3 s sliding wait: long enough that a loaded CI machine never leaves a gap that wide between two
        // of the 24 posts, so a second scan here can only mean the coalescing broke.
        let rules = Self.rules.replacingOccurrences(of: "wait: 1s,", with: "wait: 3s,")
        let harness = try DaemonHarness(extraYAML: Self.plexYAML(plex), rules: rules)
        try await harness.run { client in
            let started = ContinuousClock.now
            for episode in 1...24 {
                let response = try await client.postJSON("/hooks/sonarr", Self.sonarrImport(episode: episode))
                #expect(response.status == .accepted)
            }
            try await Self.waitUntil { !plex.refreshes.isEmpty }
            #expect(ContinuousClock.now - started >= .seconds(3), "not before the wait")
            try await Task.sleep(for: .milliseconds(1500))
            #expect(plex.refreshes.map(\.folder) == ["/storage/media/tv/Show/Season 01"])
            #expect(plex.refreshes.map(\.section) == ["2"])
            #expect(plex.requests.allSatisfy { $0.method == "GET" && $0.token == plex.token })
            let issued = try await Self.internalEvents(harness.daemon.database, "herald.scan.issued")
            #expect(issued.count == 1)
            #expect(issued.first?.event.paths == ["/storage/media/tv/Show/Season 01"])
        }
        await plex.stop()
    }

    @Test func plexDownForAWhileGivesOneScanAfterRecovery() async throws {
        let plex = try FakePlexServer()
        try await plex.start()
        let harness = try DaemonHarness(extraYAML: Self.plexYAML(plex), rules: Self.rules)
        try await harness.run { client in
            // Sections stored while Plex is up, however long a loaded machine takes to fetch them.
            try await Self.waitUntil { try await !harness.daemon.database.sections(server: "home").isEmpty }
            await plex.stop()
            #expect(try await client.postJSON("/hooks/sonarr", Self.sonarrImport(episode: 1)).status == .accepted)
            // The wait ends and an attempt fails.
            try await Self.waitUntil {
                try await (harness.daemon.database.scanRequests(server: "home").first?.attempts ?? 0) >= 1
            }
            try await plex.start()
            try await Self.waitUntil { !plex.refreshes.isEmpty }
            try await Task.sleep(for: .milliseconds(500))
            #expect(plex.refreshes.count == 1)
            let scans = try await harness.daemon.database.scanRequests(server: "home")
            #expect(scans.map(\.status) == ["done"])
            #expect(scans.first.map { $0.attempts > 1 } == true, "\(scans.map { ($0.status, $0.attempts) })")
            #expect(try await Self.internalEvents(harness.daemon.database, "herald.scan.failed").isEmpty)
        }
        await plex.stop()
    }

    @Test func a401IsAnAlertNotARetryLoop() async throws {
        try await Self.withPlex(mode: .status(401)) { plex, harness, client in
            _ = try await client.postJSON("/hooks/sonarr", Self.sonarrImport(episode: 1))
            try await Self.waitUntil {
                try await !Self.internalEvents(harness.daemon.database, "herald.scan.failed").isEmpty
            }
            try await Task.sleep(for: .milliseconds(800))
            #expect(plex.refreshes.count == 1)
            let failed = try await Self.internalEvents(harness.daemon.database, "herald.scan.failed")
            #expect(failed.count == 1)
            #expect(String(decoding: failed[0].event.raw, as: UTF8.self).contains("rejected the token (401)"))
        }
    }

    @Test func a524IsRetriedNotFatal() async throws {
        try await Self.withPlex(mode: .status(524)) { plex, harness, client in
            _ = try await client.postJSON("/hooks/sonarr", Self.sonarrImport(episode: 1))
            try await Self.waitUntil { plex.refreshes.count >= 2 }
            plex.setMode(.normal)
            try await Self.waitUntil { try await harness.daemon.database.scanRequests().first?.status == "done" }
            #expect(try await harness.daemon.database.scanRequests().first?.status == "done")
            #expect(try await Self.internalEvents(harness.daemon.database, "herald.scan.failed").isEmpty)
        }
    }

    @Test func nothingIsIssuedWhileAnAnchorIsMissing() async throws {
        let plex = try FakePlexServer()
        try await plex.start()
        let anchorDirectory = try TemporaryDirectory()
        defer { anchorDirectory.remove() }
        let anchor = anchorDirectory.path + "/.herald-anchor"
        let harness = try DaemonHarness(extraYAML: Self.plexYAML(plex, anchors: [anchor]), rules: Self.rules)
        try await harness.run { client in
            _ = try await client.postJSON("/hooks/sonarr", Self.sonarrImport(episode: 1))
            _ = try await client.postJSON(
                "/hooks/sonarr", Self.sonarrImport(episode: 2, series: "/storage/media/tv/Other"))
            try await Task.sleep(for: .seconds(2))
            #expect(plex.refreshes.isEmpty)
            #expect(try await Self.internalEvents(harness.daemon.database, "herald.scan.held").count == 1)
            try anchorDirectory.write(".herald-anchor", "")
            try await Self.waitUntil(timeout: .seconds(12)) { plex.refreshes.count == 2 }
            #expect(plex.refreshes.count == 2)
        }
        await plex.stop()
    }

    @Test func aRestartWhileScansArePendingIssuesEachExactlyOnce() async throws {
        let plex = try FakePlexServer()
        try await plex.start()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let slow = Self.rules.replacingOccurrences(of: "wait: 1s", with: "wait: 2s")
        let first = try DaemonHarness(extraYAML: Self.plexYAML(plex), rules: slow, directory: directory)
        try await first.run { client in
            _ = try await client.postJSON("/hooks/sonarr", Self.sonarrImport(episode: 1))
            _ = try await client.postJSON(
                "/hooks/sonarr", Self.sonarrImport(episode: 1, series: "/storage/media/tv/Other"))
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(plex.refreshes.isEmpty, "stopped before the wait ended")
        let second = try DaemonHarness(extraYAML: Self.plexYAML(plex), rules: slow, directory: directory)
        try await second.run { _ in
            try await Self.waitUntil { plex.refreshes.count >= 2 }
            try await Task.sleep(for: .seconds(1))
        }
        #expect(
            plex.refreshes.map(\.folder).sorted() == [
                "/storage/media/tv/Other/Season 01", "/storage/media/tv/Show/Season 01",
            ])
        await plex.stop()
    }

    @Test func aFolderInNoSectionIsDroppedWithAnEvent() async throws {
        try await Self.withPlex() { plex, harness, client in
            _ = try await client.postJSON("/hooks/sonarr", Self.sonarrImport(episode: 1, series: "/elsewhere/Show"))
            try await Self.waitUntil {
                try await !Self.internalEvents(harness.daemon.database, "herald.scan.unmatched").isEmpty
            }
            #expect(plex.refreshes.isEmpty)
            let unmatched = try await Self.internalEvents(harness.daemon.database, "herald.scan.unmatched")
            #expect(unmatched.first?.event.paths == ["/elsewhere/Show/Season 01"])
        }
    }

    /// A section list that cannot be read (a wrong token: 401) is unknown, not empty: the scan is
    /// held, not dropped as unmatched, and the failure is announced once.
    @Test func aWrongTokenHoldsScansAndSaysSoOnce() async throws {
        let plex = try FakePlexServer()
        try await plex.start()
        let harness = try DaemonHarness(extraYAML: Self.plexYAML(plex, token: "wrong-token"), rules: Self.rules)
        try await harness.run { client in
            for episode in 1...2 {
                _ = try await client.postJSON(
                    "/hooks/sonarr", Self.sonarrImport(episode: episode, series: "/x/Show\(episode)"))
            }
            let database = harness.daemon.database
            try await Self.waitUntil { try await !Self.internalEvents(database, "herald.scan.failed").isEmpty }
            let failed = try await Self.internalEvents(database, "herald.scan.failed")
            #expect(failed.count == 1, "announced once, not per scan or per retry")
            #expect(String(decoding: failed[0].event.raw, as: UTF8.self).contains("cannot be read"))
            #expect(try await Self.internalEvents(database, "herald.scan.unmatched").isEmpty)
            #expect(try await database.scanRequests(server: "home").allSatisfy { $0.status == "pending" })
            #expect(plex.refreshes.isEmpty)
        }
        await plex.stop()
    }

    /// `pacing` is the least time between two requests to one server, however many folders are due.
    @Test func pacingSpacesTheRequestsToOneServer() async throws {
        let rules = """
            - name: scan what the script says
              on: [generic.ci]
              do:
                - scan: {server: home, wait: 200ms}
            """
        let plex = try FakePlexServer()
        try await plex.start()
        let yaml =
            Self.plexYAML(plex).replacingOccurrences(of: "pacing: 10ms", with: "pacing: 400ms")
            + "sources: {generic: {ci: {}}}\n"
        let harness = try DaemonHarness(extraYAML: yaml, rules: rules)
        try await harness.run { client in
            let folders = (1...4).map { "\"/storage/media/tv/Show \($0)\"" }.joined(separator: ", ")
            let body = Data("{\"paths\": [\(folders)]}".utf8)
            #expect(try await client.postJSON("/hooks/generic/ci", body).status == .accepted)
            try await Self.waitUntil { plex.refreshes.count == 4 }
            let times = plex.refreshes.map(\.at).sorted()
            for (earlier, later) in zip(times, times.dropFirst()) {
                #expect(
                    later.timeIntervalSince(earlier) >= 0.4 - 0.02,
                    "requests \(later.timeIntervalSince(earlier)) s apart")
            }
        }
        await plex.stop()
    }

    @Test func theGateHoldsAScanUntilTheFolderExistsAndSettles() async throws {
        let media = try TemporaryDirectory()
        defer { media.remove() }
        let yaml = Self.mediaRewrite(media) + "    gate: {stable_for: 1s, max_checks: 20}\n"
        try await Self.withPlex(extraYAML: yaml) { plex, _, client in
            let body = try Self.sonarrImport(episode: 1, series: media.path + "/Show")
            #expect(try await client.postJSON("/hooks/sonarr", body).status == .accepted)
            try await Task.sleep(for: .milliseconds(1800))
            #expect(plex.refreshes.isEmpty, "the season folder does not exist yet")
            try FileManager.default.createDirectory(
                atPath: media.path + "/Show/Season 01", withIntermediateDirectories: true)
            try media.write("Show/Season 01/Show - S01E01.mkv", "still copying")
            let created = ContinuousClock.now
            try await Self.waitUntil { !plex.refreshes.isEmpty }
            #expect(ContinuousClock.now - created >= .milliseconds(900), "not before the folder was quiet for 1 s")
            #expect(plex.refreshes.map(\.folder) == ["/storage/media/tv/Show/Season 01"])
        }
    }

    /// A season folder on disk that Plex sees under /storage/media/tv, with verification on.
    static func verifiedImport(
        duration: Duration, addsFiles: Bool, timeout: String,
        _ check: @Sendable (FakePlexServer, DaemonHarness) async throws -> Void
    ) async throws {
        let media = try TemporaryDirectory()
        defer { media.remove() }
        try FileManager.default.createDirectory(
            atPath: media.path + "/Show/Season 01", withIntermediateDirectories: true)
        let yaml = Self.mediaRewrite(media) + "    verify: {interval: 200ms, timeout: \(timeout)}\n"
        try await Self.withPlex(extraYAML: yaml) { plex, harness, client in
            plex.setScans(duration: duration, addsFiles: addsFiles)
            let body = try Self.sonarrImport(episode: 1, series: media.path + "/Show")
            #expect(try await client.postJSON("/hooks/sonarr", body).status == .accepted)
            try await check(plex, harness)
        }
    }

    @Test func aVerifiedScanIsCompletedOnceTheSectionIsIdleAndShowsTheFolder() async throws {
        try await Self.verifiedImport(duration: .milliseconds(1200), addsFiles: true, timeout: "10s") { plex, harness in
            try await Self.waitUntil {
                try await !Self.internalEvents(harness.daemon.database, "herald.scan.completed").isEmpty
            }
            let issued = try #require(
                try await Self.internalEvents(harness.daemon.database, "herald.scan.issued").first)
            let completed = try #require(
                try await Self.internalEvents(harness.daemon.database, "herald.scan.completed").first)
            #expect(completed.event.paths == ["/storage/media/tv/Show/Season 01"])
            #expect(
                completed.event.receivedAt.timeIntervalSince(issued.event.receivedAt) >= 1.2, "not while refreshing")
            #expect(plex.requests.contains { $0.path == "/library/recentlyAdded" })
            #expect(try await Self.internalEvents(harness.daemon.database, "herald.scan.unverified").isEmpty)
        }
    }

    @Test func aScanPlexDoesNotShowIsUnverifiedWithTheReason() async throws {
        try await Self.verifiedImport(duration: .zero, addsFiles: false, timeout: "1s") { _, harness in
            try await Self.waitUntil {
                try await !Self.internalEvents(harness.daemon.database, "herald.scan.unverified").isEmpty
            }
            let event = try #require(
                try await Self.internalEvents(harness.daemon.database, "herald.scan.unverified").first)
            let detail = try JSONSerialization.jsonObject(with: event.event.raw) as? [String: String]
            #expect(
                detail?["reason"]
                    == "Plex finished scanning but shows nothing under /storage/media/tv/Show/Season 01 among its recently added items"
            )
        }
    }

    @Test func aScanStillRunningAtTheTimeoutIsUnverified() async throws {
        try await Self.verifiedImport(duration: .seconds(30), addsFiles: true, timeout: "1s") { _, harness in
            try await Self.waitUntil {
                try await !Self.internalEvents(harness.daemon.database, "herald.scan.unverified").isEmpty
            }
            let event = try #require(
                try await Self.internalEvents(harness.daemon.database, "herald.scan.unverified").first)
            let detail = try JSONSerialization.jsonObject(with: event.event.raw) as? [String: String]
            #expect(detail?["reason"] == "Plex was still scanning the section after 1s")
        }
    }

    @Test func aSeasonLandingOnDiskIsOneScanThroughTheWatcher() async throws {
        let media = try TemporaryDirectory()
        defer { media.remove() }
        let yaml = Self.mediaRewrite(media) + "watch:\n  roots: [\"\(media.path)\"]\n  settle: 300ms\n"
        let rules = """
            - name: scan files seen on disk
              on: [fs.created, fs.moved]
              do: [scan: {server: home, wait: 1s, max_wait: 20s}]
            """
        try await Self.withPlex(rules: rules, extraYAML: yaml) { plex, harness, _ in
            try await Self.waitUntil { (harness.daemon.readiness.watch?.watches ?? 0) > 0 }  // every folder watched
            try FileManager.default.createDirectory(
                atPath: media.path + "/Show/Season 01", withIntermediateDirectories: true)
            for episode in 1...24 {
                try media.write("Show/Season 01/Show - S01E\(String(format: "%02d", episode)).mkv", "video")
            }
            try await Self.waitUntil { !plex.refreshes.isEmpty }
            try await Task.sleep(for: .milliseconds(1500))
            #expect(plex.refreshes.map(\.folder) == ["/storage/media/tv/Show/Season 01"])
            let created = try await harness.daemon.database.events(
                matching: EventFilter(kind: "fs.created", limit: 100))
            #expect(created.count == 24)
        }
    }
}
