import Foundation

/// One play from Tautulli's history (`get_history` row), kept per user.
public struct WatchRecord: Sendable, Equatable {
    /// Tautulli's row id: the identity of the play (rows are re-read, never duplicated).
    public var rowID: Int64
    /// The Plex GUID of what was played, when Tautulli knows it.
    public var guid: String?
    public var ratingKey: String?
    public var grandparentRatingKey: String?
    public var mediaType: String
    public var user: String
    public var userID: Int64?
    public var started: Date
    public var stopped: Date?
    /// Seconds actually played.
    public var duration: Int
    public var percentComplete: Int?
    /// 1 when watched to the end (Tautulli's threshold); 0.75, 0.5, 0.25 or 0 for partial views.
    public var watchedStatus: Double

    public init(
        rowID: Int64, guid: String?, ratingKey: String?, grandparentRatingKey: String?, mediaType: String, user: String,
        userID: Int64?, started: Date, stopped: Date?, duration: Int, percentComplete: Int?, watchedStatus: Double
    ) {
        self.rowID = rowID
        self.guid = guid
        self.ratingKey = ratingKey
        self.grandparentRatingKey = grandparentRatingKey
        self.mediaType = mediaType
        self.user = user
        self.userID = userID
        self.started = started
        self.stopped = stopped
        self.duration = duration
        self.percentComplete = percentComplete
        self.watchedStatus = watchedStatus
    }

    /// A completed view (Tautulli's `watched_status` = 1); fractions are partial views.
    public var isCompleted: Bool { watchedStatus >= 1 }
}

/// Where Tautulli's API is, for watch history (`tautulli:` in the configuration).
public struct TautulliSettings: Sendable, Equatable {
    public var url: String
    public var apiKey: Secret
    /// Rows per `get_history` page.
    public var pageSize: Int
    public var timeout: Duration

    public init(url: String, apiKey: Secret, pageSize: Int = 1000, timeout: Duration = .seconds(30)) {
        self.url = url
        self.apiKey = apiKey
        self.pageSize = pageSize
        self.timeout = timeout
    }
}
