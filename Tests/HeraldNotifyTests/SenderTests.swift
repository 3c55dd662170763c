import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldNotify
import HeraldTestSupport
import Testing

@Suite(.serialized) struct HTTPSenderTests {
    let date = Date(timeIntervalSince1970: 1_795_000_000)

    func message(_ body: String = "Body", image: String? = nil) -> OutgoingMessage {
        OutgoingMessage(
            content: NotificationContent(
                title: "Title", body: body, imageURL: image, timestamp: date, footer: "Herald"),
            items: [], rule: "r", channel: "c", key: "evt/r/c")
    }

    /// A Discord channel (webhook 42, token `tok`) at `baseURL`.
    static func discord(baseURL: String) -> ChannelSettings {
        var target = DiscordTarget(webhookID: "42", token: Secret("tok"))
        target.baseURL = baseURL
        return ChannelSettings(name: "discord", target: .discord(target))
    }

    @Test func discordGetsWaitTrueAndTheFakeAcceptsALongMessageSplitInParts() async throws {
        let fake = FakeNotifyServer()
        try await fake.start()
        defer { Task { await fake.stop() } }
        let channel = Self.discord(baseURL: fake.url)
        let report = await HTTPChannelSender(http: .shared).send(
            message(String(repeating: "line of text\n", count: 4000)), to: channel, now: date)
        guard case .delivered = report.result else {
            Issue.record("not delivered: \(report.result)")
            return
        }
        let requests = fake.delivered(.discord)
        #expect(report.partsDelivered == requests.count)
        #expect(requests.count > 1)
        #expect(requests.allSatisfy { $0.path == "/api/webhooks/42/tok?wait=true" })
    }

    /// After a successful answer that says the bucket is empty, the next part waits for the reset
    /// the service named (a 429 would count toward Discord's ban), and the lane is told too.
    @Test func discordsEmptyBucketOnASuccessIsWaitedFor() async throws {
        let fake = FakeNotifyServer()
        try await fake.start()
        defer { Task { await fake.stop() } }
        let channel = Self.discord(baseURL: fake.url)
        fake.script(.discord, [.okBucketEmpty(resetAfter: 0.5), .okBucketEmpty(resetAfter: 0.3)])
        let report = await HTTPChannelSender(http: .shared).send(
            message((1...4000).map { "line \($0) of text" }.joined(separator: "\n")), to: channel, now: date)
        let requests = fake.delivered(.discord)
        #expect(requests.count >= 3)
        #expect(requests.count == report.partsDelivered)
        #expect(requests[1].at.timeIntervalSince(requests[0].at) >= 0.5 - 0.01, "waited for the reset")
        #expect(requests[2].at.timeIntervalSince(requests[1].at) >= 0.3 - 0.01)
        #expect(report.rateLimitedUntil == nil, "the last answer left requests in the bucket")
    }

    /// A chat service that refuses the connection is reported at once, in plain words, and retried.
    @Test func aRefusedConnectionIsReportedPlainly() async throws {
        let port = try LoopbackPort.unused()
        let channel = Self.discord(baseURL: "http://127.0.0.1:\(port)")
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .herald)
        let report = await HTTPChannelSender(http: http).send(message(), to: channel, now: date)
        try await http.shutdown()
        guard case .retry(_, let reason, _) = report.result else {
            Issue.record("not a retry: \(report.result)")
            return
        }
        #expect(reason.contains("connection refused by 127.0.0.1:\(port)"), "\(reason)")
        #expect(!reason.contains("errno"))
    }

    @Test func aFailedPartIsResumedWithoutResendingTheOnesDelivered() async throws {
        let fake = FakeNotifyServer()
        try await fake.start()
        defer { Task { await fake.stop() } }
        let channel = Self.discord(baseURL: fake.url)
        let long = message((1...4000).map { "line \($0) of text" }.joined(separator: "\n"))
        fake.script(.discord, [.ok, .rateLimited(retryAfter: 0.25)])
        let first = await HTTPChannelSender(http: .shared).send(long, to: channel, now: date)
        #expect(first.result == .retry(after: 0.25, reason: "HTTP 429: You are being rate limited.", global: false))
        #expect(first.partsDelivered == 1)
        var resumed = long
        resumed.firstPart = first.partsDelivered
        let second = await HTTPChannelSender(http: .shared).send(resumed, to: channel, now: date)
        let bodies = fake.delivered(.discord).map(\.body)
        #expect(second.partsDelivered == bodies.count)
        #expect(Set(bodies).count == bodies.count, "no part was delivered twice")
    }

    @Test func slackTelegramAndWebhookRoundTrips() async throws {
        let fake = FakeNotifyServer()
        try await fake.start()
        defer { Task { await fake.stop() } }
        let sender = HTTPChannelSender(http: .shared)
        let slack = ChannelSettings(name: "s", target: .slack(SlackTarget(url: Secret("\(fake.url)/services/T/B/X"))))
        #expect(await sender.send(message("a & b"), to: slack, now: date).result == .delivered("HTTP 200: ok"))
        var telegram = TelegramTarget(token: Secret("1:A"), chat: .id(-1_001_234_567_890))
        telegram.baseURL = fake.url
        let photo = await sender.send(
            message("caption", image: "https://img/p.jpg"),
            to: ChannelSettings(name: "t", target: .telegram(telegram)), now: date)
        guard case .delivered = photo.result else {
            Issue.record("\(photo.result)")
            return
        }
        #expect(fake.delivered(.telegram).map(\.path) == ["/bot1:A/sendPhoto"])
        var hook = WebhookTarget(url: "\(fake.url)/json/plain")
        hook.secret = Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        _ = await sender.send(message(), to: ChannelSettings(name: "w", target: .webhook(hook)), now: date)
        let recorded = try #require(fake.delivered(.json).first)
        #expect(recorded.headers["webhook-id"] == "evt/r/c")
        #expect(
            recorded.headers["webhook-signature"]
                == WebhookSigner.standard(
                    id: "evt/r/c", timestamp: recorded.headers["webhook-timestamp"] ?? "", body: recorded.body,
                    secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
    }

    @Test func anUnreachableServiceIsATemporaryFailure() async throws {
        var channel = ChannelSettings(name: "w", target: .webhook(WebhookTarget(url: "http://127.0.0.1:9/json/x")))
        channel.timeout = .seconds(1)
        let report = await HTTPChannelSender(http: .shared).send(message(), to: channel, now: date)
        guard case .retry(nil, let reason, false) = report.result else {
            Issue.record("\(report.result)")
            return
        }
        #expect(reason.hasPrefix("no answer"))
    }
}

