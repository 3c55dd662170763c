import Foundation
import HeraldConfig
import HeraldCore
import HeraldTestSupport
import Testing

@Suite struct NotificationConfigTests {
    func problems(_ yaml: String) -> [String] {
        do {
            _ = try HeraldConfiguration.parse(yaml: "state_directory: /tmp/x\n" + yaml, file: "/test/h.yml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    /// Port 465 without `security` means TLS from the first byte (RFC 8314), as `mailtos://…:465`
    /// does; 587 and no port mean STARTTLS.
    @Test func port465MeansTLSWhenSecurityIsNotSaid() throws {
        func security(_ extra: String) throws -> (EmailTarget.Security, Int)? {
            let yaml = """
                state_directory: /tmp/x
                notifications:
                  channels:
                    mail: {type: email, host: smtp.example.org, from: h@example.org, to: [a@example.org]\(extra)}
                """
            guard
                case .email(let mail) = try HeraldConfiguration.parse(yaml: yaml, file: "/t/h.yml")
                    .notifications.channels.first?.target
            else { return nil }
            return (mail.security, mail.port)
        }
        #expect(try security(", port: 465").map { $0 == (.tls, 465) } == true)
        #expect(try security(", port: 587").map { $0 == (.starttls, 587) } == true)
        #expect(try security("").map { $0 == (.starttls, 587) } == true)
        #expect(try security(", port: 465, security: starttls").map { $0 == (.starttls, 465) } == true)
    }

    @Test func channelsAsURLsAndAsObjects() throws {
        let yaml = """
            state_directory: /tmp/x
            notifications:
              channels:
                discord: discord://111/token
                family:
                  url: tgram://123:ABC/-1001234567890:7
                  parse_mode: MarkdownV2
                  quiet_hours: {from: "22:30", to: "07:00", mode: silent}
                  min_severity: warning
                  rate_limit: 10/min
                  ttl: 6h
                mail:
                  type: email
                  host: smtp.example.org
                  security: tls
                  username: u
                  password: p
                  from: h@example.org
                  to: [a@example.org]
                hook:
                  url: json://127.0.0.1:9000/x
                  method: PUT
                  headers: {X-A: "1"}
                  body: {text: "{{title}}", n: 3, ok: true}
                  secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
            """
        let configuration = try HeraldConfiguration.parse(yaml: yaml, file: "/test/h.yml")
        let channels = configuration.notifications.channels
        #expect(channels.map(\.name) == ["discord", "family", "mail", "hook"])
        #expect(channels[0].effectiveRateLimit == RateLimit(count: 5, per: .seconds(2)))
        let family = channels[1]
        #expect(family.quietHours == QuietHours(start: 22 * 60 + 30, end: 7 * 60, mode: .silent))
        #expect(family.minimumSeverity == .warning)
        #expect(family.rateLimit == RateLimit(count: 10, per: .seconds(60)))
        #expect(family.ttl == .seconds(6 * 3600))
        guard case .telegram(let telegram) = family.target else {
            Issue.record("not telegram")
            return
        }
        #expect(telegram.parseMode == .markdownV2 && telegram.topic == 7)
        guard case .email(let mail) = channels[2].target else { return }
        #expect(mail.port == 465 && mail.security == .tls && mail.password?.value == "p")
        guard case .webhook(let hook) = channels[3].target else { return }
        #expect(hook.method == .put)
        #expect(
            hook.body
                == .object(["text", "n", "ok"], ["text": .string("{{title}}"), "n": .number(3), "ok": .bool(true)]))
        let printed = configuration.effectiveYAML
        #expect(!printed.contains("token\n") && printed.contains("discord://111/<redacted>"))
        #expect(!printed.contains("123:ABC"))
        #expect(!printed.contains("password: p"))
    }

    @Test func mistakesAreReportedWithTheirPosition() {
        let found = problems(
            """
            notifications:
              channels:
                a: pushover://x
                b:
                  url: discord://1/t
                  rate_limit: fast
                  quiet_hours: {from: "25:00", to: "07:00"}
                  username: My Discord Bot
                c:
                  type: email
                  host: smtp.example.org
                  security: none
                  username: u
                  password: p
                  from: h@example.org
                  to: [a@x.org]
                d: {url: "tgram://1:A/not-a-chat"}
            """)
        #expect(found.contains { $0.hasPrefix("/test/h.yml:4:") && $0.contains("unknown scheme 'pushover://'") })
        #expect(found.contains { $0.hasPrefix("/test/h.yml:7:") && $0.contains("rate_limit' must look like 5/2s") })
        #expect(found.contains { $0.contains("quiet_hours' needs 'from' and 'to' as HH:MM") })
        #expect(found.contains { $0.contains("username' must be at most 80 characters without 'discord'") })
        #expect(found.contains { $0.contains("refusing to send a password without TLS") })
        #expect(found.contains { $0.contains("Telegram chat 'not-a-chat'") })
    }

    @Test func rulesMayOnlyNameConfiguredChannelsAndKnownTemplates() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.path + "/rules", withIntermediateDirectories: true)
        try directory.write(
            "rules/n.yml",
            """
            - name: n
              on: [sonarr.download]
              do:
                - notify: {to: [discord, nowhere], template: fancy, group_by: episode}
                - notify: {to: [discord], window: 5m}
            """)
        let file = try directory.write(
            "h.yml", "state_directory: \(directory.path)/s\nnotifications:\n  channels:\n    discord: discord://1/t\n")
        do {
            _ = try HeraldConfiguration.load(file: file, environment: [:])
            Issue.record("expected problems")
        } catch {
            let messages = error.diagnostics.map(\.description)
            #expect(
                messages.contains {
                    $0.contains("rules/n.yml:4:")
                        && $0.contains("no notification channel named 'nowhere' (configured: discord)")
                })
            #expect(messages.contains { $0.contains("no template named 'fancy'") })
            #expect(messages.contains { $0.contains("group_by' must be one of 'none', 'show', 'season'") })
            #expect(
                messages.contains { $0.contains("rules/n.yml:5:") && $0.contains("window only applies with group_by") })
        }
        try "Custom {{title}}".write(
            toFile: directory.path + "/templates-fancy.mustache", atomically: true, encoding: .utf8)
    }
}
