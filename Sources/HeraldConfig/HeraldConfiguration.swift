import Foundation
import HeraldCore

/// The effective daemon configuration: every value resolved, every default applied.
///
/// Built from one YAML file by `HeraldConfiguration.load(file:environment:)`. Each module receives
/// only the part it needs (`server`, `journal`, `sources`, …).
public struct HeraldConfiguration: Sendable, Equatable {
    /// The file this configuration was read from (for messages and reloads).
    public var file: String
    /// Where the SQLite journal lives. Required, or taken from systemd's `$STATE_DIRECTORY`.
    public var stateDirectory: String
    public var server = ServerSettings()
    public var logging = LoggingSettings()
    public var journal = JournalSettings()
    public var api = APISettings()
    public var sources = SourcesSettings()
    /// Plex servers scans go to, in file order.
    public var plexServers: [PlexServerSettings] = []
    /// Where rule files are read from; nil when there is none.
    public var rulesDirectory: String?
    /// The rules, loaded from `rulesDirectory` and validated with the rest of the configuration.
    public var rules: [Rule] = []
    /// Library-scope rules (deletion candidates), from the same directory.
    public var cleanupRules: [CleanupRule] = []
    /// Directories watched for new, changed, moved and deleted files (`fs.*` events).
    public var watch = WatchConfiguration()
    /// Where archived files go and how Plex's paths map to Herald's, for cleanup actions.
    public var cleanup = CleanupSettings()
    /// Notification channels and templates.
    public var notifications = NotificationConfiguration()
    /// Tautulli's API, for the inventory's watch history; nil when not configured.
    public var tautulli: TautulliSettings?
    /// The zone for rules' `time` and `weekday` tests; nil for the system's, which is looked up
    /// only when rules are evaluated (resolving it loads time-zone data a daemon without rules
    /// never needs).
    public var timeZone: TimeZone?

    public init(file: String, stateDirectory: String) {
        self.file = file
        self.stateDirectory = stateDirectory
    }

    /// The SQLite database file inside the state directory.
    public var databasePath: String { stateDirectory + "/herald.sqlite" }
}

/// The HTTP listener.
public struct ServerSettings: Sendable, Equatable {
    /// Address to bind. Loopback by default (secure by default): set `0.0.0.0`, with credentials
    /// on every source, for Plex and the *arr apps on other hosts to reach it.
    public var host = "127.0.0.1"
    public var port = 8765
    /// Largest JSON body accepted from Tautulli, the *arr apps and generic senders.
    public var maxBodySize = 1 << 20
    /// Largest Plex multipart request (the poster JPEG makes these large).
    public var maxThumbSize = 10 << 20
    /// How long a graceful shutdown may take before remaining work is cancelled.
    public var shutdownTimeout: Duration = .seconds(10)
    /// How long a connection may sit without a request before it is closed: idle keep-alive
    /// connections and clients that stop sending mid-request would otherwise hold a descriptor
    /// each for as long as they like.
    public var idleTimeout: Duration = .seconds(60)

    public init() {}
}

/// Log output.
public struct LoggingSettings: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable { case logfmt, json }
    public enum Level: String, Sendable, CaseIterable { case trace, debug, info, notice, warning, error, critical }

    public var format: Format = .logfmt
    public var level: Level = .info

    public init() {}
}

/// The event journal.
public struct JournalSettings: Sendable, Equatable {
    /// `full` fsyncs every commit (survives power loss); `normal` survives process crashes only.
    public enum Synchronous: String, Sendable, CaseIterable { case full, normal }

    public var synchronous: Synchronous = .full
    /// Most events written in one shared commit.
    public var maxBatch = 1024
    /// Dispatched events, finished scans and finished deliveries older than this are deleted
    /// (nil keeps everything). Pending work is never deleted, whatever its age.
    public var retention: Duration? = .seconds(90 * 86_400)

    public init() {}
}

/// The read API (`/api/events`).
public struct APISettings: Sendable, Equatable {
    /// Bearer token for `/api/*`; without one the API answers 403 (it exposes raw payloads).
    public var token: Secret?

    public init() {}
}

/// Per-source webhook settings.
public struct SourcesSettings: Sendable, Equatable {
    public var plex = SourceSettings()
    public var tautulli = SourceSettings()
    public var sonarr = SourceSettings()
    public var radarr = SourceSettings()
    public var lidarr = SourceSettings()
    /// Named generic endpoints, served at `/hooks/generic/{name}`.
    public var generic: [GenericEndpointSettings] = []

    public init() {}
}

/// One built-in webhook source.
public struct SourceSettings: Sendable, Equatable {
    /// A disabled source answers 404, as if the route did not exist.
    public var enabled = true
    public var credentials = SourceCredentials()
    /// Accept requests without credentials on an address other machines reach (refused otherwise).
    public var allowUnauthenticated = false

    public init() {}
}

/// One named generic endpoint.
public struct GenericEndpointSettings: Sendable, Equatable {
    public var name: String
    public var credentials = SourceCredentials()
    /// Accept requests without credentials on an address other machines reach (refused otherwise).
    public var allowUnauthenticated = false
    public var signature: SignatureSettings?

    public init(name: String) {
        self.name = name
    }
}

/// The `notifications:` section.
public struct NotificationConfiguration: Sendable, Equatable {
    /// Channels in file order.
    public var channels: [ChannelSettings] = []
    /// User templates (`NAME.mustache`), which may replace built-in ones.
    public var templatesDirectory: String?

    public init() {}

    public func channel(named name: String) -> ChannelSettings? { channels.first { $0.name == name } }
}

/// The `watch:` section.
public struct WatchConfiguration: Sendable, Equatable {
    /// Watched with inotify.
    public var roots: [String] = []
    /// Scanned periodically instead (network and FUSE mounts), each with its interval.
    public var pollRoots: [(path: String, interval: Duration)] = []
    /// Extra name globs to ignore, on top of the defaults (partial downloads, NAS metadata…).
    public var exclude: [String] = []
    /// When false, only `exclude` applies.
    public var defaultExcludes = true
    public var settle: Duration = .seconds(5)

    public init() {}

    public static func == (left: WatchConfiguration, right: WatchConfiguration) -> Bool {
        left.roots == right.roots && left.exclude == right.exclude && left.defaultExcludes == right.defaultExcludes
            && left.settle == right.settle && left.pollRoots.map(\.path) == right.pollRoots.map(\.path)
            && left.pollRoots.map(\.interval) == right.pollRoots.map(\.interval)
    }
}
