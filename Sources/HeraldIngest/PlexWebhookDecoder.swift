import Foundation
import HeraldCore

/// Turns the JSON `payload` part of a Plex webhook into an `Event`.
///
/// Plex sends `guid` (a string) and `Guid` (an array of `{id}`) side by side on new-agent items;
/// member names are case-sensitive, so both are read as distinct keys. Pre-roll plays and legacy
/// agents have no `Guid` array, and server events (`admin.*`, `device.new`) have no `Metadata`.
public enum PlexWebhookDecoder {
    /// The events Plex documents; anything else is journalled as ignored.
    static let knownEvents: Set<String> = [
        "library.on.deck", "library.new", "media.play", "media.pause", "media.resume", "media.stop",
        "media.scrobble", "media.rate", "admin.database.backup", "admin.database.corrupted", "device.new",
        "playback.started",
    ]

    public static func decode(_ payload: Data, receivedAt: Date = Date()) throws(WebhookError) -> Event {
        let body = try JSONBody.read(payload, source: "Plex") { root throws(JSONBody.FieldError) in
            try PlexPayload(root)
        }
        guard let name = JSONValue.meaningful(body.event) else {
            throw .malformed("Plex body has an empty 'event'")
        }
        return Event(
            receivedAt: receivedAt,
            source: .plex,
            kind: "plex." + name,
            media: body.media,
            user: body.user,
            player: body.player,
            ignoredReason: knownEvents.contains(name) ? nil : "unknown Plex event '\(name)'",
            raw: payload
        )
    }

    /// What the item in `Metadata` is, read as its type says (an episode's show is its grandparent).
    static func media(_ metadata: JSONValue) throws(JSONBody.FieldError) -> MediaInfo {
        let plexType = try metadata.string("type")
        let type = plexType.map(MediaType.init(plexType:))
        var info = MediaInfo(
            type: type,
            title: try metadata.string("title"),
            year: metadata.positiveInt("year"),
            ratingKey: metadata.lenientString("ratingKey"),
            guids: try guids(metadata, plexType: plexType),
            library: try metadata.string("librarySectionTitle")
        )
        switch type {
        case .episode:
            info.show = try metadata.string("grandparentTitle")
            info.season = metadata.lenientInt("parentIndex")
            info.episodes = metadata.lenientInt("index").map { [$0] } ?? []
        case .season:
            info.show = try metadata.string("parentTitle")
            info.season = metadata.lenientInt("index")
        case .track, .album:
            let parent = try metadata.string("parentTitle")
            info.show = try metadata.string("grandparentTitle") ?? parent
        default:
            break
        }
        return info
    }

    /// External ids from the `Guid` array, falling back to a legacy agent `guid`
    /// (`com.plexapp.agents.imdb://tt0072684?lang=en`).
    static func guids(_ metadata: JSONValue, plexType: String?) throws(JSONBody.FieldError) -> MediaGuids {
        let guid = try metadata.string("guid")
        var guids = MediaGuids(plex: guid)
        for entry in try metadata.objects("Guid") {
            guard let id = try entry.string("id"), let range = id.range(of: "://") else { continue }
            let value = String(id[range.upperBound...])
            switch id[..<range.lowerBound] {
            case "imdb": guids.imdb = value
            case "tmdb": guids.tmdb = value
            case "tvdb": guids.tvdb = value
            default: break
            }
        }
        if let legacy = guid, legacy.hasPrefix("com.plexapp.agents."), let range = legacy.range(of: "://") {
            let agent = legacy[legacy.index(legacy.startIndex, offsetBy: 19)..<range.lowerBound]
            let id = legacy[range.upperBound...].prefix { $0 != "?" && $0 != "/" }
            switch agent {
            case "imdb": guids.imdb = guids.imdb ?? String(id)
            case "themoviedb": guids.tmdb = guids.tmdb ?? String(id)
            case "thetvdb" where plexType == "show": guids.tvdb = guids.tvdb ?? String(id)
            default: break
            }
        }
        return guids
    }
}

/// The parts of Plex's webhook payload Herald reads. Plex's keys are case-sensitive: `guid` (a
/// string) and `Guid` (a list of `{id}`) are distinct members of new-agent items.
struct PlexPayload {
    var event: String
    var user: String?
    var player: String?
    var media: MediaInfo

    init(_ root: JSONValue) throws(JSONBody.FieldError) {
        event = try root.requiredString("event")
        user = try root.object("Account")?.string("title")
        player = try root.object("Player")?.string("title")
        media =
            try root.object("Metadata").map { metadata throws(JSONBody.FieldError) in
                try PlexWebhookDecoder.media(metadata)
            } ?? MediaInfo()
    }
}
