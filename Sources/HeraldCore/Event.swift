import Foundation

/// A normalised, source-independent record of something that happened around the library.
///
/// Every webhook, filesystem change, schedule tick and internal outcome becomes one `Event`. The
/// rules engine sees only events, so a rule written for `sonarr.download` reads the same fields
/// (`paths`, `media`) as one written for `fs.created`. The original body is kept in `raw` for
/// templates and for explaining later why something happened.
public struct Event: Sendable, Equatable, Codable {
    /// A unique identifier (a time-ordered UUID, see `EventID`) assigned on ingest; the idempotency
    /// root for everything the event causes.
    public var id: String
    /// When Herald received the event.
    public var receivedAt: Date
    /// Which kind of producer sent it.
    public var source: EventSource
    /// Dotted kind, prefixed by the source: `plex.media.play`, `sonarr.download`, `fs.created`.
    public var kind: String
    /// Library file or folder paths, already resolved (Sonarr's `series.path + relativePath`, never a
    /// download-client path).
    public var paths: [String]
    /// Paths the event moved away from (renames), in the same order as `paths` where known.
    public var previousPaths: [String]
    /// What the event is about, as far as the source said.
    public var media: MediaInfo
    /// The user who caused the event (Plex account title, Tautulli user), if any.
    public var user: String?
    /// The player or client involved, if any.
    public var player: String?
    /// Why Herald journals but will not act on this event (a test ping, an unknown event type), or nil.
    public var ignoredReason: String?
    /// For generic endpoints, the configured endpoint name; otherwise nil.
    public var endpoint: String?
    /// The body exactly as it arrived (for Plex: the `payload` part only).
    public var raw: Data
    /// The poster JPEG Plex attached (its `thumb` part), for notifications; nil for other sources.
    public var thumb: Data?

    public init(
        id: String = EventID.make(),
        receivedAt: Date = Date(),
        source: EventSource,
        kind: String,
        paths: [String] = [],
        previousPaths: [String] = [],
        media: MediaInfo = MediaInfo(),
        user: String? = nil,
        player: String? = nil,
        ignoredReason: String? = nil,
        endpoint: String? = nil,
        raw: Data = Data(),
        thumb: Data? = nil
    ) {
        self.id = id
        self.receivedAt = receivedAt
        self.source = source
        self.kind = kind
        self.paths = paths
        self.previousPaths = previousPaths
        self.media = media
        self.user = user
        self.player = player
        self.ignoredReason = ignoredReason
        self.endpoint = endpoint
        self.raw = raw
        self.thumb = thumb
    }
}

/// The producer of an event.
public enum EventSource: String, Sendable, Codable, CaseIterable {
    case plex, tautulli, sonarr, radarr, lidarr, fs, schedule, manual, generic, herald
}
