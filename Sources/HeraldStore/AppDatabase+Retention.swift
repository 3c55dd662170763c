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
        func deleting(_ sql: String) -> @Sendable (Database) throws -> Int {
            { db in
                try db.execute(sql: sql, arguments: [time, slice])
                return db.changesCount
            }
        }
        let passes: [(WritableKeyPath<RetentionReport, Int>, @Sendable (Database) throws -> Int)] = [
            (\.events, { db in try Self.deleteOldEvents(before: time, slice: slice, db) }),
            (
                \.scans,
                deleting(
                    """
                    DELETE FROM scan_request WHERE id IN (SELECT id FROM scan_request WHERE status != 'pending'
                    AND first_seen < ? LIMIT ?)
                    """)
            ),
            (
                \.deliveries,
                deleting(
                    """
                    DELETE FROM delivery WHERE id IN (SELECT id FROM delivery WHERE state IN ('sent', 'dead', 'expired')
                    AND finished_at < ? LIMIT ?)
                    """)
            ),
        ]
        for (field, pass) in passes {
            while true {
                let deleted = try await writer.write(pass)
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

    /// Deletes up to `slice` of the oldest dispatched events, stopping at the first one received
    /// at or after `time`; returns how many.
    ///
    /// The candidates are read one by one up to the first one kept, then deleted by one sequence
    /// range: a pass reads only the rows it deletes and the one after. (A single DELETE with the
    /// watermark and the cutoff as two conditions ranged over the first and tested the second row
    /// by row: every hourly pass read the whole journal, and mapped 256 MiB of it into the process.)
    private static func deleteOldEvents(before time: Double, slice: Int, _ db: Database) throws -> Int {
        let candidates = try Row.fetchCursor(
            db.cachedStatement(sql: pruneCandidatesSQL), arguments: [try dispatchedThrough(db), slice])
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
}
