import Foundation
import HTTPTypes
import HeraldCore
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A stand-in for Plex Media Server on 127.0.0.1, answering with Plex's documented bodies.
///
/// It serves `/identity`, `/library/sections` (with `refreshing` flags while a scan plays out),
/// `/library/sections/{key}/all`, `/library/metadata/…`, `/library/recentlyAdded` and
/// `/status/sessions` from the fixtures in `samples/plex-api/`, accepts
/// `GET /library/sections/{key}/refresh?path=…`, answers `PUT`/`POST` refreshes with 404 as current
/// servers do, records every request, and can be told to fail: a status (401, 404, 500, 524…), a
/// delay, or to go down entirely and come back on the same port.
public final class FakePlexServer: Sendable {
    /// How refresh requests are answered.
    public enum Mode: Sendable, Equatable {
        case normal
        case status(Int)
        case slow(Duration)
    }

    /// One request as received.
    public struct Recorded: Sendable, Equatable {
        public var method: String
        public var path: String
        /// The decoded `path` query parameter of a refresh.
        public var folder: String?
        public var token: String?
        /// When the request arrived.
        public var at: Date
        /// The raw query string, as sent.
        public var query: String?
    }

    private struct State {
        var mode = Mode.normal
        var requests: [Recorded] = []
        var sectionsBody: Data
        /// Sections shown as `refreshing` until these times (a scan in progress).
        var refreshingUntil: [String: Date] = [:]
        /// Files added by the scans so far, newest first (served by `/library/recentlyAdded`).
        var added: [String] = []
        var scanDuration: Duration = .zero
        var scansAddFiles = true
        /// A generated library: how many movies and episodes `/library/sections/{key}/all` lists.
        var library: (movies: Int, episodes: Int)?
        /// Listing requests answered before the listing starts failing with `libraryFailure`.
        var libraryFailure: (afterPages: Int, status: Int)?
        var libraryPages = 0
        var libraryUpdates: GeneratedLibrary.Updates?
        /// What `/status/sessions` lists instead of the fixture: (GUID, file) of each playback.
        var sessions: [(guid: String, file: String)]?
        /// `/status/sessions` answers this status instead.
        var sessionsStatus: Int?
    }

    public let token: String
    private let state: Mutex<State>
    private let server = LoopbackServer(label: "fake-plex")

    public init(token: String = "plex-token", sectionsFixture: String = "plex-library-sections.json") throws {
        self.token = token
        let body = try Data(
            contentsOf: Fixtures.packageRoot.appendingPathComponent("samples/plex-api/\(sectionsFixture)"))
        state = Mutex(State(sectionsBody: body))
    }

    public var port: Int { server.port }
    public var url: String { "http://127.0.0.1:\(port)" }
    public var requests: [Recorded] { state.withLock { $0.requests } }
    /// The refreshes received, as (section key, folder).
    public var refreshes: [(section: String, folder: String, at: Date)] {
        requests.compactMap { request in
            guard request.method == "GET", request.path.hasSuffix("/refresh"), let folder = request.folder else {
                return nil
            }
            return (request.path.split(separator: "/")[2].description, folder, request.at)
        }
    }

    public func setMode(_ mode: Mode) { state.withLock { $0.mode = mode } }

    /// Lists a generated library instead of the fixtures' single items: `movies` movies in every
    /// movie section and `episodes` episodes in every show section (100 per show, 10 per season),
    /// each a copy of the fixture's item with its own GUID, title, numbers and file.
    public func setLibrary(movies: Int, episodes: Int) { state.withLock { $0.library = (movies, episodes) } }

    /// Makes `/status/sessions` list these playbacks (a movie each, by GUID and file) instead of the
    /// fixture's; nil goes back to the fixture.
    public func setSessions(_ sessions: [(guid: String, file: String)]?) {
        state.withLock { $0.sessions = sessions }
    }

    /// Makes `/status/sessions` answer `status` (nil: answer normally).
    public func failSessions(status: Int?) { state.withLock { $0.sessionsStatus = status } }

    /// Makes the generated library's items from `index` on changed at `date` (the rest long before),
    /// as `updatedAt>>=` filters see them.
    public func setLibraryUpdated(from index: Int, at date: Date) {
        state.withLock { $0.libraryUpdates = .init(from: index, at: Int(date.timeIntervalSince1970)) }
    }

    /// Makes library listings fail with `status` after `afterPages` successful pages.
    public func failLibrary(afterPages: Int, status: Int) {
        state.withLock {
            $0.libraryFailure = (afterPages, status)
            $0.libraryPages = 0
        }
    }

