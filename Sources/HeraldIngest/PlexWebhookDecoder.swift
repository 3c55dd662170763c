import Foundation
import HeraldCore

/// Turns the JSON `payload` part of a Plex webhook into an `Event`.
///
/// Plex sends `guid` (a string) and `Guid` (an array of `{id}`) side by side on new-agent items;
/// Swift's decoder is case-sensitive, so both are read as distinct keys. Pre-roll plays and legacy
/// agents have no `Guid` array, and server events (`admin.*`, `device.new`) have no `Metadata`.
public enum PlexWebhookDecoder {
    /// The events Plex documents; anything else is journalled as ignored.
    static let knownEvents: Set<String> = [
        "library.on.deck", "library.new", "media.play", "media.pause", "media.resume", "media.stop",
        "media.scrobble", "media.rate", "admin.database.backup", "admin.database.corrupted", "device.new",
        "playback.started",
    ]

    public static func decode(_ payload: Data, receivedAt: Date = Date()) throws(WebhookError) -> Event {
        let body = try JSONBody.decode(PlexPayload.self, from: payload, source: "Plex")
        guard let name = LenientString.meaningful(body.event) else {
            throw .malformed("Plex body has an empty 'event'")
        }
        return Event(
            receivedAt: receivedAt,
            source: .plex,
            kind: "plex." + name,
            media: body.Metadata.map(media) ?? MediaInfo(),
            user: body.Account?.title,
            player: body.Player?.title,
            ignoredReason: knownEvents.contains(name) ? nil : "unknown Plex event '\(name)'",
            raw: payload
        )
    }

    private static func media(_ metadata: PlexPayload.Metadata) -> MediaInfo {
        let type = metadata.type.map(MediaType.init(plexType:))
        var info = MediaInfo(
            type: type,
            title: metadata.title,
            year: metadata.year?.positive,
            ratingKey: metadata.ratingKey?.value,
            guids: guids(metadata),
            library: metadata.librarySectionTitle
        )
        switch type {
        case .episode:
            info.show = metadata.grandparentTitle
            info.season = metadata.parentIndex?.value
            info.episodes = metadata.index?.value.map { [$0] } ?? []
        case .season:
            info.show = metadata.parentTitle
            info.season = metadata.index?.value
        case .track, .album:
            info.show = metadata.grandparentTitle ?? metadata.parentTitle
        default:
            break
        }
        return info
    }

    /// External ids from the `Guid` array, falling back to a legacy agent `guid`
    /// (`com.plexapp.agents.imdb://tt0072684?lang=en`).
    static func guids(_ metadata: PlexPayload.Metadata) -> MediaGuids {
        var guids = MediaGuids(plex: metadata.guid)
        for entry in metadata.Guid ?? [] {
            guard let id = entry.id, let range = id.range(of: "://") else { continue }
            let value = String(id[range.upperBound...])
            switch id[..<range.lowerBound] {
            case "imdb": guids.imdb = value
            case "tmdb": guids.tmdb = value
            case "tvdb": guids.tvdb = value
            default: break
            }
        }
        if let legacy = metadata.guid, legacy.hasPrefix("com.plexapp.agents."), let range = legacy.range(of: "://") {
            let agent = legacy[legacy.index(legacy.startIndex, offsetBy: 19)..<range.lowerBound]
            let id = legacy[range.upperBound...].prefix { $0 != "?" && $0 != "/" }
            switch agent {
            case "imdb": guids.imdb = guids.imdb ?? String(id)
            case "themoviedb": guids.tmdb = guids.tmdb ?? String(id)
            case "thetvdb" where metadata.type == "show": guids.tvdb = guids.tvdb ?? String(id)
            default: break
            }
        }
        return guids
    }
}

/// The parts of Plex's webhook payload Herald reads. Plex's capitalised keys are kept verbatim.
// swift-format-ignore: AlwaysUseLowerCamelCase
struct PlexPayload: Decodable {
    struct Account: Decodable { var title: String? }
    struct Player: Decodable { var title: String? }
    struct GuidEntry: Decodable { var id: String? }
    struct Metadata: Decodable {
        var type: String?
        var title: String?
        var grandparentTitle: String?
        var parentTitle: String?
        var librarySectionTitle: String?
        var ratingKey: LenientString?
        var guid: String?
        var Guid: [GuidEntry]?
        var index: LenientInt?
        var parentIndex: LenientInt?
        var year: LenientInt?
    }

    var event: String
    var Account: Account?
    var Player: Player?
    var Metadata: Metadata?
}
