/// `notify: { to: [discord], template: new-media, group_by: season, window: 5m, cooldown: 1h, ttl: 1d }`
public struct NotifyActionSpec: Sendable, Equatable {
    /// How events are gathered into one message.
    public enum Grouping: String, Sendable, CaseIterable {
        /// One message per event.
        case none
        /// Every event of the same show (or the same movie) within the window.
        case show
        /// Every event of the same show and season within the window: a season import is one message.
        case season
        /// Every event of the same kind within the window: a digest (all items leaving soon today).
        case kind
    }

    /// The templates Herald ships with (HeraldNotify holds their text; a test keeps the two in step).
    public static let builtInTemplates: Set<String> = [
        "new-media", "playback", "scan", "failure", "cleanup", "event", "test",
    ]

    /// Configured channel names.
    public var channels: [String]
    /// Template name; nil picks the channel's default, then the built-in one for the event kind.
    public var template: String?
    /// nil takes the template's severity (`failure` for failed scans and deliveries, else `info`).
    public var severity: Severity?
    public var groupBy: Grouping
    /// How long a group waits for more events: each new event restarts the wait, up to four
    /// windows after the first, then the message is sent.
    public var window: Duration
    /// A second message with the same key within this time is dropped (nil: never dropped).
    public var cooldown: Duration?
    /// Undelivered after this long, the message expires instead of arriving late (nil: the channel's).
    public var ttl: Duration?

    public init(
        channels: [String], template: String? = nil, severity: Severity? = nil, groupBy: Grouping = .none,
        window: Duration = .seconds(300), cooldown: Duration? = nil, ttl: Duration? = nil
    ) {
        self.channels = channels
        self.template = template
        self.severity = severity
        self.groupBy = groupBy
        self.window = window
        self.cooldown = cooldown
        self.ttl = ttl
    }
}
