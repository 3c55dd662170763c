import Foundation

/// One movie or episode of the library, as Plex lists it: the unit cleanup rules reason about.
///
/// Identity is the Plex GUID (`plex://movie/…`, `plex://episode/…`), which survives rescans; the
/// rating key changes when Plex re-creates an item and is kept only to build URLs.
public struct InventoryItem: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case movie, episode
    }

    public var guid: String
    public var kind: Kind
    public var server: String
    public var section: String
    public var ratingKey: String
    public var title: String
    public var year: Int?
    /// External ids (`imdb://tt…`, `tmdb://…`, `tvdb://…`).
    public var externalIDs: [String]
    /// Show and season of an episode (title and GUID), and its numbers.
    public var show: String?
    public var showGUID: String?
    public var season: Int?
    public var seasonGUID: String?
    public var episode: Int?
    public var addedAt: Date?
    public var updatedAt: Date?
    public var labels: [String]
    public var collections: [String]
    /// Every version of the item, each with its files.
    public var media: [MediaVersion]

    public init(
        guid: String, kind: Kind, server: String, section: String, ratingKey: String, title: String, year: Int? = nil,
        externalIDs: [String] = [], show: String? = nil, showGUID: String? = nil, season: Int? = nil,
        seasonGUID: String? = nil, episode: Int? = nil, addedAt: Date? = nil, updatedAt: Date? = nil,
        labels: [String] = [], collections: [String] = [], media: [MediaVersion] = []
    ) {
        self.guid = guid
        self.kind = kind
        self.server = server
        self.section = section
        self.ratingKey = ratingKey
        self.title = title
        self.year = year
        self.externalIDs = externalIDs
        self.show = show
        self.showGUID = showGUID
        self.season = season
        self.seasonGUID = seasonGUID
        self.episode = episode
        self.addedAt = addedAt
        self.updatedAt = updatedAt
        self.labels = labels
        self.collections = collections
        self.media = media
    }

    /// Total size of every file of every version.
    public var size: Int64 { media.flatMap(\.parts).compactMap(\.size).reduce(0, +) }
    /// Every file of every version.
    public var files: [String] { media.flatMap(\.parts).map(\.file) }
}

/// One version of an item (Plex's `Media`): codecs, resolution and its files.
public struct MediaVersion: Sendable, Equatable, Codable {
    public var container: String?
    public var videoCodec: String?
    /// `sd`, `720`, `1080`, `4k`…
    public var resolution: String?
    /// kbit/s.
    public var bitrate: Int?
    public var width: Int?
    public var height: Int?
    /// True for HDR10/HLG/Dolby Vision, false for SDR, nil when Plex did not say.
    public var hdr: Bool?
    public var audioCodec: String?
    public var audioChannels: Int?
    public var parts: [MediaPart]

    public init(
        container: String? = nil, videoCodec: String? = nil, resolution: String? = nil, bitrate: Int? = nil,
        width: Int? = nil, height: Int? = nil, hdr: Bool? = nil, audioCodec: String? = nil,
        audioChannels: Int? = nil, parts: [MediaPart] = []
    ) {
        self.container = container
        self.videoCodec = videoCodec
        self.resolution = resolution
        self.bitrate = bitrate
        self.width = width
        self.height = height
        self.hdr = hdr
        self.audioCodec = audioCodec
        self.audioChannels = audioChannels
        self.parts = parts
    }
}

/// One file of a version (Plex's `Part`).
public struct MediaPart: Sendable, Equatable, Codable {
    public var file: String
    public var size: Int64?

    public init(file: String, size: Int64? = nil) {
        self.file = file
        self.size = size
    }
}
