import Foundation

/// What a notification says about one event, stored with the outbox row so the message can be
/// rendered at delivery time (a grouped message gains items until its window closes).
public struct NotificationItem: Sendable, Equatable, Codable {
    public var eventID: String
    public var kind: String
    public var source: String
    public var receivedAt: Date
    public var media: MediaInfo
    public var paths: [String]
    public var user: String?
    public var player: String?
    /// A poster URL, when the source sent one (the *arr apps' `images[].remoteUrl`).
    public var poster: String?
    /// String fields of internal events (`reason`, `server`, `folder`, …) and generic payloads.
    public var detail: [String: String]
    /// True when Plex may have attached a poster to the event (kept in the journal, uploaded to
    /// the services that take files).
    public var posterAttached: Bool?

    public init(
        eventID: String, kind: String, source: String, receivedAt: Date, media: MediaInfo = MediaInfo(),
        paths: [String] = [], user: String? = nil, player: String? = nil, poster: String? = nil,
        detail: [String: String] = [:]
    ) {
        self.eventID = eventID
        self.kind = kind
        self.source = source
        self.receivedAt = receivedAt
        self.media = media
        self.paths = paths
        self.user = user
        self.player = player
        self.poster = poster
        self.detail = detail
    }

    /// Builds the item for an event, reading the poster and top-level string fields from its body.
    public init(event: Event) {
        var poster: String?
        var detail: [String: String] = [:]
        if event.raw.first == UInt8(ascii: "{"),
            let object = try? JSONSerialization.jsonObject(with: event.raw) as? [String: Any]
        {
            for (key, value) in object {
                if let text = value as? String {
                    detail[key] = text
                } else if let number = value as? NSNumber {
                    detail[key] = number.stringValue
                }
            }
            for container in ["series", "movie", "artist"] {
                guard let item = object[container] as? [String: Any], let images = item["images"] as? [[String: Any]]
                else { continue }
                let chosen = images.first { ($0["coverType"] as? String) == "poster" } ?? images.first
                poster =
                    (chosen?["remoteUrl"] as? String)
                    ?? (chosen?["url"] as? String).flatMap {
                        $0.hasPrefix("http") ? $0 : nil
                    }
            }
        }
        self.init(
            eventID: event.id, kind: event.kind, source: event.source.rawValue, receivedAt: event.receivedAt,
            media: event.media, paths: event.paths, user: event.user, player: event.player, poster: poster,
            detail: detail)
        // A read-back event does not carry its poster: for Plex, look at send time.
        if event.thumb != nil || (event.source == .plex && poster == nil) { posterAttached = true }
    }

    /// The key grouping uses: the show (or the movie or folder) for `show`, plus the season for `season`.
    public func groupKey(_ grouping: NotifyActionSpec.Grouping) -> String? {
        let subject = media.show ?? media.title ?? paths.first.map(LibraryPath.parent(of:))
        switch grouping {
        case .none: return nil
        case .show: return subject.map { "show:\($0)" }
        case .season: return subject.map { "season:\($0):\(media.season.map(String.init) ?? "-")" }
        case .kind: return "kind:\(kind)"
        }
    }

    /// What makes two messages "the same" for cooldowns when there is no group: kind and subject.
    public var cooldownKey: String {
        var parts = [kind, media.show ?? "", media.title ?? "", media.season.map(String.init) ?? ""]
        parts.append(media.episodes.map(String.init).joined(separator: ","))
        if media.show == nil, media.title == nil { parts.append(paths.first ?? detail["folder"] ?? "") }
        return parts.joined(separator: "|")
    }
}
