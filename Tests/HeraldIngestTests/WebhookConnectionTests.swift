import Foundation
import HeraldCore
import HeraldIngest
import HeraldTestSupport
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

/// The connection-level behaviour of the JSON hook routes: answers in request order on one
/// connection, bodies refused before they are read, `Connection: close`, and a graceful shutdown
/// that still answers the request being journalled.
@Suite struct WebhookConnectionTests {
    let journal = RecordingJournal()

    static func post(_ path: String, _ body: String, headers: String = "") -> String {
        "POST \(path) HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n\(headers)"
            + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    static func get(_ path: String) -> String { "GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n" }

    static func fixture(_ name: String) throws -> String {
        String(decoding: try Fixtures.data(name), as: UTF8.self)
    }

    /// Runs the routes (and a slow router route) on a live server for the duration of `body`,
    /// which gets the port and the service group (to begin a graceful shutdown itself).
    func withServer(
        journal: any EventJournal, settings: IngestSettings = IngestSettings(),
        _ body: @Sendable @escaping (Int, ServiceGroup) async throws -> Void
    ) async throws {
        let port = Mutex<Int?>(nil)
        let app = WebhookRoutesTests.app(
            journal: journal, settings: settings,
            extraRoutes: { router in
                router.get("/slow") { _, _ in
                    try await Task.sleep(for: .milliseconds(300))
                    return "slow"
                }
                router.get("/fast") { _, _ in "fast" }
            },
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } })
        let group = ServiceGroup(services: [app], logger: Logger(label: "test"))
        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            let deadline = ContinuousClock.now + .seconds(10)
            while port.withLock({ $0 }) == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            let bound = try #require(port.withLock { $0 })
            do {
                try await body(bound, group)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func answersStayInRequestOrderWhenPipelined() async throws {
        let download = try Self.fixture("sonarr-v4-download.json")
        let test = try Self.fixture("radarr-v5-test.json")
        try await withServer(journal: journal) { port, _ in
            let connection = try RawConnection(port: port)
            // A slow router request first: the hook behind it must wait for its answer.
            try await connection.send(
                Self.get("/slow") + Self.post("/hooks/sonarr", download) + Self.get("/fast")
                    + Self.post("/hooks/radarr", test) + Self.post("/hooks/sonarr", "{\"eventType\":")
                    + Self.get("/fast"))
            let responses = try await connection.responses(6)
            #expect(responses.map(\.status) == [200, 202, 200, 202, 400, 200])
            #expect(responses.map(\.body.first) == ["s", "{", "f", "{", "{", "f"])
        }
        #expect(journal.events.map(\.kind) == ["sonarr.download", "radarr.test"])
    }

    @Test func aBodyRefusedFromItsHeadIsSkippedAndTheConnectionServesOn() async throws {
        let big = String(repeating: " ", count: 300_000) + "{}"
        try await withServer(journal: journal, settings: IngestSettings(maxBodySize: 100_000)) { port, _ in
            let connection = try RawConnection(port: port)
            try await connection.send(
                Self.post("/hooks/sonarr", big) + Self.post("/hooks/lidarr", "{}", headers: "")
                    + Self.post("/hooks/radarr", "<x/>").replacingOccurrences(of: "application/json", with: "text/xml")
                    + Self.post("/hooks/sonarr", try Self.fixture("sonarr-v4-download.json")))
            let responses = try await connection.responses(4)
            #expect(responses.map(\.status) == [413, 400, 415, 202])
        }
        #expect(journal.events.map(\.kind) == ["sonarr.download"])
    }

    @Test func aBodyOverTheLimitWithoutContentLengthIsRefusedAsItArrives() async throws {
        try await withServer(journal: journal, settings: IngestSettings(maxBodySize: 1000)) { port, _ in
            let connection = try RawConnection(port: port)
            let chunk = String(repeating: "x", count: 800)
            let chunked =
                "POST /hooks/sonarr HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n320\r\n\(chunk)\r\n320\r\n\(chunk)\r\n0\r\n\r\n"
            try await connection.send(chunked + Self.get("/fast"))
            let responses = try await connection.responses(2)
            #expect(responses.map(\.status) == [413, 200])
        }
        #expect(journal.events.isEmpty)
    }

    /// The bytes a client reads are a well-formed HTTP/1.1 response, with the length of the body
    /// that follows, and a refusal pipelined behind it is answered in turn.
    @Test func anAnswerIsAWellFormedResponse() async throws {
        try await withServer(journal: journal) { port, _ in
            let connection = try RawConnection(port: port)
            try await connection.send(
                Self.post("/hooks/sonarr", try Self.fixture("sonarr-v4-download.json"))
                    + Self.post("/hooks/radarr", "{\"eventType\":"))
            let responses = try await connection.responses(2)
            let accepted = try #require(responses.first)
            let lines = accepted.headers.components(separatedBy: "\r\n")
            #expect(lines.first == "HTTP/1.1 202 Accepted")
            let headers = Set(lines.dropFirst().map { $0.lowercased() })
            #expect(headers.contains("content-type: application/json"))
            #expect(headers.contains("content-length: \(accepted.body.utf8.count)"))
            let receipt = try JSONSerialization.jsonObject(with: Data(accepted.body.utf8)) as? [String: Any]
            #expect(receipt?["status"] as? String == "accepted")
            #expect(receipt?["kind"] as? String == "sonarr.download")
            #expect(responses.last?.headers.hasPrefix("HTTP/1.1 400 Bad Request\r\n") == true)
            #expect(responses.last?.body.hasPrefix("{\"error\":") == true)
        }
    }

    @Test func connectionCloseIsHonoured() async throws {
        try await withServer(journal: journal) { port, _ in
            let connection = try RawConnection(port: port)
            try await connection.send(
                Self.post(
                    "/hooks/sonarr", try Self.fixture("sonarr-v4-download.json"), headers: "Connection: close\r\n"))
            let responses = try await connection.responses(1)
            #expect(responses.map(\.status) == [202])
            #expect(try await connection.readsEndOfStream())
        }
    }

    /// HTTP/1.0 senders are answered like any other (Hummingbird answers as HTTP/1.1 with a
    /// length, and keeps the connection until the client closes it or it idles out).
    @Test func http10RequestsAreAnswered() async throws {
        let body = try Self.fixture("sonarr-test-minimal-autoscan.json")
        try await withServer(journal: journal) { port, _ in
            let connection = try RawConnection(port: port)
            let request = Self.post("/hooks/sonarr", body).replacingOccurrences(of: "HTTP/1.1", with: "HTTP/1.0")
            try await connection.send(
                request.replacingOccurrences(of: "Host: t\r\n", with: "Host: t\r\nConnection: keep-alive\r\n"))
            #expect(try await connection.responses(1).map(\.status) == [202])
            try await connection.send(Self.get("/fast"))
            #expect(try await connection.responses(1).map(\.status) == [200], "the connection stays open")

            let plain = try RawConnection(port: port)
            try await plain.send(request)
            #expect(try await plain.responses(1).map(\.status) == [202])
        }
        #expect(journal.events.count == 2)
    }

    /// A sender that hangs up while its event is journalled: the answer has nowhere to go, and
    /// the server must drop it quietly (the event is kept) and go on serving.
    @Test func aClientGoneBeforeItsAnswerLeavesTheServerServing() async throws {
        let gated = GatedJournal()
        let body = try Self.fixture("sonarr-v4-download.json")
        try await withServer(journal: gated) { port, _ in
            do {
                let leaving = try RawConnection(port: port)
                try await leaving.send(Self.post("/hooks/sonarr", body))
                try await gated.waitForPending()
            }  // closed here, its event still being journalled
            try await Task.sleep(for: .milliseconds(100))
            gated.release()
            let next = try RawConnection(port: port)
            try await next.send(Self.get("/fast"))
            #expect(try await next.responses(1).map(\.status) == [200])
        }
    }

    @Test func gracefulShutdownAnswersTheRequestBeingJournalled() async throws {
        let gated = GatedJournal()
        let body = try Self.fixture("sonarr-v4-download.json")
        try await withServer(journal: gated) { port, group in
            let client = Task {
                let connection = try RawConnection(port: port)
                try await connection.send(Self.post("/hooks/sonarr", body))
                return try await connection.responses(1).map(\.status)
            }
            try await gated.waitForPending()
            // Shutdown begins while the event is still being journalled; it must still be answered.
            await group.triggerGracefulShutdown()
            try await Task.sleep(for: .milliseconds(100))
            gated.release()
            #expect(try await client.value == [202])
        }
    }
}

/// A journal that holds every append until released, to have a request in flight on demand.
final class GatedJournal: EventJournal {
    private let pending = Mutex<[@Sendable (Result<Int64, any Error>) -> Void]>([])

    func append(_ event: Event) async throws -> Int64 {
        try await withCheckedThrowingContinuation { continuation in
            append(event) { continuation.resume(with: $0) }
        }
    }

    func append(_ event: Event, completion: @escaping @Sendable (Result<Int64, any Error>) -> Void) {
        pending.withLock { $0.append(completion) }
    }

    func waitForPending() async throws {
        try await waitUntil("an append to be in flight", poll: .milliseconds(5)) { !pending.withLock { $0.isEmpty } }
    }

    func release() {
        let completions = pending.withLock { pending in
            defer { pending = [] }
            return pending
        }
        for (index, completion) in completions.enumerated() { completion(.success(Int64(index + 1))) }
    }
}
