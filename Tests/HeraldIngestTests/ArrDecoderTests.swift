import Foundation
import HeraldCore
import HeraldIngest
import HeraldTestSupport
import Testing

/// What a fixture must decode to.
struct ArrExpectation: Sendable, CustomTestStringConvertible {
    var file: String
    var kind: String
    var paths: [String]
    var ignored = false
    var show: String?
    var title: String?
    var season: Int?
    var episodes: [Int] = []
    var year: Int?

    var testDescription: String { file }
}

@Suite struct ArrDecoderTests {
    static let sonarr: [ArrExpectation] = [
        ArrExpectation(
            file: "sonarr-v4-download.json", kind: "sonarr.download",
            paths: [
                "/volume2/Media/TV Series/Avatar - The Last Airbender/Season 2/Avatar - The Last Airbender (2005) S02E18 The Earth King (1080p BDRip x265 10bit EAC3 2.0 - WEM)[TAoE].mkv"
            ], show: "Avatar: The Last Airbender", title: "The Earth King", season: 2, episodes: [18], year: 2005),
        ArrExpectation(
            file: "sonarr-v4-download-upgrade.json", kind: "sonarr.download",
            paths: [
                "/volume2/Media/TV Series/House of the Dragon/Season 1/House.of.the.Dragon.S01E04.King.of.the.Narrow.Sea.2160p.WEBRip.DDP5.1.Atmos.HDR.X.265-EVO.mkv"
            ], show: "House of the Dragon", season: 1, episodes: [4], year: 2022),
        ArrExpectation(
            file: "sonarr-v4-download-importcomplete.json", kind: "sonarr.download",
            paths: ["/volume2/Media/TV Series/Your Honor/Season 2/Your.Honor.S02E01.DVDRip.x264-TABULARiA.mkv"],
            show: "Your Honor", season: 2, episodes: [1], year: 2020),
        ArrExpectation(
            file: "sonarr-v4-download-importcomplete-2025.json", kind: "sonarr.download",
            paths: [
                "/media/TV/Australian Survivor (2002) [tvdbid-303904]/Season 12/Australian Survivor (2002) - S12E06 - Episode 6 [WEBDL-720p][AAC 2.0][h264]-WH.mkv"
            ], show: "Australian Survivor", title: "Episode 6", season: 12, episodes: [6], year: 2002),
        ArrExpectation(
            file: "sonarr-v4-download-importcomplete-anime-2025.json", kind: "sonarr.download",
            paths: [
                "/media/Animes/My Status as an Assassin Obviously Exceeds the Hero's/Season 1/My Status as an Assassin Obviously Exceeds the Hero's - S01E11 - The Assassin Browses WEBDL-1080p VARYG.mkv"
            ], season: 1, episodes: [11], year: 2025),
        ArrExpectation(
            file: "sonarr-v4-episodefiledelete.json", kind: "sonarr.episode_file_delete",
            paths: ["/volume2/Media/TV Series/The New Pope/the new pope s01e01.mkv"], show: "The New Pope"),
        ArrExpectation(
            file: "sonarr-v4-seriesdelete.json", kind: "sonarr.series_delete",
            paths: ["/volume2/Media/TV Series/Mountain Monsters"], show: "Mountain Monsters"),
        ArrExpectation(file: "sonarr-v4-grab-constructed.json", kind: "sonarr.grab", paths: [], show: "Young Sheldon"),
        ArrExpectation(
            file: "sonarr-v4-manualinteractionrequired.json", kind: "sonarr.manual_interaction_required", paths: []),
        ArrExpectation(file: "sonarr-v4-test-constructed.json", kind: "sonarr.test", paths: [], ignored: true),
        ArrExpectation(file: "sonarr-test-minimal-autoscan.json", kind: "sonarr.test", paths: [], ignored: true),
        ArrExpectation(
            file: "sonarr-episodefiledelete-minimal-autoscan.json", kind: "sonarr.episode_file_delete",
            paths: ["/TV/Westworld/Season 2/Westworld.S02E01.mkv"]),
        ArrExpectation(
            file: "sonarr-seriesdelete-minimal-autoscan.json", kind: "sonarr.series_delete", paths: ["/TV/Westworld"]),
        ArrExpectation(
            file: "sonarr-rename-minimal-autoscan.json", kind: "sonarr.rename",
            paths: [
                "/TV/Westworld [imdb:tt0475784]/Season 1/Westworld.S01E01.mkv",
                "/TV/Westworld [imdb:tt0475784]/Season 1/Westworld.S01E02.mkv",
                "/TV/Westworld [imdb:tt0475784]/Season 2/Westworld.S02E01.mkv",
            ]),
    ]

