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
        let payload = try JSONBody.read(body, source: "Sonarr") { root throws(JSONBody.FieldError) in
            try SonarrPayload(root)
        }
        let (kind, ignored) = try ArrEventType.classify(app: "Sonarr", eventType: payload.eventType, known: knownEvents)
        let folder = payload.seriesPath
        var paths: [String] = []
        var previous: [String] = []
        switch payload.eventType {
        case "Download", "EpisodeFileDelete":
            paths = payload.files.compactMap { $0.libraryPath(in: folder) }
        case "Rename":
            (paths, previous) = ArrFile.renamed(payload.renamedFiles, in: folder)
        case "SeriesAdd", "SeriesDelete":
            paths = folder.map { [$0] } ?? []
        default:
            break
        }
        return Event(
            receivedAt: receivedAt, source: .sonarr, kind: kind, paths: paths, previousPaths: previous,
            media: payload.media, ignoredReason: ignored, raw: body)
    }
}

/// The parts of a Sonarr body Herald reads.
struct SonarrPayload {
    var eventType: String
    var seriesPath: String?
    /// `episodeFiles[]` ("On Import Complete") followed by `episodeFile` (per-file imports, deletes).
    var files: [ArrFile]
    var renamedFiles: [ArrFile]
    var media: MediaInfo

    init(_ root: JSONDocument.Value) throws(JSONBody.FieldError) {
        eventType = try root.requiredString("eventType")
        let series = try root.object("series")
        seriesPath = try series?.string("path")
        files = try ArrFile.list("episodeFiles", in: root)
        if let file = try root.object("episodeFile") { files.append(try ArrFile(file)) }
        renamedFiles = try ArrFile.list("renamedEpisodeFiles", in: root)
        let episodes = try root.objects("episodes")
        // One episode's title names the event; a multi-episode import has none of its own.
        let title = episodes.count == 1 ? episodes[0] : nil
        media = MediaInfo(
            type: episodes.isEmpty ? (series == nil ? nil : .show) : .episode,
            title: try title?.string("title"),
            year: series?.positiveInt("year"),
            show: try series?.string("title"),
            season: episodes.first?.lenientInt("seasonNumber"),
            episodes: episodes.compactMap { $0.lenientInt("episodeNumber") },
            guids: MediaGuids(
                imdb: series?.lenientString("imdbId"), tmdb: series?.lenientString("tmdbId"),
                tvdb: series?.lenientString("tvdbId"))
        )
    }
}