@Suite(.serialized) struct SMTPSenderTests {
    let date = Date(timeIntervalSince1970: 1_795_000_000)

    func channel(
        _ peer: SMTPPeer, port: Int, security: EmailTarget.Security, password: String = "s3cret", ca: Bool = true
    )
        -> ChannelSettings
    {
        var target = EmailTarget(
            host: "127.0.0.1", port: port, security: security, from: "herald@example.org", to: ["ops@example.org"])
        target.username = "alice"
        target.password = Secret(password)
        if ca { target.caFile = peer.caFile }
        var settings = ChannelSettings(name: "mail", target: .email(target))
        settings.timeout = .seconds(5)
        return settings
    }

    var message: OutgoingMessage {
        OutgoingMessage(
            content: NotificationContent(
                title: "Über Plex: New Episode — S01E02 “Pilot” and a rather long subject line to fold",
                body: "Line one\n" + String(repeating: "é", count: 1500), timestamp: date, footer: "Herald"),
            items: [], rule: "rule", channel: "mail", key: "0190/rule/mail")
    }

    @Test func startTLSAndImplicitTLSDeliverWithAuthOnlyAfterTLS() async throws {
        let peer = try SMTPPeer()
        defer { peer.stop() }
        let sender = SMTPChannelSender()
        let starttls = await sender.send(
            message, to: channel(peer, port: peer.starttlsPort, security: .starttls), now: date)
        #expect(starttls.result == .delivered("SMTP 250"))
        let implicit = await sender.send(
            message, to: channel(peer, port: peer.implicitTLSPort, security: .tls), now: date)
        #expect(implicit.result == .delivered("SMTP 250"))
        #expect(peer.commands.filter { $0.hasPrefix("AUTH") }.allSatisfy { $0 == "AUTH tls=True" })
        #expect(
            peer.commands.filter { $0.hasPrefix("MAIL") } == ["MAIL tls=True auth=True", "MAIL tls=True auth=True"])
        let messages = peer.messages.map { String(decoding: $0, as: UTF8.self) }
        #expect(messages.count == 2)
        let text = try #require(messages.first)
        let headers = text.components(separatedBy: "\r\n\r\n")[0]
        #expect(headers.contains("Message-ID: <0190.rule.mail@example.org>"))
        #expect(headers.contains("Date: Wed, 18 Nov 2026 11:06:40 +0000"))
        let subject = try #require(
            headers.components(separatedBy: "\r\nSubject: ").last?.components(separatedBy: "\r\nMessage-ID").first)
        #expect(EmailMessageTests.decodeHeader(subject) == message.content.title)
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 998) }
        #expect(text.range(of: "text/plain")!.lowerBound < text.range(of: "text/html")!.lowerBound)
    }

    @Test func aWrongPasswordIsPermanentAndAServerWithoutSTARTTLSGetsNoCredentials() async throws {
        let peer = try SMTPPeer()
        defer { peer.stop() }
        let sender = SMTPChannelSender()
        let wrong = await sender.send(
            message, to: channel(peer, port: peer.starttlsPort, security: .starttls, password: "nope"), now: date)
        guard case .permanent(let reason, false) = wrong.result else {
            Issue.record("\(wrong.result)")
            return
        }
        #expect(reason.contains("username or password"))
        let plain = await sender.send(message, to: channel(peer, port: peer.plainPort, security: .starttls), now: date)
        guard case .permanent(let refusal, false) = plain.result else {
            Issue.record("\(plain.result)")
            return
        }
        #expect(refusal.contains("does not offer STARTTLS"))
        #expect(peer.commands.allSatisfy { $0.contains("tls=True") }, "\(peer.commands)")
        #expect(peer.messages.isEmpty)
    }

    @Test func anUntrustedCertificateIsAConfigurationError() async throws {
        let peer = try SMTPPeer()
        defer { peer.stop() }
        let result = await SMTPChannelSender().send(
            message, to: channel(peer, port: peer.implicitTLSPort, security: .tls, ca: false), now: date)
        guard case .permanent(let reason, false) = result.result else {
            Issue.record("\(result.result)")
            return
        }
        #expect(reason.contains("certificate"))
    }
}
