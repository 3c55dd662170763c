import Foundation
import GRDB
import HeraldCore

/// A scan the worker is about to issue, with how often it was tried.
public struct ScanJob: Sendable, Equatable {
    public var scan: PendingScan
    public var attempts: Int
    /// How often the settle gate has held this scan.
    public var gateChecks: Int
    /// The event and rule that first asked for it (for internal events and logs).
    public var eventID: String?
    public var rule: String?
}

/// The recorded end of a scan attempt.
public enum ScanResolution: Sendable, Equatable {
    case issued(at: Date)
    case retry(at: Date, reason: String)
    case failed(reason: String)
    case unmatched(reason: String)
    /// Held by the settle gate: not an attempt, checked again later.
    case gateWait(until: Date, reason: String)
}

extension AppDatabase {
    /// Pending scans of one server and section, read inside a dispatch transaction.
    static func pendingScans(_ db: Database, server: String, section: String) throws -> [PendingScan] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT * FROM scan_request WHERE server = ? AND section = ? AND status = 'pending'"),
            arguments: [server, section]
        ).map(Self.pendingScan)
    }

    /// Applies the coalescer's decisions inside a dispatch transaction.
    static func apply(
        _ changes: [ScanQueueChange], _ db: Database, eventID: String, rule: String
    ) throws {
        var updates = ""
        for change in changes {
            switch change {
            case .insert(let scan):
                try db.cachedStatement(
                    sql: """
                        INSERT INTO scan_request (server, section, folder, local_folder, first_seen, deadline, max_deadline,
                        priority, event_id, rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(
                    arguments: [
                        scan.server, scan.section, scan.folder, scan.localFolder, scan.firstSeen.timeIntervalSince1970,
                        scan.deadline.timeIntervalSince1970, scan.maxDeadline.timeIntervalSince1970, scan.priority,
                        eventID, rule,
                    ])
            case .update(let scan):
                guard let id = scan.id else { continue }
                updates +=
                    "\(updates.isEmpty ? "[" : ",")[\(id),\(scan.deadline.timeIntervalSince1970),\(scan.priority)]"
            case .delete(let id):
                try db.cachedStatement(sql: "DELETE FROM scan_request WHERE id = ? AND status = 'pending'")
                    .execute(arguments: [id])
            }
        }
        guard !updates.isEmpty else { return }
        // One statement for all updates: a burst's batch slides about a thousand deadlines, and
        // binding and stepping a statement per row was a sixth of dispatch. Only numbers go into
        // the JSON, written by Swift's round-tripping number formatting.
        try db.cachedStatement(
            sql: """
                UPDATE scan_request SET deadline = u.deadline, priority = u.priority
                FROM (SELECT value ->> 0 AS id, value ->> 1 AS deadline, value ->> 2 AS priority FROM json_each(?)) AS u
                WHERE scan_request.id = u.id AND scan_request.status = 'pending'
                """
        ).execute(arguments: [updates + "]"])
    }

    /// The most urgent scan of a server that is due at `now`: highest priority, then earliest deadline.
    public func dueScan(server: String, now: Date) async throws -> ScanJob? {
        try await writer.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM scan_request WHERE server = ? AND status = 'pending'
                    AND MAX(deadline, COALESCE(next_attempt, 0)) <= ?
                    ORDER BY priority DESC, deadline, id LIMIT 1
                    """,
                arguments: [server, now.timeIntervalSince1970]
            ).map { row in
                ScanJob(
                    scan: Self.pendingScan(row), attempts: row["attempts"], gateChecks: row["gate_checks"],
                    eventID: row["event_id"], rule: row["rule"])
            }
        }
    }

    /// When the next pending scan of a server becomes due, if any.
    public func nextScanDate(server: String) async throws -> Date? {
        try await writer.read { db in
            try Double.fetchOne(
                db,
                sql: """
                    SELECT MIN(MAX(deadline, COALESCE(next_attempt, 0))) FROM scan_request
                    WHERE server = ? AND status = 'pending'
                    """,
                arguments: [server]
            ).map(Date.init(timeIntervalSince1970:))
        }
    }

    /// Records the outcome of an attempt.
    public func resolveScan(id: Int64, _ resolution: ScanResolution) async throws {
        try await writer.write { db in
            switch resolution {
            case .issued(let date):
                try db.execute(
                    sql: "UPDATE scan_request SET status = 'done', issued_at = ?, attempts = attempts + 1 WHERE id = ?",
                    arguments: [date.timeIntervalSince1970, id])
            case .retry(let date, let reason):
                try db.execute(
                    sql:
                        "UPDATE scan_request SET next_attempt = ?, last_error = ?, attempts = attempts + 1 WHERE id = ?",
                    arguments: [date.timeIntervalSince1970, reason, id])
            case .failed(let reason):
                try db.execute(
                    sql:
                        "UPDATE scan_request SET status = 'failed', last_error = ?, attempts = attempts + 1 WHERE id = ?",
                    arguments: [reason, id])
            case .gateWait(let date, let reason):
                try db.execute(
                    sql:
                        "UPDATE scan_request SET next_attempt = ?, last_error = ?, gate_checks = gate_checks + 1 WHERE id = ?",
                    arguments: [date.timeIntervalSince1970, reason, id])
            case .unmatched(let reason):
                try db.execute(
                    sql: "UPDATE scan_request SET status = 'unmatched', last_error = ? WHERE id = ?",
                    arguments: [reason, id])
            }
        }
    }

    /// Moves a scan queued without a section into the sections that contain its folder, coalescing
    /// with scans already pending there.
    public func assignSections(_ job: ScanJob, sections: [String], now: Date) async throws {
        try await writer.write { db in
            for section in sections {
                let pending = try Self.pendingScans(db, server: job.scan.server, section: section)
                let spec = ScanActionSpec(
                    wait: .seconds(0), maxWait: .seconds(Int64(max(0, job.scan.maxDeadline.timeIntervalSince(now)))),
                    priority: job.scan.priority)
                var changes = ScanCoalescer.enqueue(
                    server: job.scan.server, section: section, folder: job.scan.folder,
                    localFolder: job.scan.localFolder, spec: spec, now: now, pending: pending)
                // Keep the original sliding deadline rather than making the scan due at once.
                changes = changes.map { change in
                    guard case .insert(var scan) = change else { return change }
                    scan.firstSeen = min(scan.firstSeen, job.scan.firstSeen)
                    scan.deadline = min(job.scan.deadline, scan.maxDeadline)
                    return .insert(scan)
                }
                try Self.apply(changes, db, eventID: job.eventID ?? "", rule: job.rule ?? "")
            }
            if let id = job.scan.id { try db.execute(sql: "DELETE FROM scan_request WHERE id = ?", arguments: [id]) }
        }
    }

    /// Every scan request of a server with its status, newest first (for tests and `herald scans`).
    public func scanRequests(server: String? = nil) async throws -> [(scan: PendingScan, status: String, attempts: Int)]
    {
        try await writer.read { db in
            let rows =
                if let server {
                    try Row.fetchAll(
                        db, sql: "SELECT * FROM scan_request WHERE server = ? ORDER BY id DESC", arguments: [server])
                } else {
                    try Row.fetchAll(db, sql: "SELECT * FROM scan_request ORDER BY id DESC")
                }
            return rows.map { (Self.pendingScan($0), $0["status"], $0["attempts"]) }
        }
    }

    static func pendingScan(_ row: Row) -> PendingScan {
        PendingScan(
            id: row["id"], server: row["server"], section: row["section"], folder: row["folder"],
            localFolder: row["local_folder"],
            firstSeen: Date(timeIntervalSince1970: row["first_seen"]),
            deadline: Date(timeIntervalSince1970: row["deadline"]),
            maxDeadline: Date(timeIntervalSince1970: row["max_deadline"]), priority: row["priority"])
    }
}
