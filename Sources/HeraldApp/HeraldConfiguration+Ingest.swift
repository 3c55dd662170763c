import HeraldConfig
import HeraldCore
import HeraldIngest

extension HeraldConfiguration {
    /// The part of the configuration the webhook routes read.
    public var ingestSettings: IngestSettings {
        func source(_ settings: SourceSettings) -> IngestSettings.Source {
            IngestSettings.Source(enabled: settings.enabled, credentials: settings.credentials)
        }
        var generic: [String: IngestSettings.GenericEndpoint] = [:]
        for endpoint in sources.generic {
            generic[endpoint.name] = IngestSettings.GenericEndpoint(
                credentials: endpoint.credentials, signature: endpoint.signature)
        }
        return IngestSettings(
            maxBodySize: server.maxBodySize,
            maxPlexRequestSize: server.maxThumbSize,
            sources: [
                .plex: source(sources.plex), .tautulli: source(sources.tautulli), .sonarr: source(sources.sonarr),
                .radarr: source(sources.radarr), .lidarr: source(sources.lidarr),
            ],
            generic: generic,
            keepPlexPosters: notifications.channels.contains { $0.service == .discord || $0.service == .telegram }
        )
    }
}
