import Foundation
import HeraldCore

/// Turns a Sonarr (v3/v4) webhook into an `Event`.
///
/// Handles both `Download` shapes: per-file imports (`episodeFile`) and "On Import Complete"
/// (`episodeFiles[]`). Library paths are `series.path + relativePath`: older Sonarr versions put
/// the download folder in `episodeFile.path`, which must never be scanned.
public enum SonarrWebhookDecoder {
    static let app = ArrPayload.App(
        name: "Sonarr", source: .sonarr,
        knownEvents: [
            "Test", "Grab", "Download", "Rename", "SeriesAdd", "SeriesDelete", "EpisodeFileDelete", "Health",
            "HealthRestored", "ApplicationUpdate", "ManualInteractionRequired",
        ],
        fileEvents: ["Download", "EpisodeFileDelete"],
        folderEvents: ["SeriesAdd", "SeriesDelete"],
        read: { root throws(JSONBody.FieldError) in try payload(root) })

    public static func decode(_ body: Data, receivedAt: Date = Date()) throws(WebhookError) -> Event {
        try ArrPayload.decode(body, app: app, receivedAt: receivedAt)
    }

    /// The parts of a Sonarr body Herald reads. `episodeFiles[]` ("On Import Complete") come
    /// before `episodeFile` (per-file imports, deletes).
    static func payload(_ root: JSONValue) throws(JSONBody.FieldError) -> ArrPayload {
        let eventType = try root.requiredString("eventType")
        let series = try root.object("series")
        var payload = ArrPayload(eventType: eventType, folder: try series?.string("path"))
        payload.files = try ArrFile.list("episodeFiles", in: root)
        if let file = try root.object("episodeFile") { payload.files.append(try ArrFile(file)) }
        payload.renamedFiles = try ArrFile.list("renamedEpisodeFiles", in: root)
        let episodes = try root.objects("episodes")
        // One episode's title names the event; a multi-episode import has none of its own.
        let title = episodes.count == 1 ? episodes[0] : nil
        payload.media = MediaInfo(
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
        return payload
    }
}
