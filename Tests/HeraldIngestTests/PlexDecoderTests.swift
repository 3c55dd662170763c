import Foundation
import HeraldCore
import HeraldIngest
import HeraldTestSupport
import Testing

@Suite struct PlexDecoderTests {
    @Test func newAgentEpisodeReadsBothGuidForms() throws {
        let event = try PlexWebhookDecoder.decode(Fixtures.data("plex-webhook-media.scrobble-episode-plex-agent.json"))
        #expect(event.kind == "plex.media.scrobble")
        #expect(event.media.type == .episode)
        #expect(event.media.show == "范马刃牙")
        #expect(event.media.season == 1)
        #expect(event.media.episodes == [1])
        #expect(event.media.ratingKey == "40294")
        #expect(
            event.media.guids
                == MediaGuids(
                    imdb: "tt14765720", tmdb: "3087250", tvdb: "8530933",
                    plex: "plex://episode/615580a9fa828e7f1a0caabd"))
        #expect(event.ignoredReason == nil)
    }

    @Test func legacyAgentMovie() throws {
        let event = try PlexWebhookDecoder.decode(Fixtures.data("plex-webhook-media.stop-movie-legacy-agent.json"))
        #expect(event.kind == "plex.media.stop")
        #expect(event.media.type == .movie)
        #expect(event.media.title == "Barry Lyndon")
        #expect(event.media.year == 1975)
        #expect(event.media.guids.imdb == "tt0072684")
    }

    @Test func legacyAgentEpisode() throws {
        let event = try PlexWebhookDecoder.decode(Fixtures.data("plex-webhook-media.pause-episode-legacy-agent.json"))
        #expect(event.kind == "plex.media.pause")
        #expect(event.media.show == "Futurama")
        #expect(event.media.season == 2)
        #expect(event.media.episodes == [15])
        #expect(event.media.title == "A Clone of My Own")
    }

    @Test(arguments: [
        "plex-webhook-media.play-track-docs-example.json", "plex-webhook-media.play-track-legacy-agent.json",
    ])
    func musicTrack(file: String) throws {
        let event = try PlexWebhookDecoder.decode(Fixtures.data(file))
        #expect(event.kind == "plex.media.play")
        #expect(event.media.type == .track)
        #expect(event.media.show == "Stephen Stills")
        #expect(event.media.title == "Love The One You're With")
        #expect(event.media.ratingKey == "1936545")
    }

    @Test func prerollPlayWithoutGuidsIsAccepted() throws {
        let body =
            #"{"event":"media.play","user":true,"owner":true,"Account":{"id":1,"title":"elan"},"Player":{"title":"TV"},"Metadata":{"type":"clip","subtype":"prerollVideo","title":"Preroll","ratingKey":1}}"#
        let event = try PlexWebhookDecoder.decode(Data(body.utf8))
        #expect(event.kind == "plex.media.play")
        #expect(event.media.type == .clip)
        #expect(event.media.guids == MediaGuids())
        #expect(event.media.ratingKey == "1")
        #expect(event.user == "elan")
        #expect(event.player == "TV")
    }

    @Test func serverEventWithoutMetadata() throws {
        let event = try PlexWebhookDecoder.decode(
            Data(#"{"event":"admin.database.backup","user":false,"owner":true}"#.utf8))
        #expect(event.kind == "plex.admin.database.backup")
        #expect(event.media == MediaInfo())
        #expect(event.ignoredReason == nil)
    }

    @Test func unknownEventIsIgnoredNotRefused() throws {
        let event = try PlexWebhookDecoder.decode(Data(#"{"event":"media.teleport"}"#.utf8))
        #expect(event.ignoredReason == "unknown Plex event 'media.teleport'")
    }

    @Test func missingEventIsMalformed() {
        #expect(throws: WebhookError.malformed("Plex body has no 'event'")) {
            try PlexWebhookDecoder.decode(Data(#"{"Metadata":{}}"#.utf8))
        }
    }
}
