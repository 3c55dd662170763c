import Foundation
import HeraldCore
import HeraldTestSupport
import Testing

@testable import HeraldNotify

@Suite struct DiscordFormatterTests {
    let target = DiscordTarget(webhookID: "1", token: Secret("t"))
    let date = Date(timeIntervalSince1970: 1_795_000_000)

    func embeds(_ message: Data) -> [[String: Any]] {
        ((try? JSONSerialization.jsonObject(with: message)) as? [String: Any])?["embeds"] as? [[String: Any]] ?? []
    }

    func size(_ embed: [String: Any]) -> Int {
        ((embed["title"] as? String)?.utf16.count ?? 0) + ((embed["description"] as? String)?.utf16.count ?? 0)
            + (((embed["footer"] as? [String: Any])?["text"] as? String)?.utf16.count ?? 0)
    }

    @Test func aLongBodyIsSplitIntoEmbedsAndMessagesWithinEveryLimitAndNothingIsLost() throws {
        let paragraph = String(repeating: "word ", count: 199) + "end\n"
        let body = String(repeating: paragraph, count: 60)  // about 60,000 characters
        let content = NotificationContent(
            title: String(repeating: "T", count: 300), body: body, timestamp: date, footer: "Herald · rule")
        let messages = DiscordFormatter.messages(content, target: target, silent: false)
        #expect(messages.count > 1)
        var text = ""
        for message in messages {
            let list = embeds(message)
            #expect(list.count <= 10)
            #expect(list.map(size).reduce(0, +) <= 6000)
            for embed in list {
                #expect((embed["description"] as? String)?.utf16.count ?? 0 <= 4096)
                text += (embed["description"] as? String ?? "") + "\n"
            }
        }
        let title = try #require(embeds(messages[0])[0]["title"] as? String)
        #expect(title.utf16.count == 256)
        #expect(title.hasSuffix("…"))
        #expect(text.split(whereSeparator: \.isWhitespace) == body.split(whereSeparator: \.isWhitespace))
    }

    @Test func emojiAreNeverCutInHalf() throws {
        let body = String(repeating: "😀", count: 5000)  // 10,000 UTF-16 units, no spaces
        let messages = DiscordFormatter.messages(
            NotificationContent(title: "t", body: body, timestamp: date), target: target, silent: false)
        var total = 0
        for message in messages {
            for embed in embeds(message) {
                let description = embed["description"] as? String ?? ""
                #expect(description.utf16.count <= 4096)
                #expect(description.allSatisfy { $0 == "😀" })
                total += description.count
            }
        }
        #expect(total == 5000)
    }

    @Test func mentionsAreOffUnlessAllowedAndQuietHoursSuppressThePush() throws {
        let content = NotificationContent(title: "@everyone look", body: "<@&123> new", timestamp: date)
        let message = try #require(
            try JSONSerialization.jsonObject(with: DiscordFormatter.messages(content, target: target, silent: true)[0])
                as? [String: Any])
        #expect((message["allowed_mentions"] as? [String: Any])?["parse"] as? [String] == [])
        #expect(message["flags"] as? Int == 4096)
        var pinging = target
        pinging.mentions = ["roles"]
        let loud = try #require(
            try JSONSerialization.jsonObject(
                with: DiscordFormatter.messages(content, target: pinging, silent: false)[0])
                as? [String: Any])
        #expect((loud["allowed_mentions"] as? [String: Any])?["parse"] as? [String] == ["roles"])
        #expect(loud["flags"] == nil)
    }

    @Test func anEmptyMessageStillHasATitle() throws {
        let messages = DiscordFormatter.messages(
            NotificationContent(title: "  ", body: "", timestamp: date), target: target, silent: false)
        #expect(embeds(messages[0])[0]["title"] as? String == "Herald")
    }
}
