import Foundation
import HeraldCore

/// Builds an RFC 5322 message: `multipart/alternative` with the text part first and the HTML part
/// second (RFC 2046: increasing preference), both UTF-8 and quoted-printable so no line exceeds
/// 76 octets; the subject as RFC 2047 encoded-words of at most 75 characters each, folded; `Date`
/// and `Message-ID` always present. Lines end in CRLF.
enum EmailMessage {
    static func build(
        _ content: NotificationContent, from: String, to: [String], date: Date, messageID: String
    ) -> Data {
        let boundary = "herald-" + UUID().uuidString.lowercased()
        let domain = from.split(separator: "@").last.map(String.init) ?? "herald.invalid"
        var text = content.body.isEmpty ? content.title : content.body
        if let footer = content.footer { text += "\n\n-- \n" + footer }
        var lines = [
            "Date: " + rfc5322Date(date),
            "From: " + from,
            "To: " + to.joined(separator: ", "),
            "Subject: " + encodeHeader(content.title, headerNameLength: "Subject: ".count),
            "Message-ID: <\(messageID)@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "X-Mailer: Herald",
            "",
            "--" + boundary,
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            quotedPrintable(text),
            "--" + boundary,
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            quotedPrintable(html(content)),
            "--" + boundary + "--",
        ]
        lines.append("")
        return Data(lines.joined(separator: "\r\n").utf8)
    }

    static func html(_ content: NotificationContent) -> String {
        var parts = ["<!DOCTYPE html>", "<html><body>", "<h2>\(escapeHTML(content.title))</h2>"]
        if let image = content.linkableImageURL {
            parts.append("<img src=\"\(escapeHTML(image))\" alt=\"\" style=\"max-width:200px\">")
        }
        for paragraph in content.body.components(separatedBy: "\n\n") where !paragraph.isEmpty {
            parts.append(
                "<p>" + paragraph.split(separator: "\n").map { escapeHTML(String($0)) }.joined(separator: "<br>\n")
                    + "</p>")
        }
        if let footer = content.footer { parts.append("<p style=\"color:#888\">\(escapeHTML(footer))</p>") }
        parts.append("</body></html>")
        return parts.joined(separator: "\n")
    }

    static func escapeHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// `Sun, 22 Nov 2026 05:21:37 +0000`
    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    /// A header value: as is when it is short printable ASCII, else RFC 2047 `B` encoded-words of at
    /// most 75 characters, never splitting a UTF-8 sequence, folded onto continuation lines.
    static func encodeHeader(_ value: String, headerNameLength: Int) -> String {
        let flat = value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        let printable = flat.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        if printable, headerNameLength + flat.utf8.count <= 78, !flat.contains("=?") { return flat }
        // A line holding an encoded-word is at most 76 characters (RFC 2047 §2), the header's name
        // included on the first: "=?utf-8?B?" + base64 + "?=" is 12 characters plus 4 per 3 bytes.
        // Continuation lines start with one space: 60 base64 characters, 45 bytes.
        let firstBytes = max(3, (76 - headerNameLength - 12) / 4 * 3)
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in flat {
            let bytes = Array(String(character).utf8)
            let maximumBytes = words.isEmpty ? firstBytes : 45
            if chunk.count + bytes.count > maximumBytes, !chunk.isEmpty {
                words.append("=?utf-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?utf-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// Quoted-printable (RFC 2045 §6.7): lines of at most 76 characters with soft breaks, CRLF hard
    /// breaks, `=`, non-ASCII, trailing whitespace and a leading `.` encoded.
    static func quotedPrintable(_ text: String) -> String {
        var output: [String] = []
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            let bytes = Array(line.utf8)
            var current = ""
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let token: String
                switch byte {
                case UInt8(ascii: "="): token = "=3D"
                case UInt8(ascii: ".") where current.isEmpty, UInt8(ascii: "F") where current.isEmpty: token = hex(byte)
                case UInt8(ascii: " "), UInt8(ascii: "\t"): token = isLast ? hex(byte) : String(UnicodeScalar(byte))
                case 33...126: token = String(UnicodeScalar(byte))
                default: token = hex(byte)
                }
                if current.count + token.count > 75 {
                    output.append(current + "=")
                    current = ""
                }
                current += token
            }
            output.append(current)
        }
        return output.joined(separator: "\r\n")
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "=" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
    }
}
