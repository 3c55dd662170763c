import Foundation
import HeraldCore
import Testing

@testable import HeraldNotify

@Suite struct EmailMessageTests {
    /// Decodes a folded header made of `=?utf-8?B?…?=` words (or plain text).
    static func decodeHeader(_ value: String) -> String {
        let words = value.replacingOccurrences(of: "\r\n ", with: " ").split(separator: " ")
        guard words.allSatisfy({ $0.hasPrefix("=?utf-8?B?") && $0.hasSuffix("?=") }) else { return value }
        let bytes = words.flatMap { word -> [UInt8] in
            Array(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) ?? Data())
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Decodes quoted-printable text.
    static func decodeQP(_ text: String) -> String {
        var bytes: [UInt8] = []
        let joined = text.replacingOccurrences(of: "=\r\n", with: "")
        var index = joined.utf8.startIndex
        let utf8 = joined.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "="), let end = utf8.index(index, offsetBy: 3, limitedBy: utf8.endIndex),
                let value = UInt8(String(decoding: utf8[utf8.index(after: index)..<end], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index = end
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    }

    @Test func subjectsAreEncodedWordsOfAtMost75CharactersThatDecodeBack() {
        let subjects = [
            "Über Plex: New Episode — S01E02 “Pilot”",
            String(repeating: "日本語のタイトル ", count: 12),
            String(repeating: "a", count: 200),
            "👨‍👩‍👧 family " + String(repeating: "é", count: 80),
        ]
        for subject in subjects {
            let encoded = EmailMessage.encodeHeader(subject, headerNameLength: 9)
            for (index, line) in encoded.components(separatedBy: "\r\n").enumerated() {
                let word = line.trimmingCharacters(in: .whitespaces)
                #expect(word.count <= 75, "\(word)")
                #expect(word.hasPrefix("=?utf-8?B?"))
                // Whole lines, "Subject: " included on the first, are at most 76 characters.
                #expect((index == 0 ? "Subject: " + line : line).count <= 76, "\(line)")
            }
            #expect(Self.decodeHeader(encoded) == subject)
        }
        #expect(EmailMessage.encodeHeader("Plain subject", headerNameLength: 9) == "Plain subject")
    }

    @Test func bodiesAreQuotedPrintableWithShortLinesThatDecodeBack() {
        let text =
            String(repeating: "Ünïcode and = signs, trailing space \n", count: 3) + String(repeating: "x", count: 1200)
            + "\n.leading dot\nFrom the start"
        let encoded = EmailMessage.quotedPrintable(text)
        for line in encoded.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 76)
            #expect(!line.hasPrefix("."))
            #expect(!line.hasSuffix(" "))
        }
        #expect(Self.decodeQP(encoded) == text)
    }

    @Test func theMessageIsMultipartAlternativeTextThenHTMLWithDateAndMessageID() {
        let content = NotificationContent(
            title: "New: <Movie> & “Friends”", body: "Line one\nLine <two>", timestamp: Date(), footer: "Herald")
        let message = String(
            decoding: EmailMessage.build(
                content, from: "herald@example.org", to: ["ops@example.org", "me@example.org"],
                date: Date(timeIntervalSince1970: 1_795_000_000), messageID: "abc.rule.mail"),
            as: UTF8.self)
        #expect(message.contains("Date: Wed, 18 Nov 2026 11:06:40 +0000"))
        #expect(message.contains("\r\nMessage-ID: <abc.rule.mail@example.org>\r\n"))
        #expect(message.contains("\r\nTo: ops@example.org, me@example.org\r\n"))
        let plain = message.range(of: "Content-Type: text/plain; charset=utf-8")
        let html = message.range(of: "Content-Type: text/html; charset=utf-8")
        #expect(plain != nil && html != nil && plain!.lowerBound < html!.lowerBound)
        #expect(message.contains("&lt;two&gt;"))
        #expect(!message.contains("\n\n") || message.contains("\r\n\r\n"))
        for line in message.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 998) }
    }
}