    static let radarr: [ArrExpectation] = [
        ArrExpectation(
            file: "radarr-v5-download.json", kind: "radarr.download",
            paths: [
                "/volume2/Media/Movies/Spirited Away (2001)/Spirited.Away.2002.1080p.BluRay.Dual-Audio.DD+.5.1.x265-NAN0.mkv"
            ], title: "Spirited Away", year: 2001),
        ArrExpectation(
            file: "radarr-v5-download-2025.json", kind: "radarr.download",
            paths: [
                "/media/Movies/28 Days Later (2002)/28.Days.Later.2002.1080p.BluRay.DDP5.1.x265.10bit-GalaxyRG265.mkv"
            ],
            title: "28 Days Later", year: 2002),
        ArrExpectation(
            file: "radarr-v5-moviefiledelete.json", kind: "radarr.movie_file_delete",
            paths: ["/volume2/Media/Movies/Upside-Down Magic (2020)/Upside-Down Magic (2020).mp4"]),
        ArrExpectation(
            file: "radarr-v5-moviedelete.json", kind: "radarr.movie_delete",
            paths: ["/volume2/Media/Movies/I Am Legend 2 ()"], title: "I Am Legend 2", year: nil),
        // Added to Radarr, not downloaded: its folder holds nothing yet, so nothing to scan.
        ArrExpectation(
            file: "radarr-v5-movieadded.json", kind: "radarr.movie_added", paths: [], title: "Spirited Away",
            year: 2001),
        ArrExpectation(file: "radarr-v5-grab.json", kind: "radarr.grab", paths: [], title: "Akira", year: 1988),
        ArrExpectation(file: "radarr-v5-health.json", kind: "radarr.health", paths: []),
        ArrExpectation(file: "radarr-v5-healthrestored.json", kind: "radarr.health_restored", paths: []),
        ArrExpectation(file: "radarr-v4-applicationupdate.json", kind: "radarr.application_update", paths: []),
        ArrExpectation(file: "radarr-v5-test.json", kind: "radarr.test", paths: [], ignored: true),
        ArrExpectation(
            file: "radarr-moviefiledelete-minimal-autoscan.json", kind: "radarr.movie_file_delete",
            paths: ["/Movies/Tenet (2020)/Tenet.2020.mkv"]),
        ArrExpectation(
            file: "radarr-rename-minimal-autoscan.json", kind: "radarr.rename", paths: ["/Movies/Deadpool (2016)"]),
    ]

    @Test("every Sonarr fixture decodes to its event", arguments: sonarr)
    func sonarrFixture(_ expected: ArrExpectation) throws {
        let event = try SonarrWebhookDecoder.decode(Fixtures.data(expected.file))
        check(event, expected, source: .sonarr)
    }

