import Foundation
import HeraldCore

/// Turns a Lidarr webhook into an `Event`. Track files carry full library paths (`trackFiles[].path`).
public enum LidarrWebhookDecoder {
    static let app = ArrPayload.App(
        name: "Lidarr", source: .lidarr,
        knownEvents: [
            "Test", "Grab", "Download", "Rename", "Retag", "ArtistAdd", "ArtistDelete", "AlbumDelete", "Health",
            "HealthRestored", "ApplicationUpdate", "ManualInteractionRequired", "ImportFailure", "TrackRetag",
        ],
        fileEvents: ["Download", "Retag", "TrackRetag"],
        filesUnderFolder: false,
        folderEvents: ["ArtistAdd", "ArtistDelete", "AlbumDelete"],
        read: { root throws(JSONBody.FieldError) in try payload(root) })

    public static func decode(_ body: Data, receivedAt: Date = Date()) throws(WebhookError) -> Event {
        try ArrPayload.decode(body, app: app, receivedAt: receivedAt)
    }

    /// The parts of a Lidarr body Herald reads (track files carry full library paths).
    static func payload(_ root: JSONValue) throws(JSONBody.FieldError) -> ArrPayload {
        let eventType = try root.requiredString("eventType")
        let artist = try root.object("artist")
        let album = try root.object("album")
        var payload = ArrPayload(eventType: eventType, folder: try artist?.string("path"))
        payload.files = try ArrFile.list("trackFiles", in: root)
        payload.renamedFiles = try ArrFile.list("renamedTrackFiles", in: root)
        let artistName = try artist?.string("name")
        payload.media = MediaInfo(
            type: album != nil ? .album : (artist != nil ? .artist : nil),
            title: try album?.string("title") ?? artistName,
            year: try album?.string("releaseDate").flatMap { Int($0.prefix(4)) },
            show: artistName
        )
        return payload
    }
}
