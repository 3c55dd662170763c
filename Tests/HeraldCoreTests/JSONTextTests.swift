import Foundation
import HeraldCore
import Testing

@Suite struct JSONTextTests {
    @Test func stringsAreEscapedAsRFC8259Requires() throws {
        let tricky = "quote \" backslash \\ newline \n tab \t bell \u{07} 日本 é 🎬"
        let decoded = try JSONSerialization.jsonObject(
            with: Data(JSONText.string(tricky).utf8), options: .fragmentsAllowed)
        #expect(decoded as? String == tricky)
        #expect(JSONText.string("\u{01}") == "\"\\u0001\"")
    }

    @Test func mediaTextDecodesBackToTheSameValue() throws {
        let values = [
            MediaInfo(),
            MediaInfo(
                type: .episode, title: "Pilot \"1\"", year: 2019, show: "Show\\", season: 1, episodes: [1, 2],
                ratingKey: "42", guids: MediaGuids(imdb: "tt1", tmdb: "2", tvdb: "3", plex: "plex://x"), library: "TV"),
        ]
        for media in values {
            #expect(try JSONDecoder().decode(MediaInfo.self, from: Data(media.jsonText.utf8)) == media)
        }
    }
}
