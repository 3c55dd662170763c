import Foundation
import HeraldCore
import Testing

@testable import HeraldNotify

@Suite struct WebhookSignatureTests {
    @Test func standardWebhooksSpecificationVector() {
        let signature = WebhookSigner.standard(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: "1614265330", body: Data(#"{"test": 2432232314}"#.utf8),
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func gitHubDocumentationVector() {
        let signature = WebhookSigner.github(body: Data("Hello, World!".utf8), secret: "It's a Secret to Everybody")
        #expect(signature == "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
    }

    @Test func templatedBodiesStayValidJSONWhateverTheTitleHolds() throws {
        let template = JSONTemplate.object(
            ["event", "text", "count", "nested"],
            [
                "event": .string("{{kind}}"), "text": .string("{{title}} — {{body}}"), "count": .number(2),
                "nested": .array([.string("{{show}}"), .bool(true), .null]),
            ])
        let content = NotificationContent(title: "He said \"hi\"\n\\o/", body: "{\"x\": 1}", timestamp: Date())
        let item = NotificationItem(
            eventID: "e", kind: "sonarr.download", source: "sonarr", receivedAt: Date(),
            media: MediaInfo(show: "Quote \" Show"))
        let context = NotificationRenderer.context(items: [item], severity: .info, rule: "r", channel: "c")
        let body = WebhookFormatter.body(content, template: template, context: context)
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(object["text"] as? String == "He said \"hi\"\n\\o/ — {\"x\": 1}")
        #expect(object["event"] as? String == "sonarr.download")
        #expect(object["count"] as? Double == 2)
        #expect((object["nested"] as? [Any])?.first as? String == "Quote \" Show")
    }

    @Test func appriseShapeAndHeadersByDefault() throws {
        var target = WebhookTarget(url: "http://127.0.0.1/x")
        target.secret = Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        target.githubSecret = Secret("gh")
        target.headers = [("X-Extra", "1")]
        let content = NotificationContent(title: "T", body: "B", severity: .warning, timestamp: Date())
        let body = WebhookFormatter.body(content, template: nil, context: [:])
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: String])
        #expect(object == ["version": "1.0", "title": "T", "message": "B", "type": "warning"])
        let headers = Dictionary(
            WebhookFormatter.headers(
                body: body, target: target, id: "evt/rule/ch", now: Date(timeIntervalSince1970: 1_614_265_330)),
            uniquingKeysWith: { $1 })
        #expect(headers["webhook-id"] == "evt/rule/ch")
        #expect(headers["webhook-timestamp"] == "1614265330")
        #expect(
            headers["webhook-signature"]
                == WebhookSigner.standard(
                    id: "evt/rule/ch", timestamp: "1614265330", body: body,
                    secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        #expect(headers["x-hub-signature-256"] == WebhookSigner.github(body: body, secret: "gh"))
        #expect(headers["X-Extra"] == "1")
    }
}

@Suite struct AppriseURLTests {
    @Test func discordForms() throws {
        guard case .discord(let short) = try AppriseURL.parse("discord://1234/abcDEF") else {
            Issue.record("not discord")
            return
        }
        #expect(short.webhookID == "1234" && short.token.value == "abcDEF" && short.baseURL == "https://discord.com")
        guard case .discord(let long) = try AppriseURL.parse("https://discord.com/api/webhooks/99/tok") else {
            Issue.record("not discord")
            return
        }
        #expect(long.webhookID == "99" && long.token.value == "tok")
    }

    @Test func telegramTokensKeepTheirColonAndTopicsParseBothWays() throws {
        for text in ["tgram://123456:ABC-def/-1001234567890:42", "tgram://123456:ABC-def/-1001234567890/42"] {
            guard case .telegram(let target) = try AppriseURL.parse(text) else {
                Issue.record("not telegram")
                return
            }
            #expect(target.token.value == "123456:ABC-def")
            #expect(target.chat == .id(-1_001_234_567_890))
            #expect(target.topic == 42)
        }
        guard case .telegram(let channel) = try AppriseURL.parse("tgram://1:A/@plexnews") else { return }
        #expect(channel.chat == .username("@plexnews"))
        #expect(throws: AppriseURL.Problem.self) { try AppriseURL.parse("tgram://1:A/not-a-chat") }
    }

    @Test func emailModesPortsAndRecipients() throws {
        guard
            case .email(let submission) = try AppriseURL.parse(
                "mailtos://alice:p%40ss@smtp.example.org?to=a@x.org,b@x.org&from=herald@x.org")
        else { return }
        #expect(submission.security == .starttls && submission.port == 587)
        #expect(submission.username == "alice" && submission.password?.value == "p@ss")
        #expect(submission.to == ["a@x.org", "b@x.org"] && submission.from == "herald@x.org")
        guard case .email(let implicit) = try AppriseURL.parse("mailtos://u:p@smtp.example.org:465") else { return }
        #expect(implicit.security == .tls)
        guard case .email(let ssl) = try AppriseURL.parse("mailtos://u:p@smtp.example.org?mode=ssl") else { return }
        #expect(ssl.security == .tls && ssl.port == 465)
        guard case .email(let relay) = try AppriseURL.parse("mailto://localhost?to=ops@x.org") else { return }
        #expect(relay.security == .none && relay.port == 25)
        guard case .email(let withLogin) = try AppriseURL.parse("mailto://u:p@smtp.example.org") else { return }
        #expect(withLogin.security == .starttls, "credentials are never sent without TLS")
    }

    @Test func slackAndJSONAndUnknownSchemes() throws {
        guard case .slack(let slack) = try AppriseURL.parse("slack://T000/B000/XXXX") else { return }
        #expect(slack.url.value == "https://hooks.slack.com/services/T000/B000/XXXX")
        guard case .webhook(let json) = try AppriseURL.parse("json://127.0.0.1:8080/hook?x=1") else { return }
        #expect(json.url == "http://127.0.0.1:8080/hook?x=1")
        guard case .webhook(let secure) = try AppriseURL.parse("jsons://example.org/hook") else { return }
        #expect(secure.url == "https://example.org/hook")
        #expect(throws: AppriseURL.Problem.self) { try AppriseURL.parse("pushover://x") }
    }
}
