import HeraldCore

/// The event kinds the webhook decoders produce for what the senders document: the closed set
/// behind metric labels, where a sender's own invention must never become a new series.
public enum WebhookKinds {
    /// Every documented kind of every built-in source, test pings included.
    public static let known: Set<String> = {
        var kinds: Set<String> = ["tautulli.unknown"]
        kinds.formUnion(PlexWebhookDecoder.knownEvents.map { "plex." + $0 })
        kinds.formUnion(TautulliWebhookDecoder.knownActions.map { "tautulli." + $0 })
        for app in [SonarrWebhookDecoder.app, RadarrWebhookDecoder.app, LidarrWebhookDecoder.app] {
            let prefix = app.source.rawValue + "."
            kinds.formUnion(app.knownEvents.compactMap { ArrEventType.snakeCase($0).map { prefix + $0 } })
        }
        return kinds
    }()

    /// An event's kind as a metric label: a documented kind is itself; a kind the sender made up
    /// (an unknown type, journalled as ignored) is `<source>.unknown`; a generic endpoint's events
    /// are counted per endpoint (endpoints are configured, event names are the sender's).
    public static func metricLabel(_ event: Event) -> String {
        if event.source == .generic { return "generic." + (event.endpoint ?? "unknown") }
        return known.contains(event.kind) ? event.kind : event.source.rawValue + ".unknown"
    }
}
