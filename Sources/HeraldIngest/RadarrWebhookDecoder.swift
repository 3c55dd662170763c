import Foundation
import HeraldCore

/// Turns a Radarr (v4/v5) webhook into an `Event`.
///
/// The library path is `movie.folderPath + movieFile.relativePath`; `movieFile.path` was the
/// download folder before Radarr 5.10 and is used only when there is no relative path.
public enum RadarrWebhookDecoder {
    static let knownEvents: Set<String> = [
        "Test", "Grab", "Download", "Rename", "MovieAdded", "MovieDelete", "MovieFileDelete", "Health",
        "HealthRestored", "ApplicationUpdate", "ManualInteractionRequired",
    ]

    public static func decode(_ body: Data, receivedAt: Date = Date()) throws(WebhookError) -> Event {
        let payload = try JSONBody.decode(RadarrPayload.self, from: body, source: "Radarr")
        let (kind, ignored) = try ArrEventType.classify(app: "Radarr", eventType: payload.eventType, known: knownEvents)
        let folder = payload.movie?.folderPath
        var paths: [String] = []
        var previous: [String] = []
        switch payload.eventType {
        case "Download", "MovieFileDelete":
            paths = payload.movieFile?.libraryPath(in: folder).map { [$0] } ?? []
        case "Rename":
            (paths, previous) = ArrFile.renamed(payload.renamedMovieFiles ?? [], in: folder)
        case "MovieAdded", "MovieDelete":
            paths = folder.map { [$0] } ?? []
        default:
            break
        }
        let movie = payload.movie ?? payload.remoteMovie
        let media = MediaInfo(
            type: movie == nil ? nil : .movie,
            title: movie?.title,
            year: movie?.year?.positive,
            guids: MediaGuids(imdb: movie?.imdbId?.value, tmdb: movie?.tmdbId?.value)
        )
        return Event(
            receivedAt: receivedAt, source: .radarr, kind: kind, paths: paths, previousPaths: previous, media: media,
            ignoredReason: ignored, raw: body)
    }
}

struct RadarrPayload: Decodable {
    struct Movie: Decodable {
        var title: String?
        var year: LenientInt?
        var folderPath: String?
        var tmdbId: LenientString?
        var imdbId: LenientString?
    }

    var eventType: String
    var movie: Movie?
    var remoteMovie: Movie?
    var movieFile: ArrFile?
    var renamedMovieFiles: [ArrFile]?
}
