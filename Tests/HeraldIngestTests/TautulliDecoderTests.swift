import Foundation
import HeraldCore
import HeraldIngest
import HeraldTestSupport
import Testing

@Suite struct TautulliDecoderTests {
    @Test func watchedEpisodeWithEveryValueAsString() throws {
        let event = try TautulliWebhookDecoder.decode(
            Fixtures.data("tautulli-webhook-body-on_watched-episode-constructed.json"))
        #expect(event.kind == "tautulli.watched")
        #expect(event.media.type == .episode)
        #expect(event.media.show == "Little Demon")
        #expect(event.media.season == 1)
        #expect(event.media.episodes == [10])
        #expect(event.media.year == 2022)
        #expect(event.media.ratingKey == "64069")
        #expect(event.media.guids.plex == "plex://episode/6301d02ea4cb834bd4db933d")
        #expect(event.media.guids.imdb == nil, "empty strings are absent, not empty ids")
        #expect(
            event.paths == ["/data/TV Shows/Little Demon/Season 01/Little Demon - S01E10 - Village of the Found.mkv"])
        #expect(event.user == "xxxxx")
        #expect(event.player == "SHIELD Android TV")
    }

    @Test func createdEventWithEmptyStreamFields() throws {
        let event = try TautulliWebhookDecoder.decode(
            Fixtures.data("tautulli-webhook-body-on_created-episode-constructed.json"))
        #expect(event.kind == "tautulli.created")
        #expect(event.user == nil)
        #expect(event.player == nil)
    }

    @Test func theUnrenderedTemplateItselfDecodesWithNothingFilledIn() throws {
        // A user pasting the template into a test tool sends literal {placeholders}.
        let event = try TautulliWebhookDecoder.decode(Fixtures.data("tautulli-webhook-json-data-template.json"))
        #expect(event.kind == "tautulli.unknown")
        #expect(event.media.title == nil)
        #expect(event.paths.isEmpty)
        #expect(event.ignoredReason != nil)
    }

    @Test(arguments: [
        ("play", "tautulli.play"), ("on_play", "tautulli.play"), ("ON_STOP", "tautulli.stop"),
        ("intdown", "tautulli.intdown"),
    ])
    func actionNames(action: String, kind: String) throws {
        let event = try TautulliWebhookDecoder.decode(Data(#"{"action":"\#(action)","season_num":4}"#.utf8))
        #expect(event.kind == kind)
        #expect(event.ignoredReason == nil)
        #expect(event.media.season == 4, "numbers are accepted too")
    }

    @Test func missingActionIsJournalledWithAHint() throws {
        let event = try TautulliWebhookDecoder.decode(Data(#"{"title":"x"}"#.utf8))
        #expect(event.kind == "tautulli.unknown")
        #expect(event.ignoredReason?.contains("\"action\": \"{action}\"") == true)
    }

    @Test func aJSONArrayIsMalformed() {
        #expect(throws: WebhookError.self) { try TautulliWebhookDecoder.decode(Data("[1,2]".utf8)) }
    }
}
