import Foundation

/// A cleanup rule's condition over inventory fields: the same explicit `all` / `any` / `not` tree
/// as event rules, plus aggregation over a show's or season's episodes.
public indirect enum CleanupCondition: Sendable, Equatable {
    case all([CleanupCondition])
    case any([CleanupCondition])
    case not(CleanupCondition)
    case leaf(CleanupField, CleanupTest)
    /// `max`/`min`/`sum`/`count` of a field over the episodes (optionally only those matching
    /// `where`), then tested; or `any`/`all` episodes matching `where`.
    case aggregate(Aggregation, CleanupField?, filter: CleanupCondition?, CleanupTest)
}

/// How episodes are combined for a show or season rule.
public enum Aggregation: String, Sendable, Equatable, CaseIterable {
    case max, min, sum, count, any, all
}

/// The inventory fields cleanup rules can test, each with its kind of value.
public enum CleanupField: String, Sendable, Equatable, CaseIterable {
    case added, updated, lastWatched = "last_watched", lastPlayed = "last_played"
    case plays, completedViews = "completed_views", watchTime = "watch_time", size, year, season, episode
    case title, show, resolution, videoCodec = "video_codec", labels, collections, path, hdr

    public enum Kind: String, Sendable { case date, number, text, flag }

    public var kind: Kind {
        switch self {
        case .added, .updated, .lastWatched, .lastPlayed: .date
        case .plays, .completedViews, .watchTime, .size, .year, .season, .episode: .number
        case .hdr: .flag
        default: .text
        }
    }

    /// Fields that come from Tautulli (unknown while its history cannot be read).
    public var fromHistory: Bool { [.lastWatched, .lastPlayed, .plays, .completedViews, .watchTime].contains(self) }
}

/// One test of one value.
public enum CleanupTest: Sendable, Equatable {
    /// Strictly more than this many whole days (86,400 s each) before now.
    case olderThan(days: Int)
    case newerThan(days: Int)
    /// Before / on or after local midnight of a calendar date, in the configured zone.
    case before(DateComponents)
    case since(DateComponents)
    case lessThan(Double)
    case atMost(Double)
    case greaterThan(Double)
    case atLeast(Double)
    case equals(String)
    case oneOf([String])
    case contains(String)
    case isTrue(Bool)
    /// `missing: true` matches only a missing value (never watched); `missing: false` only a present one.
    case missing(Bool)
}

/// A value read from the inventory for one field.
public enum CleanupValue: Sendable, Equatable, CustomStringConvertible {
    case date(Date)
    case number(Double)
    case texts([String])
    case flag(Bool)
    /// Known to be absent (never watched, no HDR information…).
    case missing
    /// The source that would say failed this run.
    case unknown

    public var description: String {
        switch self {
        case .date(let date): date.formatted(.iso8601)
        case .number(let number): number == number.rounded() ? String(Int64(number)) : String(number)
        case .texts(let texts): "[" + texts.joined(separator: ", ") + "]"
        case .flag(let flag): String(flag)
        case .missing: "missing"
        case .unknown: "unknown"
        }
    }
}
