import Foundation

/// How an answer from Plex to a refresh request is handled.
public enum ScanOutcome: Sendable, Equatable {
    /// 2xx: the scan was started.
    case done
    /// Worth another attempt later: 404, 5xx (Cloudflare's 524 included), timeouts, connection errors.
    case retry(reason: String)
    /// Not worth retrying: a wrong token (401), forbidden (403), any other 4xx.
    case failed(reason: String)

    /// Classifies an HTTP status, or a transport failure (`status` nil) with its description.
    public static func classify(status: Int?, transportError: String? = nil) -> ScanOutcome {
        guard let status else { return .retry(reason: "Plex did not answer: \(transportError ?? "no response")") }
        switch status {
        case 200..<300: return .done
        case 401: return .failed(reason: "Plex rejected the token (401): check plex.<server>.token")
        case 403: return .failed(reason: "Plex refused the request (403): the token's account may not own the server")
        case 404: return .retry(reason: "Plex answered 404 (server starting, or section just removed)")
        case 408, 429, 500..<600: return .retry(reason: "Plex answered \(status)")
        default: return .failed(reason: "Plex answered \(status)")
        }
    }
}

/// Exponential backoff with jitter for retried work.
public struct RetryPolicy: Sendable, Equatable {
    public var initialDelay: Duration
    public var maximumDelay: Duration
    /// Fraction of the delay added or removed at random (0.2 = ±20 %), so retries spread out.
    public var jitter: Double

    public init(initialDelay: Duration = .seconds(5), maximumDelay: Duration = .seconds(600), jitter: Double = 0.2) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.jitter = jitter
    }

    /// The delay before attempt `attempt + 1`, after `attempt` failures (1-based).
    ///
    /// - Parameter random: A value in `0..<1` (injected so tests are exact).
    public func delay(afterFailures attempt: Int, random: Double) -> TimeInterval {
        let exponent = Double(max(0, min(attempt - 1, 30)))
        let base = min(initialDelay.timeInterval * pow(2, exponent), maximumDelay.timeInterval)
        return base * (1 + jitter * (2 * random - 1))
    }
}
