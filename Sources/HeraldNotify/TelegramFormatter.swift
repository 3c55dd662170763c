import Foundation
import HeraldCore

/// Shapes a notification into Telegram Bot API calls (`sendMessage`, `sendPhoto`).
///
/// The limits (4,096 characters per message, 1,024 per caption) apply to the text after entity
/// parsing, so the plain text is split first and each piece is escaped and marked up afterwards:
/// a cut can never fall inside a tag or an escape. Lengths are counted in UTF-16 units, never bytes.
enum TelegramFormatter {
    static let messageLimit = 4096
    static let captionLimit = 1024
    static let titleLimit = 1024

    struct Call: Equatable {
        var method: String
        var body: Data
        var contentType = "application/json"
    }

    /// - Parameter upload: The poster to upload when `content.imageURL` is
    ///   `NotificationContent.attachedPoster` (the photo then goes as multipart, every field a part).
    static func calls(
        _ content: NotificationContent, target: TelegramTarget, chat: TelegramChat, silent: Bool, upload: Data? = nil
    )
        -> [Call]
    {
        let title = TextLimits.truncate(content.title.trimmingCharacters(in: .whitespacesAndNewlines), to: titleLimit)
        let body = content.body.trimmingCharacters(in: .whitespacesAndNewlines)
        let plain = body.isEmpty ? title : title + "\n" + body
        var calls: [Call] = []
        var bodyPieces: [String]
        if let image = content.imageURL {
            let caption = plain.utf16.count <= captionLimit ? plain : title
            var fields = common(target: target, chat: chat, silent: silent)
            fields["caption"] = markup(caption, boldPrefix: title, mode: target.parseMode)
            if let upload, image == NotificationContent.attachedPoster {
                var form = MultipartBody()
                for name in fields.keys.sorted() {
                    form.parts.append(.init(name: name, data: Data(formText(fields[name]!).utf8)))
                }
                form.parts.append(.init(name: "photo", filename: "poster.jpg", contentType: "image/jpeg", data: upload))
                calls.append(Call(method: "sendPhoto", body: form.data, contentType: form.contentType))
            } else {
                fields["photo"] = image
                calls.append(Call(method: "sendPhoto", body: json(fields)))
            }
            bodyPieces = caption == plain || body.isEmpty ? [] : TextLimits.split(body, limit: messageLimit)
            for piece in bodyPieces {
                var message = common(target: target, chat: chat, silent: silent)
                message["text"] = markup(piece, boldPrefix: nil, mode: target.parseMode)
                message["link_preview_options"] = ["is_disabled": true]
                calls.append(Call(method: "sendMessage", body: json(message)))
            }
            return calls
        }
        bodyPieces = TextLimits.split(plain, limit: messageLimit)
        for (index, piece) in bodyPieces.enumerated() {
            var message = common(target: target, chat: chat, silent: silent)
            message["text"] = markup(piece, boldPrefix: index == 0 ? title : nil, mode: target.parseMode)
            message["link_preview_options"] = ["is_disabled": true]
            calls.append(Call(method: "sendMessage", body: json(message)))
        }
        return calls
    }

    private static func common(target: TelegramTarget, chat: TelegramChat, silent: Bool) -> [String: Any] {
        var fields: [String: Any] = ["parse_mode": target.parseMode.rawValue]
        switch chat {
        case .id(let id): fields["chat_id"] = NSNumber(value: id)
        case .username(let name): fields["chat_id"] = name
        }
        if let topic = target.topic { fields["message_thread_id"] = NSNumber(value: topic) }
        if silent { fields["disable_notification"] = true }
        return fields
    }

    /// Escapes `text` for the parse mode, making its leading `boldPrefix` (the title) bold.
    static func markup(_ text: String, boldPrefix: String?, mode: TelegramTarget.ParseMode) -> String {
        func escape(_ text: String) -> String { mode == .html ? escapeHTML(text) : escapeMarkdownV2(text) }
        guard let prefix = boldPrefix, !prefix.isEmpty else { return escape(text) }
        let head = text.hasPrefix(prefix) ? prefix : text
        let rest = String(text.dropFirst(head.count))
        let bold = mode == .html ? "<b>\(escape(head))</b>" : "*\(escape(head))*"
        return bold + escape(rest)
    }

    /// HTML mode: `<`, `>` and `&` become entities; everything else is literal.
    static func escapeHTML(_ text: String) -> String { TextLimits.escapeAngleBrackets(text) }

    /// MarkdownV2 outside entities: each of `_ * [ ] ( ) ~ ` > # + - = | { } . !` and `\` gets a backslash.
    static func escapeMarkdownV2(_ text: String) -> String {
        var result = ""
        for character in text {
            if "_*[]()~`>#+-=|{}.!\\".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// A field as a form value: a string as it is, a number or a boolean as its JSON text.
    private static func formText(_ value: Any) -> String {
        if let text = value as? String { return text }
        // Serialising alone gives a number's or a boolean's JSON text without guessing its type.
        guard let data = try? JSONSerialization.data(withJSONObject: [value]) else { return "" }
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    private static func json(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }
}
