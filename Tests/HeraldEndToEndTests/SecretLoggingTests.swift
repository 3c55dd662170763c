import Foundation
import HTTPTypes
import HeraldTestSupport
import HummingbirdTesting
import Testing

/// No secret appears in the daemon's output at any level, wherever it came from: the
/// environment, a secret file or systemd's credentials directory.
@Suite struct SecretLoggingTests {
    @Test func traceLogsHoldNoSecret() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let credentials = directory.path + "/credentials"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        try "plex-credential-4f1d\n".write(toFile: credentials + "/plex-token", atomically: true, encoding: .utf8)
        _ = try directory.write("api-token", "api-file-secret-77c2\n")
        let secrets = [
            "env-secret-9a3b", "plex-credential-4f1d", "api-file-secret-77c2", "discord-secret-5e6f",
            "plex-hook-secret-0d1e",
        ]
        let daemon = try DaemonProcess(directory: directory)
        try daemon.writeConfig(
            extraYAML: """
                api: {token_file: \(directory.path)/api-token}
                sources: {sonarr: {token: "${SONARR_SECRET}"}, plex: {token: "${PLEX_HOOK_SECRET}"}}
                plex: {home: {url: "http://127.0.0.1:9", token_file: plex-token}}
                notifications:
                  channels:
                    discord: "discord://1234/${DISCORD_SECRET}"
                """, keepPort: true)
        let yaml = try String(contentsOfFile: daemon.configFile, encoding: .utf8)
        try yaml.replacingOccurrences(of: "log: {level: info}", with: "log: {level: trace}")
            .write(toFile: daemon.configFile, atomically: true, encoding: .utf8)
        try daemon.start(environment: [
            "SONARR_SECRET": "env-secret-9a3b", "DISCORD_SECRET": "discord-secret-5e6f",
            "PLEX_HOOK_SECRET": "plex-hook-secret-0d1e",
            "CREDENTIALS_DIRECTORY": credentials,
        ])
        try await daemon.waitReady()
        let body = try Fixtures.data("sonarr-v4-download.json")
        let accepted = try await daemon.request(
            "/hooks/sonarr", method: .post,
            headers: [.contentType: "application/json", HTTPField.Name("X-Herald-Token")!: "env-secret-9a3b"],
            body: Array(body))
        #expect(accepted.status == .accepted)
        // Plex can only put its token in the URL: the query must not be logged either.
        let plex = try await daemon.request(
            "/hooks/plex?token=plex-hook-secret-0d1e", method: .post, headers: [.contentType: "application/json"],
            body: Array(try Fixtures.data("plex-webhook-media.scrobble-episode-plex-agent.json")))
        #expect(plex.status == .accepted)
        daemon.signal(SIGHUP)
        try await waitUntil("the reload to be logged") { daemon.log.contains("configuration reloaded") }
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitExit() == 0)
        let log = daemon.log
        #expect(log.contains("level=trace") || log.contains("level=debug"), "the log ran at trace")
        for secret in secrets {
            #expect(!log.contains(secret), "\(secret) appears in the log")
        }
    }
}
