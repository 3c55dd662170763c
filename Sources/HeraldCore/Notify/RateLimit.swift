import Foundation

/// At most `count` messages per `interval`, with bursts up to `count` (a token bucket).
public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
    public var count: Int
    public var interval: Duration

    public init(count: Int, per interval: Duration) {
        self.count = max(1, count)
        self.interval = interval
    }

    /// Parses `5/2s`, `30/min`, `1/s`, `20/1m`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Int(parts[0].trimmingCharacters(in: .whitespaces)), count > 0 else {
            return nil
        }
        var unit = parts[1].trimmingCharacters(in: .whitespaces)
        switch unit {
        case "s", "sec", "second": unit = "1s"
        case "m", "min", "minute": unit = "1m"
        case "h", "hour": unit = "1h"
        default: break
        }
        guard let interval = Self.parseDuration(unit), interval > .zero else { return nil }
        self.init(count: count, per: interval)
    }

    private static func parseDuration(_ text: String) -> Duration? {
        let digits = text.prefix { $0.isNumber }
        guard let value = Int64(digits) else { return nil }
        switch text.dropFirst(digits.count) {
        case "ms": return .milliseconds(value)
        case "s": return .seconds(value)
        case "m": return .seconds(value * 60)
        case "h": return .seconds(value * 3600)
        default: return nil
        }
    }

    public var description: String { "\(count)/\(interval.shortDescription)" }

    /// The documented (or observed) limit of each service, so nobody has to look it up.
    ///
    /// Discord webhooks: 5 requests per 2 s (observed bucket; headers refine it at run time).
    /// Slack incoming webhooks: about 1 per second. Telegram: 1 per second in one chat, 20 per
    /// minute in a group; 20/min covers both. Email and generic webhooks: none.
    public static func `default`(for service: ChannelTarget.Service) -> RateLimit? {
        switch service {
        case .discord: RateLimit(count: 5, per: .seconds(2))
        case .slack: RateLimit(count: 1, per: .seconds(1))
        case .telegram: RateLimit(count: 20, per: .seconds(60))
        case .email, .webhook: nil
        }
    }
}

/// The state of one channel's rate limit. Pure: the caller passes the time.
public struct TokenBucket: Sendable, Equatable {
    public let limit: RateLimit
    private var tokens: Double
    private var updated: Date?

    public init(limit: RateLimit) {
        self.limit = limit
        tokens = Double(limit.count)
    }

    /// Takes a token if one is free at `now` and returns nil; otherwise returns when the next one
    /// is free (and takes nothing).
    public mutating func take(now: Date) -> Date? {
        refill(now: now)
        // Dates are floating point: a token due at exactly `now` may compute as 0.999999….
        if tokens >= 1 - 1e-6 {
            tokens = max(0, tokens - 1)
            return nil
        }
        let perToken = limit.interval.timeInterval / Double(limit.count)
        return now.addingTimeInterval((1 - tokens) * perToken)
    }

    /// Empties the bucket (the service said the limit was reached, whatever we counted).
    public mutating func drain(now: Date) {
        refill(now: now)
        tokens = 0
    }

    private mutating func refill(now: Date) {
        if let updated, now > updated {
            let perToken = limit.interval.timeInterval / Double(limit.count)
            tokens = min(Double(limit.count), tokens + now.timeIntervalSince(updated) / perToken)
        }
        if updated.map({ now > $0 }) ?? true { updated = now }
    }
}
