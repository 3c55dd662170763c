import CoreMetrics
import Foundation
import HTTPTypes
import HeraldCore
import HeraldIngest
import HeraldTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@Suite struct WebhookRoutesTests {
    let journal = RecordingJournal()

    /// The routes as the daemon serves them.
    func app(_ settings: IngestSettings = IngestSettings()) -> some ApplicationProtocol {
        Self.app(journal: journal, settings: settings)
    }

    /// The same, for any journal, with `extraRoutes` of a test's own on the router.
    static func app(
        journal: any EventJournal, settings: IngestSettings = IngestSettings(),
        extraRoutes: (Router<HeraldRequestContext>) -> Void = { _ in },
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: HeraldRequestContext.self)
        let intake = WebhookIntake(
            journal: journal, settings: Reloadable(settings),
            metrics: IngestMetrics(factory: NOOPMetricsHandler.instance),
            logger: Logger(label: "test"))
        WebhookRoutes(intake: intake).register(on: router)
        extraRoutes(router)
        return Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: onServerRunning)
    }

    static let json: HTTPFields = [.contentType: "application/json"]

    func bytes(_ name: String) throws -> ByteBuffer { ByteBuffer(bytes: Array(try Fixtures.data(name))) }

    @Test func sonarrDownloadIsJournalledAndAnswered202() async throws {
        let body = try bytes("sonarr-v4-download.json")
        try await app().test(.live) { client in
            let response = try await client.execute(uri: "/hooks/sonarr", method: .post, headers: Self.json, body: body)
            #expect(response.status == .accepted)
            let answer = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
            #expect(answer?["kind"] as? String == "sonarr.download")
        }
        #expect(journal.events.map(\.kind) == ["sonarr.download"])
    }

    @Test func testEventsAreAnswered2xxSoArrKeepsTheConnection() async throws {
        let body = try bytes("radarr-v5-test.json")
        try await app().test(.live) { client in
            let response = try await client.execute(uri: "/hooks/radarr", method: .post, headers: Self.json, body: body)
            #expect(response.status == .accepted)
            #expect(String(buffer: response.body).contains("\"ignored\""))
        }
        #expect(journal.events.first?.ignoredReason == "test event from Radarr")
    }

    @Test func plexMultipartWithThumb() async throws {
        let payload = String(
            decoding: try Fixtures.data("plex-webhook-media.scrobble-episode-plex-agent.json"), as: UTF8.self)
        let thumb = [UInt8](repeating: 0xFF, count: 2 << 20)
        let body = MultipartParserTests.body(payload: payload, thumb: thumb)
        let headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(MultipartParserTests.boundary)"]
        try await app().test(.live) { client in
            let response = try await client.execute(
                uri: "/hooks/plex", method: .post, headers: headers, body: ByteBuffer(bytes: body))
            #expect(response.status == .accepted)
        }
        #expect(journal.events.first?.kind == "plex.media.scrobble")
        #expect(journal.events.first?.raw == Data(payload.utf8), "only the payload part is kept")
        #expect(journal.events.first?.thumb == nil, "posters are kept only for notifications that show them")
    }

    /// Plex sends one `payload` part: a body with two is refused, not read as whichever came first.
    @Test func plexMultipartWithTwoPayloadsIs400() async throws {
        let payload = String(
            decoding: try Fixtures.data("plex-webhook-media.scrobble-episode-plex-agent.json"), as: UTF8.self)
        let boundary = MultipartParserTests.boundary
        let part = "--\(boundary)\r\nContent-Disposition: form-data; name=\"payload\"\r\n\r\n\(payload)\r\n"
        let body = Array((part + part + "--\(boundary)--\r\n").utf8)
        let headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]
        try await app().test(.live) { client in
            let response = try await client.execute(
                uri: "/hooks/plex", method: .post, headers: headers, body: ByteBuffer(bytes: body))
            #expect(response.status == .badRequest)
            #expect(String(buffer: response.body).contains("more than one 'payload' part"))
        }
        #expect(journal.events.isEmpty)
    }

    @Test func plexPostersAreKeptForNotificationsUpTo2MiB() async throws {
        let payload = String(
            decoding: try Fixtures.data("plex-webhook-media.scrobble-episode-plex-agent.json"), as: UTF8.self)
        let headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(MultipartParserTests.boundary)"]
        let small = [UInt8](repeating: 0xD8, count: 150_000)
        let large = [UInt8](repeating: 0xFF, count: (2 << 20) + 1)
        try await app(IngestSettings(keepPlexPosters: true)).test(.live) { client in
            for thumb in [small, large] {
                let response = try await client.execute(
                    uri: "/hooks/plex", method: .post, headers: headers,
                    body: ByteBuffer(bytes: MultipartParserTests.body(payload: payload, thumb: thumb)))
                #expect(response.status == .accepted)
            }
        }
        #expect(journal.events.map(\.thumb) == [Data(small), nil], "a poster over 2 MiB is accepted, not kept")
    }

    @Test func plexThumbOverTheLimitIs413() async throws {
        let body = MultipartParserTests.body(
            payload: "{\"event\":\"library.new\"}", thumb: [UInt8](repeating: 1, count: 4096))
        let headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(MultipartParserTests.boundary)"]
        try await app(IngestSettings(maxPlexRequestSize: 2048)).test(.live) { client in
            let response = try await client.execute(
                uri: "/hooks/plex", method: .post, headers: headers, body: ByteBuffer(bytes: body))
            #expect(response.status == .contentTooLarge)
        }
        #expect(journal.events.isEmpty)
    }

    @Test func plexAcceptsBareJSONAndFormEncodedPayload() async throws {
        let payload = #"{"event":"media.resume"}"#
        let form = "payload=" + payload.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        try await app().test(.live) { client in
            let first = try await client.execute(
                uri: "/hooks/plex", method: .post, headers: Self.json, body: ByteBuffer(string: payload))
            #expect(first.status == .accepted)
            let second = try await client.execute(
                uri: "/hooks/plex", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: form))
            #expect(second.status == .accepted)
        }
        #expect(journal.events.map(\.kind) == ["plex.media.resume", "plex.media.resume"])
    }

    @Test func plexAuthenticatesWithATokenInTheURL() async throws {
        let settings = IngestSettings(sources: [.plex: .init(credentials: SourceCredentials(token: Secret("s3cret")))])
        let body = ByteBuffer(string: #"{"event":"media.play"}"#)
        try await app(settings).test(.live) { client in
            let missing = try await client.execute(uri: "/hooks/plex", method: .post, headers: Self.json, body: body)
            #expect(missing.status == .unauthorized)
            let wrong = try await client.execute(
                uri: "/hooks/plex?token=s3crex", method: .post, headers: Self.json, body: body)
            #expect(wrong.status == .unauthorized)
            let right = try await client.execute(
                uri: "/hooks/plex?token=s3cret", method: .post, headers: Self.json, body: body)
            #expect(right.status == .accepted)
        }
        #expect(journal.events.count == 1)
    }

    @Test func arrAuthenticatesWithBasicOrHeaderToken() async throws {
        let credentials = SourceCredentials(token: Secret("tok"), username: "sonarr", password: Secret("pw"))
        let settings = IngestSettings(sources: [.sonarr: .init(credentials: credentials)])
        let body = try bytes("sonarr-test-minimal-autoscan.json")
        @Sendable func basic(_ user: String, _ password: String) -> HTTPFields {
            [
                .contentType: "application/json",
                .authorization: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString(),
            ]
        }
        try await app(settings).test(.live) { client in
            for (headers, expected) in [
                (basic("sonarr", "pw"), HTTPResponse.Status.accepted),
                (basic("sonarr", "nope"), .unauthorized),
                (basic("other", "pw"), .unauthorized),
                (basic("anyone", "tok"), .accepted),
                ([.contentType: "application/json", .authorization: "Bearer tok"], .accepted),
                ([.contentType: "application/json", HTTPField.Name("X-Herald-Token")!: "tok"], .accepted),
                ([.contentType: "application/json", .authorization: "Bearer tok2"], .unauthorized),
            ] as [(HTTPFields, HTTPResponse.Status)] {
                let response = try await client.execute(
                    uri: "/hooks/sonarr", method: .post, headers: headers, body: body)
                #expect(response.status == expected)
                if expected == .unauthorized { #expect(response.headers[.wwwAuthenticate] == "Basic realm=\"herald\"") }
            }
        }
        #expect(journal.events.count == 4)
    }

    @Test func wrongContentTypeIs415() async throws {
        try await app().test(.live) { client in
            let response = try await client.execute(
                uri: "/hooks/radarr", method: .post, headers: [.contentType: "text/xml"],
                body: ByteBuffer(string: "<x/>"))
            #expect(response.status == .unsupportedMediaType)
            let plex = try await client.execute(
                uri: "/hooks/plex", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "x"))
            #expect(plex.status == .unsupportedMediaType)
        }
    }

    @Test func oversizeJSONIs413() async throws {
        let settings = IngestSettings(maxBodySize: 100)
        try await app(settings).test(.live) { client in
            let response = try await client.execute(
                uri: "/hooks/sonarr", method: .post, headers: Self.json, body: try bytes("sonarr-v4-download.json"))
            #expect(response.status == .contentTooLarge)
        }
    }

    @Test func malformedBodiesAre400WithAReasonAndServingContinues() async throws {
        try await app().test(.live) { client in
            let broken = try await client.execute(
                uri: "/hooks/sonarr", method: .post, headers: Self.json, body: ByteBuffer(string: "{\"eventType\":"))
            #expect(broken.status == .badRequest)
            #expect(String(buffer: broken.body).contains("not valid JSON"))
            let multipart = try await client.execute(
                uri: "/hooks/plex", method: .post, headers: [.contentType: "multipart/form-data; boundary=abc"],
                body: ByteBuffer(string: "--abc\r\nContent-Disposition: form-data; name=\"thumb\"\r\n\r\nxx\r\n--abc--")
            )
            #expect(multipart.status == .badRequest)
            #expect(String(buffer: multipart.body).contains("no 'payload' part"))
            let noBoundary = try await client.execute(
                uri: "/hooks/plex", method: .post, headers: [.contentType: "multipart/form-data"],
                body: ByteBuffer(string: "x"))
            #expect(noBoundary.status == .badRequest)
            let fine = try await client.execute(
                uri: "/hooks/sonarr", method: .post, headers: Self.json, body: try bytes("sonarr-v4-download.json"))
            #expect(fine.status == .accepted)
        }
        #expect(journal.events.count == 1)
    }

    @Test func journalFailureIs503SoTheSenderRetries() async throws {
        journal.setFailing(true)
        try await app().test(.live) { client in
            let response = try await client.execute(
                uri: "/hooks/sonarr", method: .post, headers: Self.json, body: try bytes("sonarr-v4-download.json"))
            #expect(response.status == .serviceUnavailable)
        }
    }

    @Test func disabledSourceIs404() async throws {
        let settings = IngestSettings(sources: [.lidarr: .init(enabled: false)])
        try await app(settings).test(.live) { client in
            let response = try await client.execute(
                uri: "/hooks/lidarr", method: .post, headers: Self.json, body: try bytes("lidarr-download.json"))
            #expect(response.status == .notFound)
        }
    }

    @Test func genericEndpointWithGitHubSignature() async throws {
        let settings = IngestSettings(generic: [
            "ci": .init(signature: SignatureSettings(scheme: .github, secret: Secret("It's a Secret to Everybody"))),
            "open": .init(),
        ])
        let signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        try await app(settings).test(.live) { client in
            let signed = try await client.execute(
                uri: "/hooks/generic/ci?event=build.done", method: .post,
                headers: [.contentType: "application/json", HTTPField.Name("X-Hub-Signature-256")!: signature],
                body: ByteBuffer(string: "Hello, World!"))
            // The signature matches, but the body is not JSON: refused as malformed, after authentication.
            #expect(signed.status == .badRequest)
            let unsigned = try await client.execute(
                uri: "/hooks/generic/ci", method: .post, headers: Self.json, body: ByteBuffer(string: "{}"))
            #expect(unsigned.status == .unauthorized)
            let open = try await client.execute(
                uri: "/hooks/generic/open", method: .post,
                headers: [.contentType: "application/json", HTTPField.Name("X-Herald-Event")!: "backup"],
                body: ByteBuffer(string: #"{"path":"/mnt/media/x","title":"T"}"#))
            #expect(open.status == .accepted)
            let unknown = try await client.execute(
                uri: "/hooks/generic/nope", method: .post, headers: Self.json, body: ByteBuffer(string: "{}"))
            #expect(unknown.status == .notFound)
        }
        #expect(journal.events.map(\.kind) == ["generic.open.backup"])
        #expect(journal.events.first?.paths == ["/mnt/media/x"])
        #expect(journal.events.first?.endpoint == "open")
    }

    /// A Standard Webhooks delivery retried with the same `webhook-id` inside the tolerance is
    /// answered 200 and journalled once.
    @Test func aReplayedStandardWebhookIsJournalledOnce() async throws {
        let secret = "whsec_" + Data("0123456789abcdef0123456789abcdef".utf8).base64EncodedString()
        let settings = IngestSettings(generic: [
            "ci": .init(signature: SignatureSettings(scheme: .standardWebhooks, secret: Secret(secret)))
        ])
        let body = #"{"title":"build done"}"#
        let timestamp = String(Int(Date().timeIntervalSince1970))
        @Sendable func headers(_ id: String) -> HTTPFields {
            [
                .contentType: "application/json", HTTPField.Name("webhook-id")!: id,
                HTTPField.Name("webhook-timestamp")!: timestamp,
                HTTPField.Name("webhook-signature")!: WebhookSigner.standard(
                    id: id, timestamp: timestamp, body: Array(body.utf8), secret: secret),
            ]
        }
        try await app(settings).test(.live) { client in
            let first = try await client.execute(
                uri: "/hooks/generic/ci", method: .post, headers: headers("msg_1"), body: ByteBuffer(string: body))
            #expect(first.status == .accepted)
            let replay = try await client.execute(
                uri: "/hooks/generic/ci", method: .post, headers: headers("msg_1"), body: ByteBuffer(string: body))
            #expect(replay.status == .ok)
            #expect(String(buffer: replay.body).contains("already received"))
            let next = try await client.execute(
                uri: "/hooks/generic/ci", method: .post, headers: headers("msg_2"), body: ByteBuffer(string: body))
            #expect(next.status == .accepted)
        }
        #expect(journal.events.count == 2)
    }
}
