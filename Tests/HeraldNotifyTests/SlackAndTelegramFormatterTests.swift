import Foundation
import HeraldCore
import HeraldTestSupport
import Testing

@testable import HeraldNotify

@Suite struct SlackFormatterTests {
    let date = Date(timeIntervalSince1970: 1_795_000_000)

    func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func onlyAmpersandAndAngleBracketsAreEscaped() throws {
        let content = NotificationContent(
            title: "Tom & Jerry <3", body: "*bold* _x_ \"q\" 'a' <!here> & more", timestamp: date)
        let message = try object(SlackFormatter.message(content))
        let blocks = try #require(message["blocks"] as? [[String: Any]])
        let section = try #require((blocks[1]["text"] as? [String: Any])?["text"] as? String)
        #expect(section == "*bold* _x_ \"q\" 'a' &lt;!here&gt; &amp; more")
        // The header is plain_text: shown literally, so not escaped.
        #expect((blocks[0]["text"] as? [String: Any])?["text"] as? String == "Tom & Jerry <3")
        #expect((message["text"] as? String)?.hasPrefix("Tom &amp; Jerry &lt;3\n") == true)
    }

    @Test func sectionsStayWithinLimitsAfterEscapingAndBlocksAreCapped() throws {
        let content = NotificationContent(
            title: String(repeating: "h", count: 400), body: String(repeating: "a&b ", count: 60_000), timestamp: date,
            footer: "Herald")
        let message = try object(SlackFormatter.message(content))
        let blocks = try #require(message["blocks"] as? [[String: Any]])
        #expect(blocks.count <= 50)
        #expect(((blocks[0]["text"] as? [String: Any])?["text"] as? String)?.utf16.count == 150)
        for block in blocks where block["type"] as? String == "section" {
            let text = try #require((block["text"] as? [String: Any])?["text"] as? String)
            #expect(text.utf16.count <= 3000)
            #expect(!text.hasSuffix("&am"))
        }
        #expect((message["text"] as? String)?.utf16.count ?? 0 <= 3000 * 5)
    }
}

@Suite struct TelegramFormatterTests {
    let date = Date(timeIntervalSince1970: 1_795_000_000)
    let target = TelegramTarget(token: Secret("1:A"), chat: .id(-1_001_234_567_890))

    func fields(_ call: TelegramFormatter.Call) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: call.body) as? [String: Any])
    }

    @Test func htmlEscapesExactlyTheThreeCharacters() {
        #expect(TelegramFormatter.escapeHTML("a < b && c > \"d\" 'e'") == "a &lt; b &amp;&amp; c &gt; \"d\" 'e'")
    }

    @Test func markdownV2EscapesEveryReservedCharacter() {
        let reserved = "_*[]()~`>#+-=|{}.!\\"
        let escaped = TelegramFormatter.escapeMarkdownV2(reserved + "abc")
        #expect(escaped == reserved.map { "\\\($0)" }.joined() + "abc")
        #expect(FakeNotifyServer.telegramVisibleText(escaped, mode: "MarkdownV2") == reserved + "abc")
    }

    @Test func longTextIsSplitByVisibleCharactersNeverBytesAndEachPieceParses() throws {
        // 3-byte characters: 6,000 characters are 18,000 bytes but fit in two messages.
        let body = String(repeating: "日本<&> ", count: 1200)
        for mode in [TelegramTarget.ParseMode.html, .markdownV2] {
            var target = self.target
            target.parseMode = mode
            let calls = TelegramFormatter.calls(
                NotificationContent(title: "Title *x*", body: body, timestamp: date), target: target,
                chat: target.chat, silent: false)
            #expect(calls.count == 2)
            var visible = ""
            for call in calls {
                let fields = try fields(call)
                #expect(call.method == "sendMessage")
                let text = try #require(fields["text"] as? String)
                let shown = try #require(FakeNotifyServer.telegramVisibleText(text, mode: mode.rawValue))
                #expect(shown.utf16.count <= 4096)
                visible += shown + "\n"
            }
            #expect(visible.hasPrefix("Title *x*\n日本<&> "))
            #expect(visible.filter { $0 == "日" }.count == 1200)
        }
    }

    @Test func chatIdsAre64BitTopicsAndSilenceAreFields() throws {
        var target = self.target
        target.topic = 42
        let call = TelegramFormatter.calls(
            NotificationContent(title: "t", body: "b", timestamp: date), target: target, chat: target.chat, silent: true
        )[0]
        let text = String(decoding: call.body, as: UTF8.self)
        #expect(text.contains("\"chat_id\":-1001234567890"))
        let fields = try fields(call)
        #expect(fields["message_thread_id"] as? Int == 42)
        #expect(fields["disable_notification"] as? Bool == true)
        let channel = TelegramFormatter.calls(
            NotificationContent(title: "t", body: "b", timestamp: date), target: target, chat: .username("@plex"),
            silent: false)[0]
        #expect(try self.fields(channel)["chat_id"] as? String == "@plex")
    }

    @Test func aPosterGoesAsAPhotoWithACaptionWithinTheCaptionLimit() throws {
        let long = NotificationContent(
            title: "New: Show", body: String(repeating: "x", count: 2000), imageURL: "https://img/p.jpg",
            timestamp: date)
        let calls = TelegramFormatter.calls(long, target: target, chat: target.chat, silent: false)
        #expect(calls.map(\.method) == ["sendPhoto", "sendMessage"])
        #expect(try fields(calls[0])["caption"] as? String == "<b>New: Show</b>")
        let short = NotificationContent(title: "New", body: "one", imageURL: "https://img/p.jpg", timestamp: date)
        let single = TelegramFormatter.calls(short, target: target, chat: target.chat, silent: false)
        #expect(single.map(\.method) == ["sendPhoto"])
        #expect(try fields(single[0])["caption"] as? String == "<b>New</b>\none")
    }
}
