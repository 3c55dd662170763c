/// Length limits as the services count them, cut on character boundaries.
///
/// Discord and Telegram count "characters" without saying which unit; UTF-16 code units are never
/// fewer than code points, so a text that fits in UTF-16 units fits either way. Cuts fall between
/// grapheme clusters (Swift `Character`s), so an emoji or an accented letter is never split.
enum TextLimits {
    /// `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`, and nothing else: what Slack's mrkdwn and
    /// Telegram's HTML mode both ask for.
    static func escapeAngleBrackets(_ text: String) -> String {
        guard text.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            default: result.append(character)
            }
        }
        return result
    }

    /// The text cut to at most `limit` UTF-16 units, ending with `…` when something was cut.
    static func truncate(_ text: String, to limit: Int) -> String {
        guard text.utf16.count > limit else { return text }
        guard limit > 1 else { return "" }
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf16.count
            if used + size > limit - 1 { break }
            result.append(character)
            used += size
        }
        return result + "…"
    }

    /// The text split into pieces of at most `limit` UTF-16 units, preferring to cut after a line
    /// break, then after a space, and only then between any two characters.
    static func split(_ text: String, limit: Int) -> [String] {
        precondition(limit > 0)
        var pieces: [String] = []
        var rest = Substring(text)
        while rest.utf16.count > limit {
            var end = rest.startIndex
            var used = 0
            var lastNewline: String.Index?
            var lastSpace: String.Index?
            var index = rest.startIndex
            while index < rest.endIndex {
                let size = rest[index].utf16.count
                if used + size > limit { break }
                used += size
                let next = rest.index(after: index)
                if rest[index] == "\n" { lastNewline = next } else if rest[index] == " " { lastSpace = next }
                end = next
                index = next
            }
            // A break in the first half would waste most of the piece: cut there only when it is late.
            let half = rest.utf16.index(rest.startIndex, offsetBy: limit / 2)
            let cut = [lastNewline, lastSpace].compactMap { $0 }.first { $0 >= half } ?? end
            let piece = rest[..<cut]
            pieces.append(String(piece.hasSuffix("\n") ? piece.dropLast() : piece))
            rest = rest[cut...]
        }
        if !rest.isEmpty || pieces.isEmpty { pieces.append(String(rest)) }
        return pieces
    }
}
