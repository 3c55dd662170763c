import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldPlex
import HeraldTestSupport
import NIOCore
import NIOHTTP1
import Testing

@Suite(.serialized) struct LivePlexClientTests {
    /// A client of the fake. The timeout is generous: the suite runs beside load tests on two
    /// cores, and only the test of a slow server wants a short one.
    func client(_ plex: FakePlexServer, token: String? = nil, timeout: Duration = .seconds(10)) -> LivePlexClient {
        LivePlexClient(
            http: HTTPClient.shared,
            settings: PlexServerSettings(
                name: "home", url: plex.url, token: Secret(token ?? plex.token), timeout: timeout))
    }

    @Test func readsSectionsFromTheDocumentedBody() async throws {
        let plex = try FakePlexServer()
        try await plex.start()
        defer { Task { await plex.stop() } }
        let sections = try await client(plex).sections()
        #expect(sections.map(\.key) == ["1", "2", "3"])
        #expect(sections[1] == PlexSection(key: "2", title: "TV Shows", type: "show", locations: ["/storage/media/tv"]))
    }

    @Test func refreshIsAGETWithTheFolderEncodedAndTheTokenInAHeader() async throws {
        let plex = try FakePlexServer()
        try await plex.start()
        defer { Task { await plex.stop() } }
        let folder = "/storage/media/tv/Amélie & Co #1/Season 01"
        #expect(try await client(plex).refresh(section: "2", folder: folder) == 200)
        let request = try #require(plex.requests.last)
        #expect(request.method == "GET")
        #expect(request.path == "/library/sections/2/refresh")
        #expect(request.folder == folder)
        #expect(request.token == plex.token)
        #expect(LivePlexClient.encode("/a b/é&#") == "%2Fa%20b%2F%C3%A9%26%23")
    }

    @Test func statusesAndFailures() async throws {
        let plex = try FakePlexServer()
        try await plex.start()
        #expect(try await client(plex, token: "wrong").refresh(section: "2", folder: "/x") == 401)
        await #expect(throws: PlexError.status(401)) { try await client(plex, token: "wrong").sections() }
        plex.setMode(.status(524))
        #expect(try await client(plex).refresh(section: "2", folder: "/x") == 524)
        plex.setMode(.slow(.seconds(2)))
        await #expect(throws: PlexError.self) {
            try await client(plex, timeout: .milliseconds(500)).refresh(section: "2", folder: "/x")
        }
        await plex.stop()
        do {
            _ = try await client(plex).refresh(section: "2", folder: "/x")
            Issue.record("expected a transport error")
        } catch {
            guard case .transport = error else {
                Issue.record("expected a transport error, got \(error)")
                return
            }
        }
    }

    @Test func readsTheRefreshingFlagsAndTheRecentlyAddedFiles() async throws {
        let plex = try FakePlexServer()
        try await plex.start()
        defer { Task { await plex.stop() } }
        plex.setScans(duration: .seconds(5), addsFiles: true)
        #expect(try await client(plex).refreshingSections().isEmpty)
        #expect(try await client(plex).refresh(section: "2", folder: "/storage/media/tv/Show/Season 01") == 200)
        #expect(try await client(plex).refreshingSections() == ["2"])
        let files = try await client(plex).recentlyAddedFiles()
        #expect(files.first == "/storage/media/tv/Show/Season 01/Added by the scan.mkv")
        #expect(
            files.contains(
                "/movies/Ant-Man and the Wasp Quantumania (2023)/Ant-Man.and.the.Wasp.Quantumania.2023.1080p.mp4"),
            "the fixture's own item")
    }

    @Test func theFakeServesTheLibraryFixturesBehindTheToken() async throws {
        let plex = try FakePlexServer()
        try await plex.start()
        defer { Task { await plex.stop() } }
        for path in [
            "/library/sections/1/all?type=1", "/library/sections/2/all?type=4", "/library/metadata/108",
            "/library/metadata/20/children", "/status/sessions",
        ] {
            var request = HTTPClientRequest(url: plex.url + path)
            request.headers.add(name: "X-Plex-Token", value: plex.token)
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            #expect(response.status.code == 200, "\(path)")
            let body = try await response.body.collect(upTo: 1 << 22)
            let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
            #expect(object?["MediaContainer"] != nil, "\(path)")
            let refused = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: plex.url + path), timeout: .seconds(5))
            #expect(refused.status.code == 401)
        }
    }
}
