import Foundation
import HeraldCore

/// Shapes a notification into Discord webhook messages within every documented limit.
///
/// One embed carries the title, colour, poster, footer and timestamp; a body longer than an
/// embed's 4,096-character description continues in further embeds, and embeds are packed into
/// messages of at most 10 embeds and 6,000 characters. Nothing is ever refused for length.
/// `allowed_mentions` is always sent, empty unless the channel allows pings, so a title holding
/// `@everyone` pings nobody.
enum DiscordFormatter {
    static let titleLimit = 256
    static let descriptionLimit = 4096
    static let footerLimit = 2048
    static let embedsPerMessage = 10
    static let charactersPerMessage = 6000
    /// `SUPPRESS_NOTIFICATIONS`: delivered without a push.
    static let silentFlag = 4096

    /// The JSON bodies to post, in order.
    static func messages(_ content: NotificationContent, target: DiscordTarget, silent: Bool) -> [Data] {
        let title = TextLimits.truncate(content.title.trimmingCharacters(in: .whitespacesAndNewlines), to: titleLimit)
        let footer = content.footer.map {
            TextLimits.truncate($0.trimmingCharacters(in: .whitespacesAndNewlines), to: footerLimit)
        }
        let body = content.body.trimmingCharacters(in: .whitespacesAndNewlines)
        // The first embed also carries the title and footer, which count towards the 6,000.
        let firstRoom = min(descriptionLimit, charactersPerMessage - title.utf16.count - (footer?.utf16.count ?? 0))
        var descriptions: [String] = []
        if !body.isEmpty {
            let first = TextLimits.split(body, limit: firstRoom)[0]
            descriptions.append(first)
            let rest = String(body.utf16.count > first.utf16.count ? body.dropFirst(first.count) : "")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if !rest.isEmpty { descriptions += TextLimits.split(rest, limit: descriptionLimit) }
        }
        var embeds: [(embed: [String: Any], size: Int)] = []
        for (index, description) in (descriptions.isEmpty ? [""] : descriptions).enumerated() {
            var embed: [String: Any] = ["color": content.color]
            var size = description.utf16.count
            if !description.isEmpty { embed["description"] = description }
            if index == 0 {
                embed["title"] = title.isEmpty ? "Herald" : title
                size += title.utf16.count
                if let footer, !footer.isEmpty {
                    embed["footer"] = ["text": footer]
                    size += footer.utf16.count
                }
                embed["timestamp"] = content.timestamp.formatted(.iso8601)
                if let image = content.imageURL { embed["thumbnail"] = ["url": image] }
            }
            embeds.append((embed, size))
        }
        var messages: [[[String: Any]]] = [[]]
        var used = 0
        for (embed, size) in embeds {
            if messages[messages.count - 1].count == embedsPerMessage || used + size > charactersPerMessage {
                messages.append([])
                used = 0
            }
            messages[messages.count - 1].append(embed)
            used += size
        }
        return messages.map { embeds in
            var message: [String: Any] = ["embeds": embeds, "allowed_mentions": ["parse": target.mentions]]
            if let username = target.username { message["username"] = String(username.prefix(80)) }
            if let avatar = target.avatarURL { message["avatar_url"] = avatar }
            if silent { message["flags"] = silentFlag }
            return (try? JSONSerialization.data(withJSONObject: message, options: [.sortedKeys])) ?? Data()
        }
    }
}
