import Foundation
import GRDB
import HeraldCore

/// The record of one archive or delete: written before the first file is touched, finished after
/// the last, so a crash in between is completed at the next start and an archive can be undone.
public struct CleanupActionRecord: Sendable, Equatable {
    /// `started` → `done` (or `failed`); an archive then `restoring` → `restored`.
    public enum State: String, Sendable, CaseIterable {
        case started, done, failed, restoring, restored
    }

    /// One file: where it was, and where the archive put it (nil for a delete).
    public struct FileMove: Sendable, Equatable, Codable {
        public var from: String
        public var to: String?

        public init(from: String, to: String?) {
            self.from = from
            self.to = to
        }
    }

    /// A folder Plex is asked to scan once the files are gone (or back).
    public struct ScanTarget: Sendable, Equatable, Codable {
        public var server: String
        public var section: String
        /// As Plex sees it.
        public var folder: String
        /// As Herald sees it.
        public var localFolder: String

        public init(server: String, section: String, folder: String, localFolder: String) {
            self.server = server
            self.section = section
            self.folder = folder
            self.localFolder = localFolder
        }
    }

    public var id: Int64
    public var rule: String
    public var subject: String
    public var title: String
    public var action: CleanupRule.Action
    public var state: State
    public var files: [FileMove]
    public var scans: [ScanTarget]
    public var size: Int64
    public var reason: String
    public var startedAt: Date
    public var finishedAt: Date?
    public var restoredAt: Date?
    public var error: String?
}

