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

    @Test func mediaTextIsWhatJSONEncoderWritesWithSortedKeys() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let values = [
            MediaInfo(), MediaInfo(title: "Only a title"), MediaInfo(season: 0, guids: MediaGuids(tvdb: "9")),
            MediaInfo(
                type: .movie, title: "Café \"x\"", year: 1999, ratingKey: "7",
                guids: MediaGuids(imdb: "tt1", plex: "plex://m"),
                library: "Films"),
            MediaInfo(type: .episode, title: "E", show: "S", season: 2, episodes: [3, 4]),
        ]
        for media in values {
            #expect(media.jsonText == String(decoding: try encoder.encode(media), as: UTF8.self))
        }
    }
}

@Suite struct EventIDTests {
    @Test func idsAreVersion7UUIDsThatSortByTime() throws {
        let first = EventID.make(at: Date(timeIntervalSince1970: 1_800_000_000))
        let second = EventID.make(at: Date(timeIntervalSince1970: 1_800_000_000.002))
        #expect(first < second)
        let uuid = try #require(UUID(uuidString: first))
        #expect(uuid.uuidString.lowercased() == first)
        #expect(Array(first)[14] == "7", "version nibble")
        #expect(first.prefix(8) + first.dropFirst(9).prefix(4) == "01a3185c5000", "milliseconds since 1970")
        #expect("89ab".contains(Array(first)[19]), "RFC 9562 variant")
        #expect(Set((0..<1000).map { _ in EventID.make() }).count == 1000)
    }
}