    /// How a refresh plays out: the section shows `refreshing: true` for `duration`, and, when
    /// `addsFiles`, a file under the folder then appears among the recently added items.
    public func setScans(duration: Duration, addsFiles: Bool) {
        state.withLock {
            $0.scanDuration = duration
            $0.scansAddFiles = addsFiles
        }
    }

    /// Replaces the `/library/sections` answer with sections of the given locations.
    public func setSections(_ sections: [PlexSection]) {
        let directories = sections.map { section -> [String: Any] in
            [
                "key": section.key, "title": section.title, "type": section.type,
                "Location": section.locations.enumerated().map { ["id": $0.offset + 1, "path": $0.element] },
            ]
        }
        let object: [String: Any] = ["MediaContainer": ["size": sections.count, "Directory": directories]]
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        state.withLock { $0.sectionsBody = data }
    }

    /// Starts listening (on a new port the first time, on the same port after `stop()`).
    public func start() async throws { try await server.start(router()) }

    /// Stops listening: connections are refused until `start()` again.
    public func stop() async { await server.stop() }

    private func record(_ request: Request) {
        let folder = request.uri.queryParameters.get("path")
        let token = request.headers[HTTPField.Name("X-Plex-Token")!] ?? request.uri.queryParameters.get("X-Plex-Token")
        state.withLock {
            $0.requests.append(
                Recorded(
                    method: request.method.rawValue, path: request.uri.path, folder: folder, token: token, at: Date(),
                    query: request.uri.query))
        }
    }

    private func unauthorized(_ request: Request) -> Response? {
        let presented =
            request.headers[HTTPField.Name("X-Plex-Token")!] ?? request.uri.queryParameters.get("X-Plex-Token")
        guard presented != token else { return nil }
        return Response(
            status: .unauthorized, headers: [.contentType: "text/html"],
            body: ResponseBody(
                byteBuffer: ByteBuffer(
                    string:
                        "<html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>")))
    }

    /// `/library/sections` with each Directory's `refreshing` flag as the scans in progress say.
    private func sectionsWithRefreshing() -> Data {
        let (body, until) = state.withLock { ($0.sectionsBody, $0.refreshingUntil) }
        guard var object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
            var container = object["MediaContainer"] as? [String: Any],
            let directories = container["Directory"] as? [[String: Any]]
        else { return body }
        let now = Date()
        container["Directory"] = directories.map { directory -> [String: Any] in
            var directory = directory
            let key = "\(directory["key"] ?? "")"
            directory["refreshing"] = until[key].map { $0 > now } ?? false
            return directory
        }
        object["MediaContainer"] = container
        return (try? JSONSerialization.data(withJSONObject: object)) ?? body
    }

    /// The recentlyAdded fixture (shared/fixtures) with the files the scans added in front, each as
    /// a copy of the fixture's item with its file replaced.
    private func recentlyAdded() throws -> Data {
        let fixture = try Data(
            contentsOf: Fixtures.packageRoot.appendingPathComponent("samples/plex-api/plex-library-recentlyAdded.json"))
        guard var object = try JSONSerialization.jsonObject(with: fixture) as? [String: Any],
            var container = object["MediaContainer"] as? [String: Any],
            let items = container["Metadata"] as? [[String: Any]], let template = items.first
        else { return fixture }
        let added = state.withLock { $0.added }
        let made = added.enumerated().map { index, file -> [String: Any] in
            var item = template
            item["ratingKey"] = "\(90_000 + index)"
            var media = (item["Media"] as? [[String: Any]])?.first ?? [:]
            var part = (media["Part"] as? [[String: Any]])?.first ?? [:]
            part["file"] = file
            media["Part"] = [part]
            item["Media"] = [media]
            return item
        }
        container["Metadata"] = made + items
        container["size"] = made.count + items.count
        object["MediaContainer"] = container
        return try JSONSerialization.data(withJSONObject: object)
    }

