import Foundation

/// One notification channel, declared once in the configuration and named by `notify` actions.
public struct ChannelSettings: Sendable, Equatable {
    public var name: String
    public var target: ChannelTarget
    /// Template used when the action names none.
    public var template: String?
    /// Messages below this severity are not sent to this channel.
    public var minimumSeverity: Severity = .info
    public var quietHours: QuietHours?
    /// Proactive pacing; nil takes the service's documented limit (`RateLimit.default(for:)`).
    public var rateLimit: RateLimit?
    /// How long an undelivered message stays worth sending.
    public var ttl: Duration = .seconds(86_400)
    /// Exponential backoff between failed attempts (with jitter), unless the service says when.
    public var retry = RetryPolicy(initialDelay: .seconds(5), maximumDelay: .seconds(900))
    public var timeout: Duration = .seconds(30)

    public init(name: String, target: ChannelTarget) {
        self.name = name
        self.target = target
    }

    public var service: ChannelTarget.Service { target.service }
    /// The rate limit in force.
    public var effectiveRateLimit: RateLimit? { rateLimit ?? RateLimit.default(for: service) }

    /// Changes when the channel is pointed somewhere else; a channel disabled by its service
    /// (Discord's `Unknown Webhook`, Slack's `no_service`) is enabled again when this changes.
    public var fingerprint: String { target.fingerprint }
}

/// Where a channel delivers, per service.
public enum ChannelTarget: Sendable, Equatable {
    public enum Service: String, Sendable, CaseIterable {
        case discord, slack, telegram, email, webhook
    }

    case discord(DiscordTarget)
    case slack(SlackTarget)
    case telegram(TelegramTarget)
    case email(EmailTarget)
    case webhook(WebhookTarget)

    public var service: Service {
        switch self {
        case .discord: .discord
        case .slack: .slack
        case .telegram: .telegram
        case .email: .email
        case .webhook: .webhook
        }
    }

    var fingerprint: String {
        switch self {
        case .discord(let target): "discord \(target.baseURL) \(target.webhookID) \(target.token.value)"
        case .slack(let target): "slack \(target.url.value)"
        case .telegram(let target): "telegram \(target.baseURL) \(target.token.value) \(target.chat)"
        case .email(let target): "email \(target.host):\(target.port) \(target.to)"
        case .webhook(let target): "webhook \(target.url)"
        }
    }
}

/// `discord://{webhook id}/{token}` or `https://discord.com/api/webhooks/{id}/{token}`.
public struct DiscordTarget: Sendable, Equatable {
    public var webhookID: String
    public var token: Secret
    /// `https://discord.com` unless overridden (tests point it at a local fake).
    public var baseURL = "https://discord.com"
    /// Overrides the webhook's name (Discord refuses names containing "discord" or "clyde").
    public var username: String?
    public var avatarURL: String?
    /// What may ping: any of `users`, `roles`, `everyone`. Empty (the default) pings nobody, whatever
    /// the titles contain.
    public var mentions: [String] = []
    /// Posts into a thread of a forum channel.
    public var threadID: String?

    public init(webhookID: String, token: Secret) {
        self.webhookID = webhookID
        self.token = token
    }
}

/// A Slack incoming webhook, `https://hooks.slack.com/services/T…/B…/X…` (the URL is the secret).
public struct SlackTarget: Sendable, Equatable {
    public var url: Secret

    public init(url: Secret) {
        self.url = url
    }
}

/// A Telegram bot posting to one chat.
public struct TelegramTarget: Sendable, Equatable {
    public enum ParseMode: String, Sendable, CaseIterable {
        case html = "HTML"
        case markdownV2 = "MarkdownV2"
    }

    public var token: Secret
    public var chat: TelegramChat
    /// Forum topic (`message_thread_id`).
    public var topic: Int64?
    public var baseURL = "https://api.telegram.org"
    public var parseMode = ParseMode.html

    public init(token: Secret, chat: TelegramChat) {
        self.token = token
        self.chat = chat
    }
}

/// A Telegram chat: a numeric id (64-bit: supergroups are `-100…`) or a public `@channel`.
public enum TelegramChat: Sendable, Equatable, CustomStringConvertible {
    case id(Int64)
    case username(String)

    /// Parses `-1001234567890` or `@channel`; nil for anything else.
    public init?(_ text: String) {
        if let id = Int64(text) {
            self = .id(id)
        } else if text.hasPrefix("@"), text.count > 1, !text.contains(" ") {
            self = .username(text)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .id(let id): String(id)
        case .username(let name): name
        }
    }
}

/// An SMTP submission server and the message envelope.
public struct EmailTarget: Sendable, Equatable {
    public enum Security: String, Sendable, CaseIterable {
        /// Plain connection upgraded with STARTTLS (port 587); refuses to go on without it.
        case starttls
        /// TLS from the first byte (port 465, RFC 8314).
        case tls
        /// No TLS at all: only for a local relay, and never with credentials.
        case none
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: Secret?
    public var from: String
    public var to: [String]
    /// Extra trusted CA certificates (PEM), for a server with a private certificate.
    public var caFile: String?

    public init(host: String, port: Int, security: Security, from: String, to: [String]) {
        self.host = host
        self.port = port
        self.security = security
        self.from = from
        self.to = to
    }
}

/// A generic JSON webhook.
public struct WebhookTarget: Sendable, Equatable {
    public enum Method: String, Sendable, CaseIterable {
        case post = "POST"
        case put = "PUT"
        case patch = "PATCH"
    }

    public var url: String
    public var method = Method.post
    public var headers: [(name: String, value: String)] = []
    /// Body template: each string value is rendered on its own, so the JSON stays valid whatever
    /// the titles contain. nil sends Apprise's `json://` shape.
    public var body: JSONTemplate?
    /// Standard Webhooks signing secret (`whsec_…`); adds `webhook-signature`.
    public var secret: Secret?
    /// Also sends GitHub's `X-Hub-Signature-256` with this secret.
    public var githubSecret: Secret?

    public init(url: String) {
        self.url = url
    }

    public static func == (left: WebhookTarget, right: WebhookTarget) -> Bool {
        left.url == right.url && left.method == right.method && left.headers.map(\.name) == right.headers.map(\.name)
            && left.headers.map(\.value) == right.headers.map(\.value) && left.body == right.body
            && left.secret == right.secret && left.githubSecret == right.githubSecret
    }
}

/// A JSON value whose strings are Mustache templates.
public indirect enum JSONTemplate: Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONTemplate])
    /// Keys in file order.
    case object([String], [String: JSONTemplate])
}
