import Foundation
import HeraldCore

/// What one delivery attempt came to.
public enum DeliveryResult: Sendable, Equatable {
    /// The service accepted the message; the text summarises its answer.
    case delivered(String)
    /// Try again: after `after` seconds when the service said so, else after the backoff. `global`
    /// means the whole service is rate limited (Discord's global flag), not just this channel.
    case retry(after: TimeInterval?, reason: String, global: Bool)
    /// Retrying cannot help (a bad payload, a revoked webhook, wrong credentials). `disableChannel`
    /// when the target is gone for good (Discord `Unknown Webhook`, Slack `no_service`, 410).
    case permanent(reason: String, disableChannel: Bool)
    /// Telegram moved the group to a supergroup: send again, once, to the new chat id.
    case migrated(to: Int64, reason: String)

    /// Classifies an HTTP answer the way each service documents it.
    ///
    /// - Parameters:
    ///   - status: The HTTP status, or nil when no answer came (`transportError` says why).
    ///   - header: Looks a response header up by lower-case name.
    ///   - now: For `Retry-After` given as an HTTP-date.
    static func classify(
        service: ChannelTarget.Service, status: Int?, header: (String) -> String?, body: Data,
        transportError: String? = nil, now: Date
    ) -> DeliveryResult {
        guard let status else {
            return .retry(after: nil, reason: "no answer: \(transportError ?? "connection failed")", global: false)
        }
        let json = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let detail = describe(service: service, json: json, text: text)
        let reason = detail.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(detail)"
        switch status {
        case 200..<300:
            return .delivered(reason)
        case 429:
            let parameters = json?["parameters"] as? [String: Any]
            let bodyWait =
                (json?["retry_after"] as? NSNumber)?.doubleValue
                ?? (parameters?["retry_after"] as? NSNumber)?.doubleValue
            let wait =
                bodyWait ?? RetryAfter.parse(header("retry-after"), now: now)
                ?? header("x-ratelimit-reset-after").flatMap(Double.init)
            return .retry(after: wait, reason: reason, global: (json?["global"] as? Bool) ?? false)
        case 408, 425, 500..<600:
            return .retry(after: RetryAfter.parse(header("retry-after"), now: now), reason: reason, global: false)
        case 300..<400:
            return .permanent(
                reason: "\(reason) (redirects are not followed: use the final URL)", disableChannel: false)
        default:
            if service == .telegram, let parameters = json?["parameters"] as? [String: Any],
                let chat = (parameters["migrate_to_chat_id"] as? NSNumber)?.int64Value
            {
                return .migrated(to: chat, reason: reason)
            }
            let gone =
                status == 410 || (service == .discord && status == 404)
                || (service == .slack && (text == "no_service" || text == "channel_is_archived"))
            return .permanent(reason: reason, disableChannel: gone)
        }
    }

    private static func describe(service: ChannelTarget.Service, json: [String: Any]?, text: String) -> String {
        if let json {
            if let description = json["description"] as? String { return description }
            if let message = json["message"] as? String {
                let code = (json["code"] as? NSNumber).map { " (code \($0))" } ?? ""
                return message + code
            }
        }
        return text
    }
}
