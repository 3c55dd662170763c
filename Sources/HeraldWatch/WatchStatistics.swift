/// What the watcher has done so far, for metrics and `/readyz`.
public struct WatchStatistics: Sendable, Equatable {
    /// Directories watched with inotify.
    public var watches = 0
    /// Trees scanned periodically (configured or fallen back to polling).
    public var polledTrees = 0
    /// Events journalled, by kind.
    public var events: [String: Int] = [:]
    public var overflows = 0
    public var lastRescanSeconds = 0.0
    public var pollScans = 0
    public var lastPollSeconds = 0.0
    /// Why part of the trees is polled instead of watched, if it is.
    public var degradedReason: String?

    public init() {}
}
