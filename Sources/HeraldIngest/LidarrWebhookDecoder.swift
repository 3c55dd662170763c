import Foundation
import HeraldCore

/// Turns a Lidarr webhook into an `Event`. Track files carry full library paths (`trackFiles[].path`).
public enum LidarrWebhookDecoder {
    static let knownEvents: Set<String> = [
        "Test", "Grab", "Download", "Rename", "Retag", "ArtistAdd", "ArtistDelete", "AlbumDelete", "Health",
        "HealthRestored", "ApplicationUpdate", "ManualInteractionRequired", "ImportFailure", "TrackRetag",
    ]

    public static func decode(_ body: Data, receivedAt: Date = Date()) throws(WebhookError) -> Event {
        let payload = try JSONBody.decode(LidarrPayload.self, from: body, source: "Lidarr")
        let (kind, ignored) = try ArrEventType.classify(app: "Lidarr", eventType: payload.eventType, known: knownEvents)
        let folder = payload.artist?.path
        var paths: [String] = []
        var previous: [String] = []
        switch payload.eventType {
        case "Download", "Retag", "TrackRetag":
            paths = (payload.trackFiles ?? []).compactMap { $0.libraryPath(in: nil) }
        case "Rename":
            (paths, previous) = ArrFile.renamed(
                payload.renamedTrackFiles ?? [], in: folder, resolveAgainstFolder: false)
        case "ArtistAdd", "ArtistDelete", "AlbumDelete":
            paths = folder.map { [$0] } ?? []
        default:
            break
        }
        let media = MediaInfo(
            type: payload.album != nil ? .album : (payload.artist != nil ? .artist : nil),
            title: payload.album?.title ?? payload.artist?.name,
            year: payload.album?.releaseDate.flatMap { Int($0.prefix(4)) },
            show: payload.artist?.name
        )
        return Event(
            receivedAt: receivedAt, source: .lidarr, kind: kind, paths: paths, previousPaths: previous, media: media,
            ignoredReason: ignored, raw: body)
    }
}

struct LidarrPayload: Decodable {
    struct Artist: Decodable {
        var name: String?
        var path: String?
    }

    struct Album: Decodable {
        var title: String?
        var releaseDate: String?
    }

    var eventType: String
    var artist: Artist?
    var album: Album?
    var trackFiles: [ArrFile]?
    var renamedTrackFiles: [ArrFile]?
}
