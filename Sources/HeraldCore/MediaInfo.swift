/// What an event is about: the media item as the source described it.
///
/// Every field is optional because sources say very different amounts: a Sonarr `Health` event says
/// nothing about media, a Plex `media.scrobble` says almost everything.
public struct MediaInfo: Sendable, Equatable, Codable {
    public var type: MediaType?
    /// The item's own title (the episode title for episodes, the track title for tracks).
    public var title: String?
    public var year: Int?
    /// Series (or artist, for music) title.
    public var show: String?
    public var season: Int?
    /// Episode numbers; several for multi-episode files.
    public var episodes: [Int]
    /// Plex rating key, when the source is Plex or Tautulli (it changes on rescans: not an identity).
    public var ratingKey: String?
    public var guids: MediaGuids
    /// Library section title, when the source names it.
    public var library: String?

    public init(
        type: MediaType? = nil,
        title: String? = nil,
        year: Int? = nil,
        show: String? = nil,
        season: Int? = nil,
        episodes: [Int] = [],
        ratingKey: String? = nil,
        guids: MediaGuids = MediaGuids(),
        library: String? = nil
    ) {
        self.type = type
        self.title = title
        self.year = year
        self.show = show
        self.season = season
        self.episodes = episodes
        self.ratingKey = ratingKey
        self.guids = guids
        self.library = library
    }
}

/// The kind of media item, normalised across Plex, Tautulli and the *arr apps.
public enum MediaType: String, Sendable, Codable, CaseIterable {
    case movie, show, season, episode, artist, album, track, clip, photo, other

    /// Maps the type names Plex and Tautulli use (`movie`, `episode`, `track`, `show`, …).
    public init(plexType: String) {
        self = MediaType(rawValue: plexType.lowercased()) ?? .other
    }
}

/// External identifiers of an item; the durable identity across rescans and sources.
public struct MediaGuids: Sendable, Equatable, Codable {
    public var imdb: String?
    public var tmdb: String?
    public var tvdb: String?
    /// The Plex GUID (`plex://episode/…` or a legacy agent GUID).
    public var plex: String?

    public init(imdb: String? = nil, tmdb: String? = nil, tvdb: String? = nil, plex: String? = nil) {
        self.imdb = imdb
        self.tmdb = tmdb
        self.tvdb = tvdb
        self.plex = plex
    }

    /// True when no identifier is known.
    public var isEmpty: Bool { imdb == nil && tmdb == nil && tvdb == nil && plex == nil }
}
