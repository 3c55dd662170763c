import Foundation
import GRDB

/// What one retention pass deleted.
public struct RetentionReport: Sendable, Equatable {
    public var events = 0
    public var scans = 0
    public var deliveries = 0

    public var total: Int { events + scans + deliveries }

    public init(events: Int = 0, scans: Int = 0, deliveries: Int = 0) {
        self.events = events
        self.scans = scans
        self.deliveries = deliveries
    }
}

extension AppDatabase {
    /// Deletes what is older than `cutoff` and finished: dispatched events (the oldest ones, up
    /// to the first received after the cutoff: the journal is in arrival order), scans that were issued,
    /// failed or dropped, and deliveries that were sent, died or expired. Pending work is kept
    /// whatever its age. Deletes in slices of `slice` rows, one short transaction each, so
    /// webhooks never wait long for the journal.
    public func prune(before cutoff: Date, slice: Int = 5_000) async throws -> RetentionReport {
        var report = RetentionReport()
        let time = cutoff.timeIntervalSince1970
        let statements: [(WritableKeyPath<RetentionReport, Int>, String)] = [
            (
                \.events,
                """
                DELETE FROM event WHERE sequence IN (SELECT sequence FROM event
                WHERE sequence <= (SELECT IFNULL(MAX(last_sequence), 0) FROM event_dispatch)
                AND sequence < IFNULL((SELECT sequence FROM event WHERE received_at >= ? ORDER BY sequence LIMIT 1),
                9223372036854775807) ORDER BY sequence LIMIT ?)
                """
            ),
            (
                \.scans,
                """
                DELETE FROM scan_request WHERE id IN (SELECT id FROM scan_request WHERE status != 'pending'
                AND first_seen < ? LIMIT ?)
                """
            ),
            (
                \.deliveries,
                """
                DELETE FROM delivery WHERE id IN (SELECT id FROM delivery WHERE state IN ('sent', 'dead', 'expired')
                AND finished_at < ? LIMIT ?)
                """
            ),
        ]
        for (field, sql) in statements {
            while true {
                let deleted = try await writer.write { db in
                    try db.execute(sql: sql, arguments: [time, slice])
                    return db.changesCount
                }
                report[keyPath: field] += deleted
                if deleted < slice { break }
            }
        }
        // Dispatch marks no remaining event needs; the last one stays, it is the watermark.
        try await writer.write { db in
            try db.execute(
                sql: """
                    DELETE FROM event_dispatch WHERE last_sequence < (SELECT MAX(last_sequence) FROM event_dispatch)
                    AND last_sequence < IFNULL((SELECT MIN(sequence) FROM event), (SELECT MAX(last_sequence) FROM event_dispatch))
                    """)
        }
        return report
    }
}
