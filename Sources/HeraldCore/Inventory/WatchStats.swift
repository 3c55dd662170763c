import Foundation

/// What Tautulli's history says of one item (one Plex GUID), over every user or one.
public struct WatchStats: Sendable, Equatable {
    public var plays: Int
    /// Views Tautulli counts as watched (`watched_status` = 1); partial ones are not counted.
    public var completed: Int
    public var lastPlayed: Date?
    /// Last completed view; nil when never watched to the end (a *missing* value, not zero).
    public var lastWatched: Date?
    /// Seconds played, summed.
    public var watchTime: Int

    public init(plays: Int, completed: Int, lastPlayed: Date?, lastWatched: Date?, watchTime: Int) {
        self.plays = plays
        self.completed = completed
        self.lastPlayed = lastPlayed
        self.lastWatched = lastWatched
        self.watchTime = watchTime
    }
}