extension AppDatabase {
    /// Claims a due candidate for its action and writes the action's record, in one transaction.
    /// nil when the candidate is no longer leaving soon (someone kept or postponed it meanwhile, or
    /// another pass claimed it).
    public func beginCleanupAction(
        candidate: Candidate, action: CleanupRule.Action, files: [CleanupActionRecord.FileMove],
        scans: [CleanupActionRecord.ScanTarget], now: Date
    ) async throws -> CleanupActionRecord? {
        let filesJSON = try Self.json(files)
        let scansJSON = try Self.json(scans)
        return try await writer.write { db -> CleanupActionRecord? in
            try db.execute(
                sql:
                    "UPDATE candidate SET state = 'acting', updated_at = ? WHERE rule = ? AND subject = ? AND state = 'leaving_soon'",
                arguments: [now.timeIntervalSince1970, candidate.rule, candidate.subject])
            guard db.changesCount == 1 else { return nil }
            try db.execute(
                sql: """
                    INSERT INTO cleanup_action (rule, subject, title, action, state, files, scans, size, reason, started_at)
                    VALUES (?, ?, ?, ?, 'started', ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    candidate.rule, candidate.subject, candidate.title, action.rawValue, filesJSON, scansJSON,
                    candidate.size, candidate.reason, now.timeIntervalSince1970,
                ])
            return CleanupActionRecord(
                id: db.lastInsertedRowID, rule: candidate.rule, subject: candidate.subject, title: candidate.title,
                action: action, state: .started, files: files, scans: scans, size: candidate.size,
                reason: candidate.reason, startedAt: now)
        }
    }

    /// The files are gone (or archived): the record is done, the candidate becomes `archived` or
    /// `deleted`, and the scans of the folders are queued, all in one transaction.
    public func finishCleanupAction(
        _ record: CleanupActionRecord, scanSpec: ScanActionSpec, now: Date
    ) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE cleanup_action SET state = 'done', finished_at = ?, error = NULL WHERE id = ?",
                arguments: [now.timeIntervalSince1970, record.id])
            try db.execute(
                sql: "UPDATE candidate SET state = ?, updated_at = ? WHERE rule = ? AND subject = ?",
                arguments: [
                    record.action == .archive ? "archived" : "deleted", now.timeIntervalSince1970, record.rule,
                    record.subject,
                ])
            try Self.queueScans(record, db: db, spec: scanSpec, now: now)
        }
    }

    /// The action could not be carried out (and what could be put back was): the record says why
    /// and the candidate is leaving soon again, due at `retryAt`.
    public func failCleanupAction(_ record: CleanupActionRecord, error: String, retryAt: Date, now: Date) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE cleanup_action SET state = 'failed', finished_at = ?, error = ? WHERE id = ?",
                arguments: [now.timeIntervalSince1970, error, record.id])
            try db.execute(
                sql: """
                    UPDATE candidate SET state = 'leaving_soon', due_at = ?, updated_at = ?
                    WHERE rule = ? AND subject = ? AND state = 'acting'
                    """,
                arguments: [retryAt.timeIntervalSince1970, now.timeIntervalSince1970, record.rule, record.subject])
        }
    }

    /// Claims an archive for restoring (`done` → `restoring`); nil when it is not a finished archive.
    public func beginRestore(id: Int64) async throws -> CleanupActionRecord? {
        try await writer.write { db -> CleanupActionRecord? in
            try db.execute(
                sql:
                    "UPDATE cleanup_action SET state = 'restoring' WHERE id = ? AND state = 'done' AND action = 'archive'",
                arguments: [id])
            guard db.changesCount == 1 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM cleanup_action WHERE id = ?", arguments: [id])
                .map(Self.cleanupAction)
        }
    }

    /// The files are back: the record is restored, the candidate removed, the subject kept from every
    /// rule (restoring says "I want this"), and the folders queued for scans.
    public func finishRestore(_ record: CleanupActionRecord, scanSpec: ScanActionSpec, now: Date) async throws {
        try await writer.write { db in
            let time = now.timeIntervalSince1970
            try db.execute(
                sql: "UPDATE cleanup_action SET state = 'restored', restored_at = ?, error = NULL WHERE id = ?",
                arguments: [time, record.id])
            try db.execute(
                sql: "DELETE FROM candidate WHERE rule = ? AND subject = ?", arguments: [record.rule, record.subject])
            try db.execute(
                sql: "INSERT OR REPLACE INTO candidate_keep (subject, kept_at, note) VALUES (?, ?, ?)",
                arguments: [record.subject, time, "restored from the archive (action \(record.id))"])
            try Self.queueScans(record, db: db, spec: scanSpec, now: now)
        }
    }

    /// A restore that could not finish: the archive stays `done`, with why.
    public func failRestore(_ record: CleanupActionRecord, error: String) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE cleanup_action SET state = 'done', error = ? WHERE id = ? AND state = 'restoring'",
                arguments: [error, record.id])
        }
    }

    /// Actions and restores a crash left unfinished, oldest first.
    public func unfinishedCleanupActions() async throws -> [CleanupActionRecord] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM cleanup_action WHERE state IN ('started', 'restoring') ORDER BY id"
            ).map(Self.cleanupAction)
        }
    }

    /// Action records, newest first.
    public func cleanupActions(subject: String? = nil, limit: Int = 100) async throws -> [CleanupActionRecord] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT * FROM cleanup_action \(subject == nil ? "" : "WHERE subject = ?") ORDER BY id DESC LIMIT ?",
                arguments: subject.map { [$0, limit] as StatementArguments } ?? [limit]
            ).map(Self.cleanupAction)
        }
    }

    public func cleanupAction(id: Int64) async throws -> CleanupActionRecord? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM cleanup_action WHERE id = ?", arguments: [id])
                .map(Self.cleanupAction)
        }
    }

    private static func queueScans(_ record: CleanupActionRecord, db: Database, spec: ScanActionSpec, now: Date) throws
    {
        let batch = ScanBatch(db)
        for scan in record.scans {
            try batch.enqueue(
                server: scan.server, section: scan.section, folder: scan.folder, localFolder: scan.localFolder,
                spec: spec, now: now, origin: ("cleanup-action-\(record.id)", record.rule))
        }
        try batch.flush()
    }

    private static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    static func cleanupAction(_ row: Row) -> CleanupActionRecord {
        let decoder = JSONDecoder()
        let files = (row["files"] as String?).flatMap {
            try? decoder.decode([CleanupActionRecord.FileMove].self, from: Data($0.utf8))
        }
        let scans = (row["scans"] as String?).flatMap {
            try? decoder.decode([CleanupActionRecord.ScanTarget].self, from: Data($0.utf8))
        }
        return CleanupActionRecord(
            id: row["id"], rule: row["rule"], subject: row["subject"], title: row["title"],
            action: CleanupRule.Action(rawValue: row["action"]) ?? .delete,
            state: CleanupActionRecord.State(rawValue: row["state"]) ?? .failed, files: files ?? [],
            scans: scans ?? [], size: row["size"], reason: row["reason"],
            startedAt: Date(timeIntervalSince1970: row["started_at"]),
            finishedAt: (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            restoredAt: (row["restored_at"] as Double?).map(Date.init(timeIntervalSince1970:)), error: row["error"])
    }
}
