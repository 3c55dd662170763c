import Foundation
import HTTPTypes
import HeraldTestSupport
import HummingbirdTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The outbox as users rely on it: the real binary killed with messages in flight.
@Suite(.serialized) struct NotifyCrashTests {
    static func yaml(up: FakeNotifyServer, later: Int) -> String {
        """
        sources:
          generic:
            feed: {}
        notifications:
          channels:
            up: json://127.0.0.1:\(up.port)/json/up
            later:
              url: json://127.0.0.1:\(later)/json/later
              timeout: 1s
              retry: {initial: 200ms, max: 500ms}
        rules_directory: rules
        """
    }

    static let rules = """
        - name: forward
          on: [generic.feed]
          do:
            - notify: {to: [up, later]}
        """

    @Test func sigkillWithOneChannelDownDeliversEachMessageOnceAfterTheRestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.path + "/rules", withIntermediateDirectories: true)
        try directory.write("rules/rules.yml", Self.rules)
        let up = FakeNotifyServer()
        try await up.start()
        let later = FakeNotifyServer()
        try await later.start()
        let laterPort = later.port
        await later.stop()  // down until after the crash; comes back on the same port

        let daemon = try DaemonProcess(directory: directory, extraYAML: Self.yaml(up: up, later: laterPort))
        try daemon.start()
        try await daemon.waitReady()
        for index in 1...20 {
            let response = try await daemon.request(
                "/hooks/generic/feed", method: .post, headers: [.contentType: "application/json"],
                body: Array(#"{"title": "message \#(index)"}"#.utf8))
            #expect(response.status == .accepted)
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while up.delivered(.json).count < 20, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(up.delivered(.json).count == 20)
        try await Task.sleep(for: .milliseconds(300))  // 'later' is being retried meanwhile
        daemon.signal(SIGKILL)
        #expect(try await daemon.waitExit() == SIGKILL)

        try await later.start()
        #expect(later.port == laterPort)
        try daemon.writeConfig(extraYAML: Self.yaml(up: up, later: laterPort))
        try daemon.start()
        try await daemon.waitReady()
        let restarted = ContinuousClock.now + .seconds(20)
        while later.delivered(.json).count < 20, ContinuousClock.now < restarted {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(500))
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitExit() == 0)

        let laterIDs = later.delivered(.json).compactMap { $0.headers["webhook-id"] }
        #expect(laterIDs.count == 20, "\(daemon.log.suffix(2000))")
        #expect(Set(laterIDs).count == 20, "each message once")
        let upIDs = up.delivered(.json).compactMap { $0.headers["webhook-id"] }
        #expect(upIDs.count == 20, "nothing delivered before the crash is sent again")
        let listed = try CommandLineTests.herald(
            ["deliveries", "--config", daemon.configFile, "--state", "sent", "--limit", "100", "--json"])
        #expect(listed.status == 0)
        #expect(listed.stdout.split(separator: "\n").count == 40)
        let replay = try CommandLineTests.herald(["deliveries", "--config", daemon.configFile, "--retry", "1"])
        #expect(replay.status == 1, "a sent message is not replayed")
        #expect(replay.stderr.contains("delivery 1 is not dead or expired"))
        let titles = Set(later.delivered(.json).compactMap { $0.json?["title"] as? String })
        #expect(titles.count == 20)
        #expect(titles.contains("generic.feed: message 7"))
        await up.stop()
        await later.stop()
    }
}
