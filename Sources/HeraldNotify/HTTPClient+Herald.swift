import AsyncHTTPClient
import Foundation

extension HTTPClient.Configuration {
    /// How Herald talks HTTP to Plex, Tautulli and the chat services.
    ///
    /// Redirects are not followed: a webhook that moved is a configuration error to report, not a
    /// hop to take silently (Standard Webhooks treats 3xx as a failure). A connection that cannot
    /// be made fails the request at once: Herald's own lanes retry with backoff and say why,
    /// where the pool's retries hid a refused connection for its whole connect timeout (~10 s).
    public static var herald: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }
}

/// One line for a request that got no answer, in words a user can act on.
enum TransportError {
    static func message(_ error: any Error, url: String) -> String {
        let detail = "\(error)"
        let target = URL(string: url).map { "\($0.host ?? "?")\($0.port.map { ":\($0)" } ?? "")" } ?? url
        if detail.contains("Connection refused") || detail.contains("errno: 111") {
            return "connection refused by \(target): nothing is listening there (is the service running?)"
        }
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout: return "no connection to \(target) within the connect timeout"
            case .deadlineExceeded: return "\(target) did not answer in time"
            case .remoteConnectionClosed: return "\(target) closed the connection before answering"
            default: break
            }
        }
        return detail
    }
}
