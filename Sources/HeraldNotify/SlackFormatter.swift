import Foundation
import HeraldCore

/// Shapes a notification into a Slack incoming-webhook message: a `text` fallback (what push
/// notifications show) and Block Kit blocks, within Slack's limits (header 150, section 3,000,
/// 50 blocks). Only `&`, `<` and `>` are escaped, as Slack asks: they are its control characters.
enum SlackFormatter {
    static let headerLimit = 150
    static let sectionLimit = 3000
    static let blockLimit = 50
    static let fallbackLimit = 3000

    static func message(_ content: NotificationContent) -> Data {
        let title = content.title.trimmingCharacters(in: .whitespacesAndNewlines)
        let body = content.body.trimmingCharacters(in: .whitespacesAndNewlines)
        var blocks: [[String: Any]] = [
            [
                "type": "header",
                "text": [
                    "type": "plain_text",
                    "text": TextLimits.truncate(title.isEmpty ? "Herald" : title, to: headerLimit),
                ],
            ]
        ]
        // Escaping lengthens the text, so split the escaped text, never cutting through an entity.
        var sections = body.isEmpty ? [] : escapedPieces(body, limit: sectionLimit)
        let room = blockLimit - 1 - (content.linkableImageURL == nil ? 0 : 1) - (content.footer == nil ? 0 : 1)
        if sections.count > room {
            sections = Array(sections.prefix(room))
            let last = sections[room - 1]
            sections[room - 1] = TextLimits.truncate(last, to: sectionLimit - 1) + (last.hasSuffix("…") ? "" : "…")
        }
        for text in sections {
            blocks.append(["type": "section", "text": ["type": "mrkdwn", "text": text]])
        }
        if let image = content.linkableImageURL {
            blocks.append(["type": "image", "image_url": image, "alt_text": TextLimits.truncate(title, to: 2000)])
        }
        if let footer = content.footer {
            blocks.append([
                "type": "context",
                "elements": [["type": "mrkdwn", "text": escape(TextLimits.truncate(footer, to: 2000))]],
            ])
        }
        let fallback = escape(TextLimits.truncate(body.isEmpty ? title : "\(title)\n\(body)", to: fallbackLimit))
        let message: [String: Any] = ["text": fallback, "blocks": blocks]
        return (try? JSONSerialization.data(withJSONObject: message, options: [.sortedKeys])) ?? Data()
    }

    /// `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`, and nothing else.
    static func escape(_ text: String) -> String { TextLimits.escapeAngleBrackets(text) }

    /// Splits the plain text so that each piece, once escaped, fits the limit.
    static func escapedPieces(_ text: String, limit: Int) -> [String] {
        var pieces: [String] = []
        var pending = TextLimits.split(text, limit: limit)[...]
        while let piece = pending.popFirst() {
            let escaped = escape(piece)
            if escaped.utf16.count <= limit {
                pieces.append(escaped)
            } else {
                // Every escape at most quintuples a character: a fifth always fits.
                let smaller = TextLimits.split(piece, limit: max(1, piece.utf16.count / 2))
                pending = smaller[...] + pending
            }
        }
        return pieces
    }
}
