import Foundation
import HeraldApp
import HeraldConfig
import HeraldCore
import HeraldTestSupport
import Testing

@Suite struct RulesExplainerTests {
    @Test func explainsVerdictsTracesAndTheExactPlexRequests() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.path + "/rules", withIntermediateDirectories: true)
        try directory.write(
            "rules/scan.yml",
            """
            - name: tv imports
              on: [sonarr.download]
              if:
                - path: {under: /volume2/Media}
                - season: {gte: 3}
              do: [scan: {server: home, wait: 45s}]
            - name: any import
              on: ["sonarr.*"]
              do: [scan: {wait: 2m}]
            """)
        let file = try directory.write(
            "herald.yml",
            """
            state_directory: \(directory.path)/state
            plex:
              home:
                url: http://plex.local:32400
                token: t
                rewrites: [{from: "^/volume2/Media/TV Series/", to: "/data/tv/"}]
            """)
        let configuration = try HeraldConfiguration.load(file: file, environment: [:])
        let sections = ["home": [PlexSection(key: "2", title: "TV Shows", type: "show", locations: ["/data/tv"])]]
        let event = try RulesExplainer.decode(Fixtures.data("sonarr-v4-download.json"), source: nil)
        let text = RulesExplainer(configuration: configuration, sections: sections).explain(event)
        #expect(text.contains("tv imports (\(directory.path)/rules/scan.yml:1): no match"))
        #expect(text.contains("✓ if.all[0]"))
        #expect(text.contains("✗ if.all[1] (\(directory.path)/rules/scan.yml:5): season gte 3; saw [2] → false"))
        #expect(text.contains("any import (\(directory.path)/rules/scan.yml:7): MATCHES"))
        #expect(text.contains("scan (any import): wait 2m, max_wait 10m, priority 0"))
        #expect(
            text.contains(
                "GET http://plex.local:32400/library/sections/2/refresh?path=%2Fdata%2Ftv%2FAvatar%20-%20The%20Last%20Airbender%2FSeason%202  [TV Shows]"
            ))
    }

    @Test func guessesTheSourceFromTheBody() throws {
        #expect(try RulesExplainer.decode(Fixtures.data("radarr-v5-download.json"), source: nil).source == .radarr)
        #expect(try RulesExplainer.decode(Fixtures.data("lidarr-download.json"), source: nil).source == .lidarr)
        #expect(
            try RulesExplainer.decode(Fixtures.data("plex-webhook-media.stop-movie-legacy-agent.json"), source: nil)
                .source
                == .plex)
        #expect(
            try RulesExplainer.decode(
                Fixtures.data("tautulli-webhook-body-on_watched-episode-constructed.json"), source: nil
            )
            .source == .tautulli)
    }
}
