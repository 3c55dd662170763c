/// How a webhook source proves who it is.
///
/// Plex cannot send headers, so it presents `token` in the URL (`?token=`). Tautulli can send a
/// header from its JSON Headers box; Sonarr, Radarr and Lidarr offer HTTP Basic (username and
/// password) and custom headers. When nothing is configured the endpoint is open, which the daemon
/// logs as a warning at start.
public struct SourceCredentials: Sendable, Equatable {
    /// Accepted as `?token=`, `Authorization: Bearer`, `X-Herald-Token`, or as the Basic password.
    public var token: Secret?
    /// With `password`, the HTTP Basic pair the *arr apps send.
    public var username: String?
    public var password: Secret?

    public init(token: Secret? = nil, username: String? = nil, password: Secret? = nil) {
        self.token = token
        self.username = username
        self.password = password
    }

    /// True when the endpoint accepts requests without any credential.
    public var isOpen: Bool { token == nil && password == nil }
}

/// Signature verification for a generic webhook endpoint.
public struct SignatureSettings: Sendable, Equatable {
    /// Which signature convention the sender follows.
    public enum Scheme: String, Sendable, CaseIterable {
        /// Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`.
        case standardWebhooks = "standard-webhooks"
        /// GitHub: `X-Hub-Signature-256: sha256=<hex>` over the raw body.
        case github
    }

    public var scheme: Scheme
    /// The shared key. For Standard Webhooks a `whsec_` prefix marks a base64 key.
    public var secret: Secret
    /// How far `webhook-timestamp` may be from now (Standard Webhooks only).
    public var tolerance: Duration

    public init(scheme: Scheme, secret: Secret, tolerance: Duration = .seconds(300)) {
        self.scheme = scheme
        self.secret = secret
        self.tolerance = tolerance
    }
}
