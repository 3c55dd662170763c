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
    /// The oldest dispatched events, oldest first: a retention pass reads them until the first
    /// one received after its cutoff.
    static let pruneCandidatesSQL = """
        SELECT sequence, received_at FROM event WHERE sequence <= ? ORDER BY sequence LIMIT ?
        """

    /// Deletes what is older than `cutoff` and finished: dispatched events (the oldest ones, up
    /// to the first received after the cutoff: the journal is in arrival order), scans that were issued,
    /// failed or dropped, and deliveries that were sent, died or expired. Pending work is kept
    /// whatever its age. Deletes in slices of `slice` rows, one short transaction each, so
    /// webhooks never wait long for the journal.
    public func prune(before cutoff: Date, slice: Int = 5_000) async throws -> RetentionReport {
        var report = RetentionReport()
        let time = cutoff.timeIntervalSince1970
        while true {
            let deleted = try await writer.write { db in
                // Read the candidates one by one up to the first recent one, then delete by one
                // sequence range: a pass reads only the rows it deletes and the one after. (A single
                // DELETE with the watermark and the cutoff as two conditions ranged over the first and
                // tested the second row by row: every hourly pass read the whole journal, and mapped
                // 256 MiB of it into the process.)
                let candidates = try Row.fetchCursor(
                    db.cachedStatement(sql: Self.pruneCandidatesSQL),
                    arguments: [try Self.dispatchedThrough(db), slice])
                var end: Int64?
                while let row = try candidates.next() {
                    let sequence: Int64 = row[0]
                    let receivedAt: Double = row[1]
                    if receivedAt >= time { break }
                    end = sequence + 1
                }
                guard let end else { return 0 }
                try db.cachedStatement(sql: "DELETE FROM event WHERE sequence < ?").execute(arguments: [end])
                return db.changesCount
            }
            report.events += deleted
            if deleted < slice { break }
        }
        let statements: [(WritableKeyPath<RetentionReport, Int>, String)] = [
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
