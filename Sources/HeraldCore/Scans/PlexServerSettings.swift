/// One Plex Media Server Herald scans, as configured under `plex:`.
public struct PlexServerSettings: Sendable, Equatable {
    public var name: String
    /// Base URL, such as `http://127.0.0.1:32400`.
    public var url: String
    public var token: Secret
    /// Herald's paths → Plex's paths, first match wins.
    public var rewrites: [PathRewrite]
    /// Files that must exist before any scan is sent (a dropped mount must not empty the library).
    public var anchors: [String]
    /// Pause between two requests to this server.
    public var pacing: Duration
    /// Timeout of each request.
    public var timeout: Duration
    /// How often the section list is refreshed (it is also refreshed when a path matches nothing).
    public var sectionsRefresh: Duration
    /// Attempts before a scan is given up (`herald.scan.failed`).
    public var maxAttempts: Int
    /// Backoff between attempts.
    public var retry = RetryPolicy()
    /// When set, a scan waits until its folder exists here and has not changed for a while.
    public var gate: SettleGate?
    /// When set, each issued scan is followed until Plex has finished it and shows the folder.
    public var verification: ScanVerification?
    /// When set, the library's movies and episodes are synced into the inventory on this schedule.
    public var inventory: InventorySchedule?

    public init(
        name: String, url: String, token: Secret, rewrites: [PathRewrite] = [], anchors: [String] = [],
        pacing: Duration = .milliseconds(500), timeout: Duration = .seconds(10),
        sectionsRefresh: Duration = .seconds(600),
        maxAttempts: Int = 20
    ) {
        self.name = name
        self.url = url
        self.token = token
        self.rewrites = rewrites
        self.anchors = anchors
        self.pacing = pacing
        self.timeout = timeout
        self.sectionsRefresh = sectionsRefresh
        self.maxAttempts = maxAttempts
    }
}

/// How an issued scan is followed: Plex's section `refreshing` flag is polled until the scan ends,
/// then the folder must show up among Plex's recently added items (`herald.scan.completed`); a scan
/// still running at the timeout, or a folder Plex does not show, is `herald.scan.unverified`.
public struct ScanVerification: Sendable, Equatable {
    public var interval: Duration
    public var timeout: Duration

    public init(interval: Duration = .seconds(2), timeout: Duration = .seconds(300)) {
        self.interval = interval
        self.timeout = timeout
    }
}

/// How often a server's library is synced into the inventory, and in pages of what size.
public struct InventorySchedule: Sendable, Equatable {
    /// How often every section is listed in full (the only way to learn what Plex removed).
    public var every: Duration
    public var pageSize: Int
    /// How often, between full syncs, only the items Plex changed since the last sync are fetched.
    public var incrementalEvery: Duration
    /// How long after `plex.library.new` or a completed scan the changed items are fetched (Plex
    /// analyses new files for a while after adding them).
    public var incrementalDelay: Duration

    public init(
        every: Duration = .seconds(6 * 3600), pageSize: Int = 500, incrementalEvery: Duration = .seconds(900),
        incrementalDelay: Duration = .seconds(30)
    ) {
        self.every = every
        self.pageSize = pageSize
        self.incrementalEvery = incrementalEvery
        self.incrementalDelay = incrementalDelay
    }
}

/// A library section as Plex lists it: its key and the folders it covers.
public struct PlexSection: Sendable, Equatable, Codable {
    public var key: String
    public var title: String
    public var type: String
    public var locations: [String]

    public init(key: String, title: String, type: String, locations: [String]) {
        self.key = key
        self.title = title
        self.type = type
        self.locations = locations
    }
}
