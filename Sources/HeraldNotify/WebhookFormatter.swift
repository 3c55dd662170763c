import Foundation
import HeraldCore
import Mustache

/// Shapes a notification into a generic JSON webhook: the body from the channel's JSON template
/// (each string rendered on its own, then serialised, so any title keeps the JSON valid) or
/// Apprise's `json://` shape, and the signature headers.
enum WebhookFormatter {
    /// The body: the configured template, or `{"version","title","message","type"}` like Apprise.
    static func body(
        _ content: NotificationContent, template: JSONTemplate?, context: @autoclosure () -> [String: Any]
    )
        -> Data
    {
        guard let template else {
            // The common case, written directly: JSONSerialization costs more than the whole send.
            return Data(
                JSONText.object([
                    "version": JSONText.string("1.0"), "title": JSONText.string(content.title),
                    "message": JSONText.string(content.body), "type": JSONText.string(content.severity.rawValue),
                ]).utf8)
        }
        var context = context()
        context["title"] = content.title
        context["body"] = content.body
        context["message"] = content.body
        context["severity"] = content.severity.rawValue
        let value = render(template, context: context)
        return (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]))
            ?? Data("{}".utf8)
    }

    static func render(_ template: JSONTemplate, context: [String: Any]) -> Any {
        switch template {
        case .string(let text):
            guard text.contains("{{") else { return text }
            return (try? MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT }}" + text).render(context)) ?? text
        case .number(let number): return number
        case .bool(let flag): return flag
        case .null: return NSNull()
        case .array(let items): return items.map { render($0, context: context) }
        case .object(_, let fields): return fields.mapValues { render($0, context: context) }
        }
    }

    /// The headers for one attempt: the id stays the same across retries, the timestamp and
    /// signature are made per attempt (Standard Webhooks).
    static func headers(body: Data, target: WebhookTarget, id: String, now: Date) -> [(String, String)] {
        var headers: [(String, String)] = [("content-type", "application/json"), ("user-agent", "Herald")]
        let timestamp = String(Int64(now.timeIntervalSince1970))
        headers.append(("webhook-id", id))
        headers.append(("webhook-timestamp", timestamp))
        if let secret = target.secret {
            headers.append(
                (
                    "webhook-signature",
                    WebhookSigner.standard(id: id, timestamp: timestamp, body: body, secret: secret.value)
                ))
        }
        if let secret = target.githubSecret {
            headers.append(("x-hub-signature-256", WebhookSigner.github(body: body, secret: secret.value)))
        }
        for (name, value) in target.headers { headers.append((name, value)) }
        return headers
    }
}
