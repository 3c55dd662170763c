import Foundation

/// At most `count` messages in any `interval` (a sliding window: `5/2s` never lets a sixth
/// message out within 2 s of the first of the five).
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

/// The state of one channel's rate limit: the times of the last `count` sends, so the limit is
/// exact over any window (a token bucket let a burst and its refill through: 8 messages in 0.8 s
/// under Discord's 5 per 2 s). Pure: the caller passes the time.
public struct RateWindow: Sendable, Equatable {
    public let limit: RateLimit
    /// The last sends inside the window, oldest first; at most `limit.count`.
    private var sent: [Date] = []
    /// Nothing is sent before this (the service said its bucket is empty).
    private var pausedUntil: Date?

    public init(limit: RateLimit) {
        self.limit = limit
    }

    /// Records a send at `now` when one is allowed and returns nil; otherwise returns when the
    /// next one is (and records nothing).
    public mutating func take(now: Date) -> Date? {
        if let pausedUntil, now < pausedUntil { return pausedUntil }
        pausedUntil = nil
        let interval = limit.interval.timeInterval
        // Dates are floating point: a send due at exactly `now` may compute as 0.999999… early.
        sent.removeAll { now.timeIntervalSince($0) >= interval - 1e-6 }
        guard sent.count < limit.count else { return sent[0].addingTimeInterval(interval) }
        sent.append(now)
        return nil
    }

    /// Sends nothing before `until`: the service said the limit was reached (a 429, or a
    /// successful answer whose rate-limit headers say no request is left).
    public mutating func pause(until: Date) {
        pausedUntil = max(pausedUntil ?? until, until)
    }
}
