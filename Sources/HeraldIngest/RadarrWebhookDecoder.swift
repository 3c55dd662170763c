import Foundation
import HeraldCore

/// Turns a Radarr (v4/v5) webhook into an `Event`.
///
/// The library path is `movie.folderPath + movieFile.relativePath`; `movieFile.path` was the
/// download folder before Radarr 5.10 and is used only when there is no relative path.
public enum RadarrWebhookDecoder {
    static let app = ArrPayload.App(
        name: "Radarr", source: .radarr,
        knownEvents: [
            "Test", "Grab", "Download", "Rename", "MovieAdded", "MovieDelete", "MovieFileDelete", "Health",
            "HealthRestored", "ApplicationUpdate", "ManualInteractionRequired",
        ],
        fileEvents: ["Download", "MovieFileDelete"],
        folderEvents: ["MovieAdded", "MovieDelete"],
        read: { root throws(JSONBody.FieldError) in try payload(root) })

    public static func decode(_ body: Data, receivedAt: Date = Date()) throws(WebhookError) -> Event {
        try ArrPayload.decode(body, app: app, receivedAt: receivedAt)
    }

    /// The parts of a Radarr body Herald reads.
    static func payload(_ root: JSONValue) throws(JSONBody.FieldError) -> ArrPayload {
        let eventType = try root.requiredString("eventType")
        let movie = try root.object("movie")
        var payload = ArrPayload(eventType: eventType, folder: try movie?.string("folderPath"))
        if let file = try root.object("movieFile") { payload.files = [try ArrFile(file)] }
        payload.renamedFiles = try ArrFile.list("renamedMovieFiles", in: root)
        // Grabs name the film in `remoteMovie` only.
        let remote = try root.object("remoteMovie")
        let described = movie ?? remote
        payload.media = MediaInfo(
            type: described == nil ? nil : .movie,
            title: try described?.string("title"),
            year: described?.positiveInt("year"),
            guids: MediaGuids(imdb: described?.lenientString("imdbId"), tmdb: described?.lenientString("tmdbId"))
        )
        return payload
    }
}
