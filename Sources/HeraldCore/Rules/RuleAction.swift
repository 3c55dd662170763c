/// What a matching rule does. Each case is carried out by its own worker; new kinds of action
/// (notifications, cleanup, transcodes) join as new cases.
public enum RuleAction: Sendable, Equatable {
    case scan(ScanActionSpec)
    case log(LogActionSpec)
    case notify(NotifyActionSpec)

    /// The action's name as written in rule files.
    public var name: String {
        switch self {
        case .scan: "scan"
        case .log: "log"
        case .notify: "notify"
        }
    }
}

/// `scan: { server: home, wait: 30s, max_wait: 10m, priority: 0 }`
public struct ScanActionSpec: Sendable, Equatable {
    /// Configured Plex server names; empty means every configured server.
    public var servers: [String]
    /// Sliding wait: each new event for the same folder restarts it.
    public var wait: Duration
    /// Upper bound on how long a folder's scan may be postponed by new events.
    public var maxWait: Duration
    /// Higher first when several scans are due at once.
    public var priority: Int

    public init(
        servers: [String] = [], wait: Duration = .seconds(30), maxWait: Duration = .seconds(600), priority: Int = 0
    ) {
        self.servers = servers
        self.wait = wait
        self.maxWait = maxWait
        self.priority = priority
    }
}

/// `log: { message: "…", level: info }`: writes a log line; useful to try rules out.
public struct LogActionSpec: Sendable, Equatable {
    public var message: String
    public var level: String

    public init(message: String, level: String = "info") {
        self.message = message
        self.level = level
    }
}