    @Test("every Radarr fixture decodes to its event", arguments: radarr)
    func radarrFixture(_ expected: ArrExpectation) throws {
        let event = try RadarrWebhookDecoder.decode(Fixtures.data(expected.file))
        check(event, expected, source: .radarr)
        if expected.title != nil { #expect(event.media.type == .movie) }
    }

    @Test func everySonarrAndRadarrFixtureIsCovered() throws {
        let covered = Set((Self.sonarr + Self.radarr).map(\.file))
        let present = Set(try Fixtures.names(prefix: "sonarr-") + Fixtures.names(prefix: "radarr-"))
        #expect(present.subtracting(covered).isEmpty, "fixtures without an expectation")
    }

    @Test func sonarrUsesTheSeriesPathNotTheDownloadFolder() throws {
        // This capture's episodeFile.path points into the download client's folder (pre-4.0.9 Sonarr).
        let event = try SonarrWebhookDecoder.decode(Fixtures.data("sonarr-v4-download.json"))
        #expect(!event.paths.contains { $0.contains("#downloads") })
        #expect(event.media.guids.tvdb == "74852")
        #expect(event.media.guids.imdb == "tt0417299")
    }

    @Test func sonarrRenameKeepsThePreviousPaths() throws {
        let event = try SonarrWebhookDecoder.decode(Fixtures.data("sonarr-rename-minimal-autoscan.json"))
        #expect(event.previousPaths.last == "/TV/Westworld/Season 2/Westworld.S01E02.mkv")
        #expect(event.previousPaths.count == 3)
    }

    @Test func radarrUsesTheMovieFolderNotTheDownloadFolder() throws {
        let event = try RadarrWebhookDecoder.decode(Fixtures.data("radarr-v5-download.json"))
        #expect(event.paths.allSatisfy { $0.hasPrefix("/volume2/Media/Movies/") })
        #expect(event.media.guids.tmdb == "129")
    }

    @Test func anUnknownEventTypeIsAcceptedButIgnored() throws {
        let event = try SonarrWebhookDecoder.decode(
            Data(#"{"eventType":"SomethingNew","series":{"path":"/tv/x"}}"#.utf8))
        #expect(event.kind == "sonarr.something_new")
        #expect(event.ignoredReason == "unknown Sonarr event type 'SomethingNew'")
    }

    @Test func aBodyWithoutEventTypeIsMalformed() {
        #expect(throws: WebhookError.malformed("Sonarr body has no 'eventType'")) {
            try SonarrWebhookDecoder.decode(Data(#"{"series":{}}"#.utf8))
        }
    }

    @Test func invalidJSONSaysSo() {
        #expect(throws: WebhookError.self) { try RadarrWebhookDecoder.decode(Data("{\"eventType\": ".utf8)) }
        do {
            _ = try RadarrWebhookDecoder.decode(Data("not json".utf8))
        } catch {
            #expect("\(error)".hasPrefix("body is not valid JSON"))
        }
    }

    private func check(_ event: Event, _ expected: ArrExpectation, source: EventSource) {
        #expect(event.source == source)
        #expect(event.kind == expected.kind)
        #expect(event.paths == expected.paths)
        #expect((event.ignoredReason != nil) == expected.ignored)
        if let show = expected.show { #expect(event.media.show == show) }
        if let title = expected.title { #expect(event.media.title == title) }
        if let season = expected.season { #expect(event.media.season == season) }
        if !expected.episodes.isEmpty { #expect(event.media.episodes == expected.episodes) }
        if expected.year != nil || expected.title != nil { #expect(event.media.year == expected.year) }
    }
}

@Suite struct ArrEventTypeTests {
    @Test func pascalCaseNamesBecomeDottedSnakeCaseKinds() throws {
        let cases = [
            ("EpisodeFileDelete", "sonarr.episode_file_delete"), ("Test", "sonarr.test"),
            ("V2Thing", "sonarr.v2_thing"),
            ("lowercase", "sonarr.lowercase"),
        ]
        for (eventType, kind) in cases {
            let event = try SonarrWebhookDecoder.decode(Data(#"{"eventType":"\#(eventType)"}"#.utf8))
            #expect(event.kind == kind)
        }
        for bad in ["", "Has Space", "Émoji", "dot.ted"] {
            #expect(throws: WebhookError.malformed("Sonarr body has an invalid 'eventType' '\(bad)'")) {
                try SonarrWebhookDecoder.decode(Data(#"{"eventType":"\#(bad)"}"#.utf8))
            }
        }
    }
}
