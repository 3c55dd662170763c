import Foundation
import HeraldCore
import HeraldPlex
import HeraldTestSupport
import Testing

@Suite struct PlexLibraryListingTests {
    func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: Fixtures.packageRoot.appendingPathComponent("samples/plex-api/\(name)"))
    }

    @Test func moviesKeepTheirGUIDVersionsFilesAndCollections() throws {
        let page = try PlexLibraryListing.decode(
            fixture("plex-library-section-all-movies.json"), server: "home", section: "1")
        #expect(page.total == 1 && page.skipped == 0)
        let movie = try #require(page.items.first)
        #expect(movie.guid == "plex://movie/100000000000000000000001")
        #expect(movie.kind == .movie && movie.section == "1" && movie.ratingKey == "1")
        #expect(movie.title == "Ferengi: Rules of Acquisition" && movie.year == 2000)
        #expect(movie.externalIDs == ["imdb://tt0000001", "tmdb://1", "tvdb://1"])
        #expect(movie.collections == ["Ferengi: Collection"])
        #expect(movie.addedAt == Date(timeIntervalSince1970: 1_159_501_116))
        let version = try #require(movie.media.first)
        #expect(version.videoCodec == "h264" && version.resolution == "sd" && version.bitrate == 1363)
        #expect(version.audioCodec == "aac" && version.audioChannels == 2 && version.hdr == nil)
        #expect(
            movie.files == [
                "/storage/media/movies/Ferengi Rules of Acquisition (2000)/Ferengi Rules of Acquisition (2000).mp4"
            ])
        #expect(movie.size == 1_190_641_734)
    }

    @Test func episodesKnowTheirShowAndSeason() throws {
        let page = try PlexLibraryListing.decode(
            fixture("plex-library-section-all-episodes-type4.json"), server: "home", section: "2")
        let episode = try #require(page.items.first)
        #expect(episode.kind == .episode && episode.guid == "plex://episode/500000000000000000000005")
        #expect(episode.show == "Ferengi StandUp Comedy" && episode.showGUID == "plex://show/300000000000000000000003")
        #expect(episode.season == 1 && episode.seasonGUID == "plex://season/400000000000000000000004")
        #expect(episode.episode == 1 && episode.year == 2002)
        #expect(episode.media.first?.resolution == "1080" && episode.media.first?.videoCodec == "hevc")
    }

    @Test func itemsWithoutAGUIDAreSkippedAndCounted() throws {
        let body =
            #"{"MediaContainer":{"totalSize":2,"Metadata":[{"type":"movie","title":"x"},{"type":"movie","guid":"plex://movie/1","title":"y"}]}}"#
        let page = try PlexLibraryListing.decode(Data(body.utf8), server: "s", section: "1")
        #expect(page.items.map(\.guid) == ["plex://movie/1"])
        #expect(page.skipped == 1)
    }
}
