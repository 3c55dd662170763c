import Foundation
import HeraldConfig
import HeraldCore
import HeraldStore

/// Turns the user's words for an event listing (`since=1h`, `source=sonarr`, `kind=sonarr.*`) into
/// an `EventFilter`; shared by `herald events` and `/api/events`.
public enum EventQuery {
    public struct InvalidQuery: Error, CustomStringConvertible {
        public var description: String
    }

    /// - Parameters:
    ///   - after: A sequence number: the page of events after it, oldest first.
    ///   - before: A sequence number: the page of events before it, newest first.
    ///   - maxLimit: The largest page (the API's is smaller than the CLI's: an answer is held in memory).
    public static func filter(
        since: String?, source: String?, kind: String?, after: String?, before: String? = nil, limit: String?,
        maxLimit: Int = 10_000, now: Date
    ) throws -> EventFilter {
        var filter = EventFilter(limit: 50)
        if let since { filter.since = try date(since, now: now) }
        if let source {
            guard let value = EventSource(rawValue: source) else {
                let names = EventSource.allCases.map(\.rawValue).joined(separator: ", ")
                throw InvalidQuery(description: "unknown source '\(source)' (one of: \(names))")
            }
            filter.source = value
        }
        if let kind, !kind.isEmpty { filter.kind = kind }
        if let after {
            guard let sequence = Int64(after) else {
                throw InvalidQuery(description: "'after' must be a sequence number")
            }
            filter.afterSequence = sequence
        }
        if let before {
            guard let sequence = Int64(before) else {
                throw InvalidQuery(description: "'before' must be a sequence number")
            }
            filter.beforeSequence = sequence
        }
        if let limit {
            guard let count = Int(limit), (1...maxLimit).contains(count) else {
                throw InvalidQuery(description: "'limit' must be a number from 1 to \(maxLimit)")
            }
            filter.limit = count
        }
        return filter
    }

    /// Accepts a duration back from now (`90m`, `2h`, `7d`), an ISO-8601 timestamp with its zone
    /// (`2026-11-20T18:30:00Z`), or a local date with or without a time of day (`2026-11-20`,
    /// `2026-11-20 18:30`, `2026-11-20T18:30:05`, in `zone`). Anything else is refused: a time of
    /// day is never dropped silently.
    public static func date(_ text: String, now: Date, zone: TimeZone = .current) throws -> Date {
        if let duration = ConfigValueParser.duration(text) {
            let (seconds, attoseconds) = duration.components
            return now.addingTimeInterval(-(Double(seconds) + Double(attoseconds) / 1e18))
        }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        for format in [
            "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd",
        ] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        throw InvalidQuery(
            description: "'since' must be a duration such as 2h, or a date such as 2026-11-20 with an optional "
                + "time such as 2026-11-20 18:30, not '\(text)'")
    }
}
