import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldPlex
import HeraldTestSupport
import Testing

@Suite struct FakePlexServerTests {
    @Test func stopRefusesConnectionsAndStartComesBackOnTheSamePort() async throws {
        let plex = try FakePlexServer()
        try await plex.start()
        let port = plex.port
        let client = LivePlexClient(
            http: HTTPClient.shared,
            settings: PlexServerSettings(name: "home", url: plex.url, token: Secret(plex.token), timeout: .seconds(10)))
        #expect(try await client.refresh(section: "1", folder: "/a") == 200)
        await plex.stop()
        await #expect(throws: PlexError.self) { try await client.refresh(section: "1", folder: "/a") }
        try await plex.start()
        #expect(plex.port == port)
        #expect(try await client.refresh(section: "1", folder: "/a") == 200)
        #expect(plex.refreshes.count == 2)
        await plex.stop()
    }
}
