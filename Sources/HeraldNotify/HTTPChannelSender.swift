import AsyncHTTPClient
import Foundation
import HeraldCore
import NIOCore
import NIOHTTP1

/// Delivers to the HTTP services: Discord, Slack, Telegram and generic webhooks.
public struct HTTPChannelSender: ChannelSender {
    let http: HTTPClient

    public init(http: HTTPClient) {
        self.http = http
    }

    struct Request {
        var method: HTTPMethod = .POST
        var url: String
        var headers: [(String, String)] = [("content-type", "application/json"), ("user-agent", "Herald")]
        var body: Data
    }

    public func send(_ message: OutgoingMessage, to channel: ChannelSettings, now: Date) async -> SendReport {
        let requests = Self.requests(for: message, channel: channel, now: now)
        var delivered = min(message.firstPart, requests.count)
        var last = DeliveryResult.delivered("nothing to send")
        var emptyUntil: Date?
        for request in requests.dropFirst(delivered) {
            // A part after one whose answer said the bucket is empty waits for it to refill:
            // every 429 counts toward Discord's ban on invalid requests.
            if let emptyUntil, emptyUntil > Date() {
                try? await Task.sleep(for: .seconds(emptyUntil.timeIntervalSinceNow))
            }
            (last, emptyUntil) = await perform(request, service: channel.service, timeout: channel.timeout)
            guard case .delivered = last else { return SendReport(partsDelivered: delivered, result: last) }
            delivered += 1
        }
        return SendReport(partsDelivered: delivered, result: last, rateLimitedUntil: emptyUntil)
    }

    /// When a successful answer says the service's bucket is empty: `X-RateLimit-Remaining: 0`
    /// with `X-RateLimit-Reset-After` seconds (Discord sends them on every answer).
    static func emptyBucketUntil(header: (String) -> String?, now: Date) -> Date? {
        guard header("x-ratelimit-remaining")?.trimmingCharacters(in: .whitespaces) == "0",
            let seconds = header("x-ratelimit-reset-after").flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }
            ),
            seconds > 0, seconds < 3600
        else { return nil }
        return now.addingTimeInterval(seconds)
    }

    /// The requests a message becomes for the channel's service, in order.
    static func requests(for message: OutgoingMessage, channel: ChannelSettings, now: Date) -> [Request] {
        switch channel.target {
        case .discord(let target):
            var url = "\(target.baseURL)/api/webhooks/\(target.webhookID)/\(target.token.value)?wait=true"
            if let thread = target.threadID { url += "&thread_id=\(thread)" }
            var requests = DiscordFormatter.messages(message.content, target: target, silent: message.silent).map {
                Request(url: url, body: $0)
            }
            if let image = message.image, message.content.imageURL == NotificationContent.attachedPoster,
                !requests.isEmpty
            {
                // The first message carries the poster its embed points at (`attachment://poster.jpg`).
                var form = MultipartBody()
                form.parts = [
                    .init(name: "payload_json", contentType: "application/json", data: requests[0].body),
                    .init(name: "files[0]", filename: "poster.jpg", contentType: "image/jpeg", data: image),
                ]
                requests[0].headers = [("content-type", form.contentType), ("user-agent", "Herald")]
                requests[0].body = form.data
            }
            return requests
        case .slack(let target):
            return [Request(url: target.url.value, body: SlackFormatter.message(message.content))]
        case .telegram(let target):
            let chat = message.telegramChat ?? target.chat
            return TelegramFormatter.calls(
                message.content, target: target, chat: chat, silent: message.silent, upload: message.image
            ).map {
                Request(
                    url: "\(target.baseURL)/bot\(target.token.value)/\($0.method)",
                    headers: [("content-type", $0.contentType), ("user-agent", "Herald")], body: $0.body)
            }
        case .webhook(let target):
            let body = WebhookFormatter.body(
                message.content, template: target.body,
                context: NotificationRenderer.context(
                    items: message.items, severity: message.content.severity, rule: message.rule,
                    channel: message.channel))
            return [
                Request(
                    method: HTTPMethod(rawValue: target.method.rawValue), url: target.url,
                    headers: WebhookFormatter.headers(body: body, target: target, id: message.key, now: now), body: body
                )
            ]
        case .email:
            return []
        }
    }

    /// Sends one request: how it ended, and when a successful answer said the bucket is empty.
    private func perform(
        _ request: Request, service: ChannelTarget.Service, timeout: Duration
    ) async -> (DeliveryResult, Date?) {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = request.method
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        do {
            let response = try await http.execute(outgoing, timeout: .nanoseconds(timeout.nanoseconds))
            let buffer = try await response.body.collect(upTo: 64 << 10)
            let body = Data(buffer.readableBytesView)
            let header = { (name: String) in response.headers.first(name: name) }
            let now = Date()
            return (
                DeliveryResult.classify(
                    service: service, status: Int(response.status.code), header: header, body: body, now: now),
                Self.emptyBucketUntil(header: header, now: now)
            )
        } catch {
            return (
                DeliveryResult.classify(
                    service: service, status: nil, header: { _ in nil }, body: Data(),
                    transportError: TransportError.message(error, url: request.url), now: Date()),
                nil
            )
        }
    }
}
