import Foundation
import HeraldConfig
import HeraldCore
import HeraldTestSupport
import Testing

@Suite struct ConfigurationLoadingTests {
    @Test func aStateDirectoryAloneIsAWorkingConfiguration() throws {
        let configuration = try HeraldConfiguration.parse(
            yaml: "state_directory: /var/lib/herald\n", file: "/test/h.yml")
        #expect(configuration.stateDirectory == "/var/lib/herald")
        #expect(configuration.server.port == 8765)
        #expect(configuration.server.maxThumbSize == 10 << 20)
        #expect(configuration.journal.synchronous == .full)
        #expect(configuration.databasePath == "/var/lib/herald/herald.sqlite")
    }

    /// Secure by default: loopback unless told otherwise, and on any other address no source
    /// without credentials (unless explicitly allowed) and no sample placeholder secret.
    @Test func otherMachinesAreLetInOnlyWithCredentials() throws {
        #expect(
            try HeraldConfiguration.parse(yaml: "state_directory: /s\n", file: "/t/h.yml").server.host == "127.0.0.1")
        let exposed = "state_directory: /s\nserver: {host: 0.0.0.0}\n"
        do {
            _ = try HeraldConfiguration.parse(yaml: exposed + "sources: {sonarr: {token: t}}\n", file: "/t/h.yml")
            Issue.record("an open source on 0.0.0.0 was accepted")
        } catch {
            let message = try #require(error.diagnostics.first?.message)
            #expect(message.contains("these sources have no credentials: plex, tautulli, radarr, lidarr"))
            #expect(message.contains("allow_unauthenticated: true"))
        }
        let closed = """
            sources:
              plex: {token: a}
              tautulli: {enabled: false}
              sonarr: {username: s, password: b}
              radarr: {allow_unauthenticated: true}
              lidarr: {token: c}
              generic: {ci: {token: d}}
            """
        let accepted = try HeraldConfiguration.parse(yaml: exposed + closed + "\n", file: "/t/h.yml")
        #expect(accepted.sources.radarr.allowUnauthenticated)
        do {
            _ = try HeraldConfiguration.parse(
                yaml: exposed + closed.replacingOccurrences(of: "token: a", with: "token: sample-plex-token")
                    + "\napi: {token: sample-api-token}\n", file: "/t/h.yml")
            Issue.record("sample secrets on 0.0.0.0 were accepted")
        } catch {
            let messages = error.diagnostics.map(\.message).joined(separator: "\n")
            #expect(messages.contains("api.token, sources.plex.token still hold the sample configuration's"))
        }
    }

    /// Mistakes that used to pass `herald check` and fail only at start, or without a position.
    @Test func aDuplicateKeyAndAStateDirectoryUnderAFileAreReportedWithTheirPosition() throws {
        do {
            _ = try HeraldConfiguration.parse(
                yaml: "state_directory: /s\nserver:\n  port: 1\n  port: 2\n", file: "/t/h.yml")
            Issue.record("a duplicated key was accepted")
        } catch {
            #expect(
                error.diagnostics.map(\.description) == [
                    "/t/h.yml:3:3: the mapping starting here has 'port' more than once; each key may appear once"
                ])
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("not-a-directory", "x")
        do {
            _ = try HeraldConfiguration.parse(yaml: "state_directory: \(file)/state\n", file: "/t/h.yml")
            Issue.record("a state directory under a file was accepted")
        } catch {
            #expect(
                error.diagnostics.map(\.description) == [
                    "/t/h.yml:1:18: 'state_directory' \(file)/state cannot be a directory: \(file) is a file"
                ])
        }
    }

    @Test func aRelativeStateDirectoryIsRelativeToTheConfigurationFile() throws {
        let configuration = try HeraldConfiguration.parse(
            yaml: "state_directory: ./state\n", file: "/etc/herald/herald.yml")
        #expect(configuration.stateDirectory == "/etc/herald/state")
    }

    @Test func systemdStateDirectoryIsTheDefault() throws {
        let configuration = try HeraldConfiguration.parse(
            yaml: "log: {level: debug}\n", file: "/test/h.yml", environment: ["STATE_DIRECTORY": "/var/lib/herald"])
        #expect(configuration.stateDirectory == "/var/lib/herald")
        #expect(configuration.logging.level == .debug)
    }

    @Test func everyProblemIsReportedWithItsPosition() {
        let yaml = """
            state_directory: /tmp/x
            server:
              port: 99999
              max_body_size: lots
              shutdown_timeout: soon
            log:
              format: xml
            stat: 1
            sources:
              sonarr:
                tokn: abc
            """
        do {
            _ = try HeraldConfiguration.parse(yaml: yaml, file: "/etc/herald/herald.yml")
            Issue.record("expected problems")
        } catch {
            let lines = error.diagnostics.map(\.description)
            #expect(
                lines == [
                    "/etc/herald/herald.yml:3:9: 'server.port' must be a whole number from 0 to 65535, not '99999'",
                    "/etc/herald/herald.yml:4:18: 'server.max_body_size' must be a size such as 65536, 512KiB or 10MiB, not 'lots'",
                    "/etc/herald/herald.yml:5:21: 'server.shutdown_timeout' must be a duration such as 500ms, 30s, 5m or 1h, not 'soon'",
                    "/etc/herald/herald.yml:7:11: 'log.format' must be one of 'logfmt', 'json', not 'xml'",
                    "/etc/herald/herald.yml:11:5: unknown key 'sources.sonarr.tokn' (did you mean 'token'?)",
                    "/etc/herald/herald.yml:8:1: unknown key 'stat'",
                ])
        }
    }

    @Test func aMissingStateDirectoryIsAnError() {
        #expect(throws: ConfigError.self) {
            try HeraldConfiguration.parse(yaml: "server: {port: 1}\n", file: "/test/h.yml")
        }
    }

    @Test func yamlSyntaxErrorsHaveAPosition() {
        do {
            _ = try HeraldConfiguration.parse(yaml: "state_directory: /x\nserver:\n  port: [1\n", file: "/test/h.yml")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics[0].line > 0)
            #expect(error.diagnostics[0].message.hasPrefix("invalid YAML"))
        }
    }

    @Test func wrongShapesAreReported() {
        do {
            _ = try HeraldConfiguration.parse(yaml: "state_directory: [a, b]\nserver: 8080\n", file: "/test/h.yml")
            Issue.record("expected problems")
        } catch {
            #expect(
                error.diagnostics.map(\.description) == [
                    "/test/h.yml:1:18: 'state_directory' must be a single value, not a list or mapping",
                    "/test/h.yml:2:9: 'server' must be a mapping of keys to values",
                ])
        }
    }

    @Test func duplicateKeysAreReported() {
        #expect(throws: ConfigError.self) {
            try HeraldConfiguration.parse(yaml: "state_directory: /a\nstate_directory: /b\n", file: "/test/h.yml")
        }
    }

    @Test func environmentReferencesAreExpanded() throws {
        let yaml = """
            state_directory: ${HOME}/herald
            server: {port: "${PORT:-9000}"}
            sources:
              sonarr: {token: "${SONARR_TOKEN}"}
            """
        let configuration = try HeraldConfiguration.parse(
            yaml: yaml, file: "/test/h.yml", environment: ["HOME": "/home/plex", "SONARR_TOKEN": "abc"])
        #expect(configuration.stateDirectory == "/home/plex/herald")
        #expect(configuration.server.port == 9000)
        #expect(configuration.sources.sonarr.credentials.token?.value == "abc")
    }

    @Test func anUnsetVariableIsAnErrorNamingIt() {
        do {
            _ = try HeraldConfiguration.parse(
                yaml: "state_directory: ${NOPE}/x\n", file: "/test/h.yml", environment: [:])
            Issue.record("expected a problem")
        } catch {
            #expect(
                error.diagnostics.map(\.description) == [
                    "/test/h.yml:1:18: 'state_directory' uses ${NOPE}, which is not set in the environment (use ${NAME:-default})"
                ])
        }
    }

    @Test func secretsFromFilesAndSystemdCredentials() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.path + "/creds", withIntermediateDirectories: true)
        try directory.write("creds/plex-token", "from-credentials\n")
        try directory.write("radarr.secret", "beside-the-config\n")
        let file = try directory.write(
            "herald.yml",
            """
            state_directory: /tmp/s
            api: {token_file: plex-token}
            sources:
              radarr: {token_file: radarr.secret}
              sonarr: {username: sonarr, password_file: \(directory.path)/radarr.secret}
            """)
        let configuration = try HeraldConfiguration.load(
            file: file, environment: ["CREDENTIALS_DIRECTORY": directory.path + "/creds"])
        #expect(configuration.api.token?.value == "from-credentials")
        #expect(configuration.sources.radarr.credentials.token?.value == "beside-the-config")
        #expect(configuration.sources.sonarr.credentials.password?.value == "beside-the-config")
    }

    @Test func aMissingSecretFileAndAnInlinePlusFilePairAreErrors() {
        let yaml = """
            state_directory: /tmp/s
            api: {token_file: /nonexistent/token}
            sources:
              plex: {token: a, token_file: b}
              radarr: {username: only}
            """
        do {
            _ = try HeraldConfiguration.parse(yaml: yaml, file: "/etc/h.yml")
            Issue.record("expected problems")
        } catch {
            let text = error.diagnostics.map(\.description)
            #expect(text.count == 3)
            #expect(text[0] == "/etc/h.yml:2:19: 'api.token_file': no such file: /nonexistent/token")
            #expect(
                text[1] == "/etc/h.yml:4:32: give either 'sources.plex.token' or 'sources.plex.token_file', not both")
            #expect(text[2].hasSuffix("'sources.radarr' needs both 'username' and 'password' for HTTP Basic"))
        }
    }

    @Test func genericEndpointsWithSignatures() throws {
        let yaml = """
            state_directory: /tmp/s
            sources:
              generic:
                ci:
                  signature: {scheme: github, secret: abc}
                backup:
                  token: t
                  signature: {scheme: standard-webhooks, secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, tolerance: 2m}
            """
        let configuration = try HeraldConfiguration.parse(yaml: yaml, file: "/test/h.yml")
        #expect(configuration.sources.generic.map(\.name) == ["ci", "backup"])
        #expect(configuration.sources.generic[1].signature?.tolerance == .seconds(120))
        #expect(configuration.sources.generic[1].signature?.scheme == .standardWebhooks)
    }

    @Test func badGenericEndpoints() {
        let yaml = """
            state_directory: /tmp/s
            sources:
              generic:
                "bad name": {}
                ci:
                  signature: {scheme: md5}
            """
        do {
            _ = try HeraldConfiguration.parse(yaml: yaml, file: "/test/h.yml")
            Issue.record("expected problems")
        } catch {
            let text = error.diagnostics.map(\.message)
            #expect(text.contains { $0.contains("generic endpoint name 'bad name'") })
            #expect(
                text.contains(
                    "'sources.generic.ci.signature.scheme' must be one of 'standard-webhooks', 'github', not 'md5'"))
            #expect(text.contains("'sources.generic.ci.signature.secret' (or 'secret_file') is required"))
        }
    }

    @Test func printedConfigurationRedactsSecrets() throws {
        let yaml = "state_directory: /s\napi: {token: hunter2}\nsources: {sonarr: {username: u, password: pw123}}\n"
        let printed = try HeraldConfiguration.parse(yaml: yaml, file: "/test/h.yml").effectiveYAML
        #expect(!printed.contains("hunter2"))
        #expect(!printed.contains("pw123"))
        #expect(printed.contains("token: <redacted>"))
        #expect(printed.contains("port: 8765"))
        #expect("\(Secret("hunter2"))" == "<redacted>")
    }

    @Test func watchRootsInotifyAndPolled() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.path + "/media", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory.path + "/nfs", withIntermediateDirectories: true)
        let file = try directory.write(
            "herald.yml",
            """
            state_directory: /tmp/s
            watch:
              roots:
                - media
                - {path: nfs, mode: poll, interval: 2m}
                - /does/not/exist
                - {path: nfs, mode: fuse}
              exclude: ["*.nzb"]
              settle: 10s
            """)
        do {
            _ = try HeraldConfiguration.load(file: file, environment: [:])
            Issue.record("expected problems")
        } catch {
            #expect(
                error.diagnostics.map(\.message) == [
                    "'watch.roots[2]': no such directory: /does/not/exist",
                    "'watch.roots[3].mode' must be 'inotify' or 'poll', not 'fuse'",
                ])
        }
        try directory.write(
            "herald.yml",
            "state_directory: /tmp/s\nwatch:\n  roots: [media, {path: nfs, mode: poll, interval: 2m}]\n  settle: 10s\n")
        let configuration = try HeraldConfiguration.load(file: file, environment: [:])
        #expect(configuration.watch.roots == [directory.path + "/media"])
        #expect(configuration.watch.pollRoots.map(\.path) == [directory.path + "/nfs"])
        #expect(configuration.watch.pollRoots.map(\.interval) == [.seconds(120)])
        #expect(configuration.watch.settle == .seconds(10))
    }

    @Test func journalRetention() throws {
        let base = "state_directory: /tmp/x\n"
        #expect(try HeraldConfiguration.parse(yaml: base, file: "/t/h.yml").journal.retention == .seconds(90 * 86_400))
        let week = try HeraldConfiguration.parse(yaml: base + "journal: {retention: 7d}\n", file: "/t/h.yml")
        #expect(week.journal.retention == .seconds(7 * 86_400))
        let forever = try HeraldConfiguration.parse(yaml: base + "journal: {retention: forever}\n", file: "/t/h.yml")
        #expect(forever.journal.retention == nil)
        #expect(throws: ConfigError.self) {
            try HeraldConfiguration.parse(yaml: base + "journal: {retention: 5m}\n", file: "/t/h.yml")
        }
    }

    @Test func tautulliForWatchHistoryAndPlexInventorySchedules() throws {
        let yaml = """
            state_directory: /tmp/x
            tautulli: {url: "http://127.0.0.1:8181", api_key: k, page_size: 500}
            plex:
              home: {url: "http://127.0.0.1:32400", token: t, inventory: {every: 12h}, verify: true}
            """
        let configuration = try HeraldConfiguration.parse(yaml: yaml, file: "/t/h.yml")
        #expect(configuration.tautulli?.url == "http://127.0.0.1:8181" && configuration.tautulli?.pageSize == 500)
        #expect(configuration.plexServers.first?.inventory?.every == .seconds(12 * 3600))
        #expect(configuration.plexServers.first?.verification == ScanVerification())
        do {
            _ = try HeraldConfiguration.parse(
                yaml: "state_directory: /tmp/x\ntautulli: {url: ftp://x}\n", file: "/t/h.yml")
            Issue.record("expected problems")
        } catch {
            let messages = error.diagnostics.map(\.message)
            #expect(messages.contains { $0.contains("'tautulli.url' must be an http://") })
            #expect(messages.contains { $0.contains("'tautulli.api_key' (or 'api_key_file') is required") })
        }
    }
}
