import Foundation
import HeraldTestSupport
import Testing

/// `herald notify test`, `herald deliveries` and template checks, through the real binary.
@Suite(.serialized) struct NotifyCommandTests {
    static func config(_ directory: TemporaryDirectory, _ fake: FakeNotifyServer, extra: String = "") throws -> String {
        try directory.write(
            "herald.yml",
            """
            state_directory: \(directory.path)/state
            notifications:
              channels:
                discord:
                  url: discord://42/secret-token
                  base_url: \(fake.url)
            \(extra)
            """)
    }

    @Test func notifyTestSendsAndPrintsTheAnswer() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fake = FakeNotifyServer()
        try await fake.start()
        let file = try Self.config(directory, fake)
        let sent = try CommandLineTests.herald(["notify", "test", "discord", "--config", file])
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(sent.stdout.contains("discord: delivered (discord answered HTTP 200"))
        let embed = (fake.delivered(.discord).first?.json?["embeds"] as? [[String: Any]])?.first
        #expect(embed?["title"] as? String == "Herald test message")
        #expect((embed?["description"] as? String)?.contains("'discord' works") == true)

        fake.script(.discord, [.gone])
        let gone = try CommandLineTests.herald(["notify", "test", "discord", "--config", file])
        #expect(gone.status == 1)
        #expect(
            gone.stderr.contains(
                "discord: not delivered: HTTP 404: Unknown Webhook (code 10015) (the target is gone: fix the URL)"))
        #expect(!gone.stderr.contains("secret-token") && !sent.stdout.contains("secret-token"))

        let unknown = try CommandLineTests.herald(["notify", "test", "slack", "--config", file])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no channel named 'slack' (configured: discord)"))
        await fake.stop()
    }

    @Test func checkReportsABrokenTemplateWithItsFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fake = FakeNotifyServer()
        try FileManager.default.createDirectory(
            atPath: directory.path + "/templates", withIntermediateDirectories: true)
        try directory.write("templates/new-media.mustache", "New {{#show}}{{show}}\n")
        let file = try Self.config(directory, fake, extra: "  templates_directory: templates\n")
        let output = try CommandLineTests.herald(["check", "--config", file])
        #expect(output.status == 78)
        #expect(output.stderr.contains("\(directory.path)/templates/new-media.mustache: not a valid Mustache template"))
    }
}
