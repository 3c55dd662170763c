import Foundation
import HeraldCore

/// Turns a Lidarr webhook into an `Event`. Track files carry full library paths (`trackFiles[].path`).
public enum LidarrWebhookDecoder {
    static let knownEvents: Set<String> = [
        "Test", "Grab", "Download", "Rename", "Retag", "ArtistAdd", "ArtistDelete", "AlbumDelete", "Health",
        "HealthRestored", "ApplicationUpdate", "ManualInteractionRequired", "ImportFailure", "TrackRetag",
    ]

    public static func decode(_ body: Data, receivedAt: Date = Date()) throws(WebhookError) -> Event {
        let payload = try JSONBody.read(body, source: "Lidarr") { root throws(JSONBody.FieldError) in
            try LidarrPayload(root)
        }
        let (kind, ignored) = try ArrEventType.classify(app: "Lidarr", eventType: payload.eventType, known: knownEvents)
        let folder = payload.artistPath
        var paths: [String] = []
        var previous: [String] = []
        switch payload.eventType {
        case "Download", "Retag", "TrackRetag":
            paths = payload.trackFiles.compactMap { $0.libraryPath(in: nil) }
        case "Rename":
            (paths, previous) = ArrFile.renamed(payload.renamedFiles, in: folder, resolveAgainstFolder: false)
        case "ArtistAdd", "ArtistDelete", "AlbumDelete":
            paths = folder.map { [$0] } ?? []
        default:
            break
        }
        return Event(
            receivedAt: receivedAt, source: .lidarr, kind: kind, paths: paths, previousPaths: previous,
            media: payload.media, ignoredReason: ignored, raw: body)
    }
}

/// The parts of a Lidarr body Herald reads.
struct LidarrPayload {
    var eventType: String
    var artistPath: String?
    var trackFiles: [ArrFile]
    var renamedFiles: [ArrFile]
    var media: MediaInfo

    init(_ root: JSONDocument.Value) throws(JSONBody.FieldError) {
        eventType = try root.requiredString("eventType")
        let artist = try root.object("artist")
        let album = try root.object("album")
        artistPath = try artist?.string("path")
        trackFiles = try ArrFile.list("trackFiles", in: root)
        renamedFiles = try ArrFile.list("renamedTrackFiles", in: root)
        let artistName = try artist?.string("name")
        media = MediaInfo(
            type: album != nil ? .album : (artist != nil ? .artist : nil),
            title: try album?.string("title") ?? artistName,
            year: try album?.string("releaseDate").flatMap { Int($0.prefix(4)) },
            show: artistName
        )
    }
}
