import HeraldCore

/// What the webhook routes need to know: limits, credentials and generic endpoints.
public struct IngestSettings: Sendable, Equatable {
    /// One built-in source's switch and credentials.
    public struct Source: Sendable, Equatable {
        public var enabled: Bool
        public var credentials: SourceCredentials

        public init(enabled: Bool = true, credentials: SourceCredentials = SourceCredentials()) {
            self.enabled = enabled
            self.credentials = credentials
        }
    }

    /// One generic endpoint's credentials and optional signature check.
    public struct GenericEndpoint: Sendable, Equatable {
        public var credentials: SourceCredentials
        public var signature: SignatureSettings?

        public init(credentials: SourceCredentials = SourceCredentials(), signature: SignatureSettings? = nil) {
            self.credentials = credentials
            self.signature = signature
        }
    }

    /// Largest JSON body (Tautulli, *arr, generic).
    public var maxBodySize: Int
    /// Largest Plex request, poster included.
    public var maxPlexRequestSize: Int
    /// Settings of `plex`, `tautulli`, `sonarr`, `radarr` and `lidarr`; a missing entry is open and enabled.
    public var sources: [EventSource: Source]
    /// Generic endpoints by name; names not listed answer 404.
    public var generic: [String: GenericEndpoint]
    /// Keep Plex's posters (up to 2 MiB) with their events, for notifications that show them.
    public var keepPlexPosters: Bool

    public init(
        maxBodySize: Int = 1 << 20,
        maxPlexRequestSize: Int = 10 << 20,
        sources: [EventSource: Source] = [:],
        generic: [String: GenericEndpoint] = [:],
        keepPlexPosters: Bool = false
    ) {
        self.maxBodySize = maxBodySize
        self.maxPlexRequestSize = maxPlexRequestSize
        self.sources = sources
        self.generic = generic
        self.keepPlexPosters = keepPlexPosters
    }

    func source(_ source: EventSource) -> Source { sources[source] ?? Source() }
}