    private static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: Fixtures.packageRoot.appendingPathComponent("samples/plex-api/\(name)"))
    }

    /// The Unix time of an `updatedAt>>=` filter (sent percent-encoded, `updatedAt%3E%3E=`), if any.
    private static func updatedAfter(_ request: Request) -> Int? {
        for pair in (request.uri.query ?? "").split(separator: "&") {
            let text = pair.removingPercentEncoding ?? String(pair)
            if text.hasPrefix("updatedAt>>=") { return Int(text.dropFirst("updatedAt>>=".count)) }
        }
        return nil
    }

    private static func json(_ body: Data) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    private func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("/identity") { request, _ in
            self.record(request)
            return Self.json(
                try Data(contentsOf: Fixtures.packageRoot.appendingPathComponent("samples/plex-api/plex-identity.json"))
            )
        }
        router.get("/library/sections") { request, _ in
            self.record(request)
            if let refusal = self.unauthorized(request) { return refusal }
            return Self.json(self.sectionsWithRefreshing())
        }
        // Library listings and items, from the fixtures (shared/fixtures, copied to samples/plex-api).
        router.get("/library/sections/:key/all") { request, _ in
            self.record(request)
            if let refusal = self.unauthorized(request) { return refusal }
            let episodes = request.uri.queryParameters.get("type") == "4"
            let (library, failing, updates) = self.state.withLock {
                state -> ((movies: Int, episodes: Int)?, Int?, GeneratedLibrary.Updates?) in
                state.libraryPages += 1
                guard let failure = state.libraryFailure, state.libraryPages > failure.afterPages else {
                    return (state.library, nil, state.libraryUpdates)
                }
                return (state.library, failure.status, state.libraryUpdates)
            }
            if let failing { return Response(status: HTTPResponse.Status(code: failing)) }
            if let library {
                let start =
                    Int(request.headers[HTTPField.Name("X-Plex-Container-Start")!] ?? "")
                    ?? Int(request.uri.queryParameters.get("X-Plex-Container-Start") ?? "") ?? 0
                let size =
                    Int(request.headers[HTTPField.Name("X-Plex-Container-Size")!] ?? "")
                    ?? Int(request.uri.queryParameters.get("X-Plex-Container-Size") ?? "") ?? 50
                return Self.json(
                    try GeneratedLibrary.shared.page(
                        episodes: episodes, total: episodes ? library.episodes : library.movies, start: start,
                        size: size, updates: updates,
                        updatedAfter: Self.updatedAfter(request)))
            }
            return Self.json(
                try Self.fixture(
                    episodes ? "plex-library-section-all-episodes-type4.json" : "plex-library-section-all-movies.json"))
        }
        router.get("/library/metadata/:id") { request, _ in
            self.record(request)
            if let refusal = self.unauthorized(request) { return refusal }
            return Self.json(try Self.fixture("plex-library-metadata-movie.json"))
        }
        router.get("/library/metadata/:id/children") { request, _ in
            self.record(request)
            if let refusal = self.unauthorized(request) { return refusal }
            return Self.json(try Self.fixture("plex-library-metadata-children-episodes.json"))
        }
        router.get("/status/sessions") { request, _ in
            self.record(request)
            if let refusal = self.unauthorized(request) { return refusal }
            let (sessions, status) = self.state.withLock { ($0.sessions, $0.sessionsStatus) }
            if let status { return Response(status: HTTPResponse.Status(code: status)) }
            guard let sessions else { return Self.json(try Self.fixture("plex-status-sessions.json")) }
            let items = sessions.enumerated().map { index, session -> [String: Any] in
                [
                    "type": "movie", "guid": session.guid, "ratingKey": "\(9000 + index)", "title": "Playing \(index)",
                    "Media": [["Part": [["file": session.file]]]], "User": ["id": "1", "title": "viewer"],
                    "Player": ["state": "playing"],
                ]
            }
            let object: [String: Any] = ["MediaContainer": ["size": items.count, "Metadata": items]]
            return Self.json(try JSONSerialization.data(withJSONObject: object))
        }
        router.get("/library/recentlyAdded") { request, _ in
            self.record(request)
            if let refusal = self.unauthorized(request) { return refusal }
            return Self.json(try self.recentlyAdded())
        }
        router.get("/library/sections/:key/refresh") { request, _ in
            self.record(request)
            if let refusal = self.unauthorized(request) { return refusal }
            switch self.state.withLock({ $0.mode }) {
            case .normal:
                let key = request.uri.path.split(separator: "/")[2].description
                let folder = request.uri.queryParameters.get("path") ?? ""
                self.state.withLock { state in
                    let ends = Date().addingTimeInterval(state.scanDuration.timeInterval)
                    state.refreshingUntil[key] = ends
                    if state.scansAddFiles { state.added.insert(folder + "/Added by the scan.mkv", at: 0) }
                }
                return Response(status: .ok)
            case .status(let code):
                return Response(status: HTTPResponse.Status(code: code))
            case .slow(let delay):
                try await Task.sleep(for: delay)
                return Response(status: .ok)
            }
        }
        for method in [HTTPRequest.Method.put, .post] {
            router.on("/library/sections/:key/refresh", method: method) { request, _ in
                self.record(request)
                return Response(
                    status: .notFound, headers: [.contentType: "text/html"],
                    body: ResponseBody(
                        byteBuffer: ByteBuffer(
                            string:
                                "<html><head><title>Not Found</title></head><body><h1>404 Not Found</h1></body></html>")
                    ))
            }
        }
        return router
    }
}
