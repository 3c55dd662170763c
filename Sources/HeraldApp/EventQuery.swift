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

    /// Accepts a duration back from now (`90m`, `2h`, `7d`) or an ISO-8601 date or timestamp.
    public static func date(_ text: String, now: Date) throws -> Date {
        if let duration = ConfigValueParser.duration(text) {
            let (seconds, attoseconds) = duration.components
            return now.addingTimeInterval(-(Double(seconds) + Double(attoseconds) / 1e18))
        }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: .iso8601.year().month().day()) { return date }
        throw InvalidQuery(
            description: "'since' must be a duration such as 2h or a date such as 2026-11-20, not '\(text)'")
    }
}
