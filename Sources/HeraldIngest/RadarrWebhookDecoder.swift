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
        let payload = try JSONBody.read(body, source: "Radarr") { root throws(JSONBody.FieldError) in
            try RadarrPayload(root)
        }
        let (kind, ignored) = try ArrEventType.classify(app: "Radarr", eventType: payload.eventType, known: knownEvents)
        let folder = payload.folderPath
        var paths: [String] = []
        var previous: [String] = []
        switch payload.eventType {
        case "Download", "MovieFileDelete":
            paths = payload.file?.libraryPath(in: folder).map { [$0] } ?? []
        case "Rename":
            (paths, previous) = ArrFile.renamed(payload.renamedFiles, in: folder)
        case "MovieAdded", "MovieDelete":
            paths = folder.map { [$0] } ?? []
        default:
            break
        }
        return Event(
            receivedAt: receivedAt, source: .radarr, kind: kind, paths: paths, previousPaths: previous,
            media: payload.media, ignoredReason: ignored, raw: body)
    }
}

/// The parts of a Radarr body Herald reads.
struct RadarrPayload {
    var eventType: String
    var folderPath: String?
    var file: ArrFile?
    var renamedFiles: [ArrFile]
    var media: MediaInfo

    init(_ root: JSONDocument.Value) throws(JSONBody.FieldError) {
        eventType = try root.requiredString("eventType")
        let movie = try root.object("movie")
        folderPath = try movie?.string("folderPath")
        file = try root.object("movieFile").map { file throws(JSONBody.FieldError) in try ArrFile(file) }
        renamedFiles = try ArrFile.list("renamedMovieFiles", in: root)
        // Grabs name the film in `remoteMovie` only.
        let remote = try root.object("remoteMovie")
        let described = movie ?? remote
        media = MediaInfo(
            type: described == nil ? nil : .movie,
            title: try described?.string("title"),
            year: described?.positiveInt("year"),
            guids: MediaGuids(imdb: described?.lenientString("imdbId"), tmdb: described?.lenientString("tmdbId"))
        )
    }
}
