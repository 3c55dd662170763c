import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// A stand-in for Tautulli's API v2 on 127.0.0.1: `get_history` with `start`/`length` paging and
/// `after`, answering from the real history fixtures plus generated rows shaped like them, the
/// documented 401 for a wrong key, and a failure on demand.
public final class FakeTautulliServer: Sendable {
    /// One generated play.
    public struct Play: Sendable {
        public var guid: String
        public var user: String
        public var started: Date
        public var duration: Int
        public var watchedStatus: Double
        public var mediaType: String

        public init(
            guid: String, user: String, started: Date, duration: Int = 1500, watchedStatus: Double = 1,
            mediaType: String = "episode"
        ) {
            self.guid = guid
            self.user = user
            self.started = started
            self.duration = duration
            self.watchedStatus = watchedStatus
            self.mediaType = mediaType
        }
    }

    private struct State {
        var plays: [Play] = []
        var failing: Int?
        var requests: [String] = []
    }

    public let apiKey: String
    private let state = Mutex(State())
    private let server = LoopbackServer(label: "fake-tautulli")

    public init(apiKey: String = "0123456789abcdef0123456789abcdef") {
        self.apiKey = apiKey
    }

    public var url: String { "http://127.0.0.1:\(server.port)" }
    /// The query strings received.
    public var requests: [String] { state.withLock { $0.requests } }

    /// Replaces the generated plays (the fixtures' rows are always there too).
    public func setPlays(_ plays: [Play]) { state.withLock { $0.plays = plays } }

    /// Answers every call with this status (nil: normal again).
    public func fail(with status: Int?) { state.withLock { $0.failing = status } }

    public func start() async throws { try await server.start(router()) }

    public func stop() async { await server.stop() }

    private func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("/api/v2") { request, _ in try self.answer(request) }
        return router
    }

    private func answer(_ request: Request) throws -> Response {
        let query = request.uri.queryParameters
        let (failing, plays) = state.withLock { state -> (Int?, [Play]) in
            state.requests.append(request.uri.query ?? "")
            return (state.failing, state.plays)
        }
        if let failing { return Response(status: HTTPResponse.Status(code: failing)) }
        guard query.get("apikey") == apiKey else {
            return try Self.json(401, Self.fixture("tautulli-api-error-invalid-apikey.json"))
        }
        guard query.get("cmd") == "get_history" else {
            return try Self.json(
                400,
                JSONSerialization.data(withJSONObject: [
                    "response": ["result": "error", "message": "Unknown command", "data": [:]]
                ]))
        }
        var rows: [[String: Any]] = []
        for fixture in ["tautulli-api-get_history-episodes-real.json", "tautulli-api-get_history-movie-real.json"] {
            let object = try JSONSerialization.jsonObject(with: Self.fixture(fixture)) as? [String: Any]
            let data = (object?["response"] as? [String: Any])?["data"] as? [String: Any]
            rows += data?["data"] as? [[String: Any]] ?? []
        }
        let template = rows.first ?? [:]
        for (index, play) in plays.enumerated() {
            var row = template
            let id = 1_000_000 + index
            row["id"] = id
            row["row_id"] = id
            row["reference_id"] = id
            row["guid"] = play.guid
            row["user"] = play.user
            row["friendly_name"] = play.user
            row["date"] = Int(play.started.timeIntervalSince1970)
            row["started"] = Int(play.started.timeIntervalSince1970)
            row["stopped"] = Int(play.started.timeIntervalSince1970) + play.duration
            row["duration"] = play.duration
            row["watched_status"] = play.watchedStatus
            row["percent_complete"] = Int(play.watchedStatus * 100)
            row["media_type"] = play.mediaType
            rows.append(row)
        }
        if let after = query.get("after") {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "yyyy-MM-dd"
            if let day = formatter.date(from: after) {
                rows = rows.filter { Double(($0["started"] as? Int) ?? 0) >= day.timeIntervalSince1970 }
            }
        }
        rows.sort { (($0["started"] as? Int) ?? 0) > (($1["started"] as? Int) ?? 0) }
        let start = Int(query.get("start") ?? "") ?? 0
        let length = Int(query.get("length") ?? "") ?? 25
        let page = Array(rows.dropFirst(start).prefix(length))
        let body: [String: Any] = [
            "response": [
                "result": "success", "message": NSNull(),
                "data": [
                    "recordsFiltered": rows.count, "recordsTotal": rows.count, "draw": 1, "data": page,
                    "filter_duration": "0 mins", "total_duration": "0 mins",
                ] as [String: Any],
            ] as [String: Any]
        ]
        return try Self.json(200, JSONSerialization.data(withJSONObject: body))
    }

    private static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: Fixtures.packageRoot.appendingPathComponent("samples/plex-api/\(name)"))
    }

    private static func json(_ status: Int, _ body: Data) -> Response {
        Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
