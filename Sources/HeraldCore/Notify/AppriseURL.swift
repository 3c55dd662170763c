import Foundation

/// Reads a channel given as one URL, in the forms Apprise users already have:
///
/// - `discord://{webhook id}/{token}` and `https://discord.com/api/webhooks/{id}/{token}`
/// - `slack://{T…}/{B…}/{secret}` and `https://hooks.slack.com/services/T…/B…/…`
/// - `tgram://{bot token}/{chat id or @channel}[:{topic}]` (`/{topic}` as Tautulli writes it works too)
/// - `mailto://[user:password@]host[:port]?to=a@b,c@d&from=…` (STARTTLS whenever there are
///   credentials) and `mailtos://…` (STARTTLS on 587, implicit TLS on 465 or with `mode=ssl`)
/// - `json://host[:port]/path` (HTTP) and `jsons://…` (HTTPS)
public enum AppriseURL {
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    public static func parse(_ text: String) throws(Problem) -> ChannelTarget {
        if text.lowercased().hasPrefix("tgram://") { return .telegram(try telegram(String(text.dropFirst(8)))) }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw Problem(description: "not a URL: expected a form such as discord://ID/TOKEN or tgram://TOKEN/CHAT")
        }
        let host = components.percentEncodedHost.map { $0.removingPercentEncoding ?? $0 } ?? ""
        let segments = components.path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name.lowercased(), $0.value ?? "") }, uniquingKeysWith: { $1 })
        switch scheme {
        case "discord":
            guard !host.isEmpty, segments.count == 1 else {
                throw Problem(description: "a Discord URL is discord://WEBHOOK_ID/WEBHOOK_TOKEN")
            }
            return .discord(DiscordTarget(webhookID: host, token: Secret(segments[0])))
        case "slack":
            guard !host.isEmpty, segments.count == 2 else {
                throw Problem(description: "a Slack URL is slack://T…/B…/SECRET (the three parts of the webhook URL)")
            }
            return .slack(
                SlackTarget(url: Secret("https://hooks.slack.com/services/\(host)/\(segments[0])/\(segments[1])")))
        case "mailto", "mailtos":
            return .email(try email(scheme: scheme, host: host, components: components, query: query))
        case "json", "jsons":
            guard !host.isEmpty else { throw Problem(description: "a JSON webhook URL is json://HOST[:PORT]/PATH") }
            var http = components
            http.scheme = scheme == "json" ? "http" : "https"
            return .webhook(WebhookTarget(url: http.string ?? text))
        case "https", "http":
            if host == "discord.com" || host == "discordapp.com", segments.count == 4, segments[0] == "api",
                segments[1] == "webhooks"
            {
                var target = DiscordTarget(webhookID: segments[2], token: Secret(segments[3]))
                if scheme == "http" || components.port != nil {
                    target.baseURL = "\(scheme)://\(host)\(components.port.map { ":\($0)" } ?? "")"
                }
                return .discord(target)
            }
            if host == "hooks.slack.com" { return .slack(SlackTarget(url: Secret(text))) }
            throw Problem(
                description:
                    "an http(s) URL is read as a Discord or Slack webhook; for any other endpoint use json:// or jsons://"
            )
        default:
            throw Problem(
                description:
                    "unknown scheme '\(scheme)://' (known: discord, slack, tgram, mailto, mailtos, json, jsons)")
        }
    }

    /// `TOKEN/CHAT[:TOPIC]` or `TOKEN/CHAT/TOPIC`; read by hand because bot tokens hold a colon
    /// (`123456:ABC…`) that URL parsing would take for a port.
    private static func telegram(_ rest: String) throws(Problem) -> TelegramTarget {
        let segments = rest.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        guard segments.count >= 2, segments.count <= 3, !segments[0].isEmpty else {
            throw Problem(description: "a Telegram URL is tgram://BOT_TOKEN/CHAT_ID[:TOPIC]")
        }
        let chatText = segments[1]
        var chatPart = chatText
        var topicText: String? = segments.count > 2 ? segments[2] : nil
        if let colon = chatText.lastIndex(of: ":") {
            chatPart = String(chatText[..<colon])
            topicText = String(chatText[chatText.index(after: colon)...])
        }
        guard let chat = TelegramChat(chatPart) else {
            throw Problem(
                description: "Telegram chat '\(chatPart)' must be a numeric id (such as -1001234567890) or @channel")
        }
        var target = TelegramTarget(token: Secret(segments[0]), chat: chat)
        if let topicText {
            guard let topic = Int64(topicText), topic > 0 else {
                throw Problem(description: "Telegram topic '\(topicText)' must be a positive number")
            }
            target.topic = topic
        }
        return target
    }

    private static func email(
        scheme: String, host: String, components: URLComponents, query: [String: String]
    ) throws(Problem) -> EmailTarget {
        guard !host.isEmpty else { throw Problem(description: "an email URL is mailtos://user:password@host?to=…") }
        let user = components.user.map { $0.removingPercentEncoding ?? $0 }
        let password = components.password.map { $0.removingPercentEncoding ?? $0 }
        var security: EmailTarget.Security
        switch (scheme, query["mode"]?.lowercased()) {
        case (_, "ssl"), (_, "tls"): security = .tls
        case (_, "starttls"): security = .starttls
        case ("mailtos", _): security = components.port == 465 ? .tls : .starttls
        default: security = user == nil ? .none : .starttls
        }
        if let mode = query["mode"], !["ssl", "tls", "starttls"].contains(mode.lowercased()) {
            throw Problem(description: "email mode '\(mode)' must be ssl or starttls")
        }
        let port = components.port ?? (security == .tls ? 465 : security == .starttls ? 587 : 25)
        let recipients = (query["to"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let from = query["from"] ?? user.map { $0.contains("@") ? $0 : "\($0)@\(host)" } ?? "herald@\(host)"
        let to = recipients.isEmpty ? [from] : recipients
        var target = EmailTarget(host: host, port: port, security: security, from: from, to: to)
        target.username = user
        target.password = password.map(Secret.init)
        if let user, security == .none {
            throw Problem(description: "refusing to send the password of '\(user)' without TLS: use mailtos://")
        }
        return target
    }
}
