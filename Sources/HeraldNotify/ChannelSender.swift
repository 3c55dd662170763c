import Foundation
import HeraldCore

/// One message on its way to one channel.
public struct OutgoingMessage: Sendable {
    public var content: NotificationContent
    /// The events behind it (generic webhook bodies render from them).
    public var items: [NotificationItem]
    public var rule: String
    public var channel: String
    /// Stays the same across retries: the Standard Webhooks `webhook-id`, the email Message-ID.
    public var key: String
    /// Deliver without a push (quiet hours in `silent` mode).
    public var silent: Bool
    /// Parts already delivered by an earlier attempt (a long message is several posts).
    public var firstPart: Int
    /// A Telegram chat id that replaced the configured one (`migrate_to_chat_id`).
    public var telegramChat: TelegramChat?
    /// The poster to upload with the message (Plex's `thumb`), for services that take files
    /// (Discord, Telegram); the content's `imageURL` is then `NotificationContent.attachedPoster`.
    public var image: Data?

    public init(
        content: NotificationContent, items: [NotificationItem], rule: String, channel: String, key: String,
        silent: Bool = false, firstPart: Int = 0, telegramChat: TelegramChat? = nil
    ) {
        self.content = content
        self.items = items
        self.rule = rule
        self.channel = channel
        self.key = key
        self.silent = silent
        self.firstPart = firstPart
        self.telegramChat = telegramChat
    }
}

/// What an attempt achieved: the parts delivered so far (including earlier attempts) and how the
/// last request ended.
public struct SendReport: Sendable, Equatable {
    public var partsDelivered: Int
    public var result: DeliveryResult
    /// When the service said, on an answer that succeeded, that no request is left in its
    /// bucket until then (Discord's `X-RateLimit-Remaining: 0` and `X-RateLimit-Reset-After`).
    public var rateLimitedUntil: Date?

    public init(partsDelivered: Int, result: DeliveryResult, rateLimitedUntil: Date? = nil) {
        self.partsDelivered = partsDelivered
        self.result = result
        self.rateLimitedUntil = rateLimitedUntil
    }
}

/// Delivers messages to one kind of service.
public protocol ChannelSender: Sendable {
    func send(_ message: OutgoingMessage, to channel: ChannelSettings, now: Date) async -> SendReport
}
