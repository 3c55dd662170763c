import Foundation
import HTTPTypes
import HeraldApp
import HeraldConfig
import HeraldCore
import HeraldStore
import HeraldTestSupport
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// People in the loop through the daemon's API: list, postpone, approve, keep, actions, restore.
@Suite(.serialized) struct CandidateAPITests {
    static let auth: HTTPFields = [.authorization: "Bearer api-token"]

    static func json(_ response: TestClient.Response) throws -> [String: Any] {
        let body = try #require(response.body)
        return try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
    }

    @Test func candidatesAreManagedAndArchivesRestoredThroughTheAPI() async throws {
        let media = try TemporaryDirectory(prefix: "herald-media")
        let archive = try TemporaryDirectory(prefix: "herald-archive")
        defer {
            media.remove()
            archive.remove()
        }
        let harness = try DaemonHarness(
            extraYAML: """
                api: {token: api-token}
                cleanup:
                  archive_root: \(archive.path)
                  media_roots: [\(media.path)]
                  paths: [{from: "^/data/", to: "\(media.path)/"}]
                  check_sessions: false
                """,
            rules: """
                - name: old films
                  scope: movie
                  if: {added: {older_than: 365d}}
                  grace: 14d
                  action: archive
                  dry_run: false
                  require_approval: true
                """)
        try await harness.run { client in
            let database = harness.daemon.database
            try FileManager.default.createDirectory(
                atPath: media.path + "/films/Old", withIntermediateDirectories: true)
            try "film".write(toFile: media.path + "/films/Old/Old.mkv", atomically: true, encoding: .utf8)
            let films = ["Old", "Older"].enumerated().map { index, title in
                InventoryItem(
                    guid: "plex://movie/\(index)", kind: .movie, server: "home", section: "1", ratingKey: "\(index)",
                    title: title, addedAt: Date(timeIntervalSinceNow: -800 * 86_400),
                    media: [MediaVersion(parts: [MediaPart(file: "/data/films/\(title)/\(title).mkv", size: 4)])])
            }
            let run = try await database.beginInventorySync(server: "home", section: "1", kind: .movie, now: Date())
            try await database.storeInventoryPage(films, run: run)
            try await database.finishInventorySync(run: run, items: 2, error: nil, now: Date())
            let history = try await database.beginHistorySync(now: Date())
            try await database.finishHistorySync(run: history, rows: 0, error: nil, now: Date())
            let configuration = harness.daemon.configuration.current
            let rule = try #require(configuration.cleanupRules.first)
            let evaluation = CandidateEvaluation(database: database, zone: TimeZone(identifier: "UTC")!)
            _ = try await evaluation.run(rule)

            #expect(try await client.get("/api/candidates").status == .unauthorized)
            var list = try Self.json(try await client.get("/api/candidates?state=leaving_soon", headers: Self.auth))
            var rows = try #require(list["candidates"] as? [[String: Any]])
            #expect(rows.compactMap { $0["subject"] as? String } == ["plex://movie/0@1", "plex://movie/1@1"])
            #expect(try await client.get("/api/candidates?state=gone", headers: Self.auth).status == .badRequest)

            func post(_ verb: String, _ body: String) async throws -> TestClient.Response {
                var headers = Self.auth
                headers[.contentType] = "application/json"
                return try await client.post(
                    "/api/candidates/\(verb)", headers: headers, body: ByteBuffer(string: body))
            }
            #expect(try await post("postpone", #"{"subject": "plex://movie/0@1", "by": "soon"}"#).status == .badRequest)
            #expect(try await post("postpone", #"{"subject": "plex://movie/0@1", "by": "7d"}"#).status == .ok)
            #expect(try await post("approve", "not json").status == .badRequest)
            #expect(try await post("approve", #"{"subject": "plex://movie/9@1"}"#).status == .notFound)
            #expect(try await post("approve", #"{"subject": "plex://movie/0@1"}"#).status == .ok)
            #expect(try await post("destroy", #"{"subject": "plex://movie/0@1"}"#).status == .notFound)
            let kept = try Self.json(try await post("keep", #"{"subject": "plex://movie/1@1", "note": "mine"}"#))
            #expect(kept["candidates_removed"] as? Bool == true)
            list = try Self.json(try await client.get("/api/candidates", headers: Self.auth))
            rows = try #require(list["candidates"] as? [[String: Any]])
            #expect(rows.count == 1)
            #expect(rows.first?["approved_at"] is String)

            // The approved candidate is acted on (here by a pass run directly: the daemon's first pass
            // waits for the inventory's first sync).
            var settings = configuration.cleanup
            settings.checkSessions = false
            let actions = CleanupActions(
                database: database, settings: settings, evaluation: evaluation, clients: [:],
                journal: RecordingJournal(), logger: Logger(label: "test"), now: { Date() })
            #expect(try await actions.runDue(rule).acted == ["plex://movie/0@1"])
            #expect(FileManager.default.fileExists(atPath: archive.path + "/films/Old/Old.mkv"))

            let actionList = try Self.json(try await client.get("/api/cleanup/actions", headers: Self.auth))
            let action = try #require((actionList["actions"] as? [[String: Any]])?.first)
            #expect(action["state"] as? String == "done" && action["action"] as? String == "archive")
            let id = try #require(action["id"] as? Int)
            let restored = try await client.post(
                "/api/cleanup/actions/\(id)/restore", headers: Self.auth, body: ByteBuffer())
            #expect(restored.status == .ok)
            #expect(FileManager.default.fileExists(atPath: media.path + "/films/Old/Old.mkv"))
            let again = try await client.post(
                "/api/cleanup/actions/\(id)/restore", headers: Self.auth, body: ByteBuffer())
            #expect(again.status == .conflict)
            #expect(try Self.json(again)["error"] as? String == "action \(id) is restored, not a finished archive")
            #expect(
                try await client.post("/api/cleanup/actions/x/restore", headers: Self.auth, body: ByteBuffer()).status
                    == .badRequest)
        }
    }
}
