import Foundation
import HeraldCore

/// Turns a Sonarr (v3/v4) webhook into an `Event`.
///
/// Handles both `Download` shapes: per-file imports (`episodeFile`) and "On Import Complete"
/// (`episodeFiles[]`). Library paths are `series.path + relativePath`: older Sonarr versions put
/// the download folder in `episodeFile.path`, which must never be scanned.
public enum SonarrWebhookDecoder {
    static let knownEvents: Set<String> = [
        "Test", "Grab", "Download", "Rename", "SeriesAdd", "SeriesDelete", "EpisodeFileDelete", "Health",
        "HealthRestored", "ApplicationUpdate", "ManualInteractionRequired",
    ]

    public static func decode(_ body: Data, receivedAt: Date = Date()) throws(WebhookError) -> Event {
        let payload = try JSONBody.decode(SonarrPayload.self, from: body, source: "Sonarr")
        let (kind, ignored) = try ArrEventType.classify(app: "Sonarr", eventType: payload.eventType, known: knownEvents)
        let folder = payload.series?.path
        var paths: [String] = []
        var previous: [String] = []
        switch payload.eventType {
        case "Download", "EpisodeFileDelete":
            let files = (payload.episodeFiles ?? []) + (payload.episodeFile.map { [$0] } ?? [])
            paths = files.compactMap { $0.libraryPath(in: folder) }
        case "Rename":
            (paths, previous) = ArrFile.renamed(payload.renamedEpisodeFiles ?? [], in: folder)
        case "SeriesAdd", "SeriesDelete":
            paths = folder.map { [$0] } ?? []
        default:
            break
        }
        let episodes = payload.episodes ?? []
        let series = payload.series
        let media = MediaInfo(
            type: episodes.isEmpty ? (series == nil ? nil : .show) : .episode,
            title: episodes.count == 1 ? episodes[0].title : nil,
            year: series?.year?.positive,
            show: series?.title,
            season: episodes.first?.seasonNumber?.value,
            episodes: episodes.compactMap { $0.episodeNumber?.value },
            guids: MediaGuids(
                imdb: series?.imdbId?.value, tmdb: series?.tmdbId?.value, tvdb: series?.tvdbId?.value)
        )
        return Event(
            receivedAt: receivedAt, source: .sonarr, kind: kind, paths: paths, previousPaths: previous, media: media,
            ignoredReason: ignored, raw: body)
    }
}

struct SonarrPayload: Decodable {
    struct Series: Decodable {
        var title: String?
        var path: String?
        var year: LenientInt?
        var tvdbId: LenientString?
        var tmdbId: LenientString?
        var imdbId: LenientString?
    }

    struct Episode: Decodable {
        var title: String?
        var seasonNumber: LenientInt?
        var episodeNumber: LenientInt?
    }

    var eventType: String
    var series: Series?
    var episodes: [Episode]?
    var episodeFile: ArrFile?
    var episodeFiles: [ArrFile]?
    var renamedEpisodeFiles: [ArrFile]?
}
