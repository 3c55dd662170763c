import Foundation
import GRDB
import HeraldCore

/// An item (or show, or season) a cleanup rule matches.
public struct Candidate: Sendable, Equatable {
    public var rule: String
    /// What matched: `guid@section` for a movie or episode, the show's or season's GUID for a group.
    public var subject: String
    public var scope: String
    public var title: String
    public var size: Int64
    /// Why it matched, when it started matching (the evaluator's trace).
    public var reason: String
    public var state: String
    public var flaggedAt: Date
    /// When the grace period ends.
    public var dueAt: Date
    /// When a person approved it, if anyone did.
    public var approvedAt: Date?
    /// When Plex added the item (the earliest episode of a show or season), for its age.
    public var addedAt: Date?
}

/// One evaluation's result for a subject.
public struct CandidateMatch: Sendable, Equatable {
    public var subject: String
    public var title: String
    public var size: Int64
    public var reason: String
    /// When Plex added it (the earliest episode of a show or season).
    public var addedAt: Date?

    public init(subject: String, title: String, size: Int64, reason: String, addedAt: Date? = nil) {
        self.subject = subject
        self.title = title
        self.size = size
        self.reason = reason
        self.addedAt = addedAt
    }
}

/// What one evaluation changed.
public struct CandidateChanges: Sendable, Equatable {
    /// Subjects matched for the first time (by a dry-run or a live rule).
    public var flagged: [CandidateMatch] = []
    /// Subjects whose grace period started now: new matches of a live rule, and candidates a rule
    /// flagged while it was a dry run (their grace starts when the rule goes live, never earlier).
    public var leavingSoon: [CandidateMatch] = []
    /// Subjects that no longer match and were removed.
    public var unflagged: [String] = []

    public init() {}
}

extension AppDatabase {
    /// Records a rule's evaluation in one transaction: new matches are flagged (a live rule's are
    /// leaving soon, due after the grace period), existing ones keep the reason and dates they were
    /// flagged with, candidates that no longer match are unflagged, and candidates whose inputs
    /// are unknown this run stay as they are. Candidates being acted on, archived or deleted are
    /// history and left alone.
    public func recordCandidates(
        rule: CleanupRule, matches: [CandidateMatch], unknown: Set<String>, now: Date
    ) async throws -> CandidateChanges {
        try await writer.write { db in
            var existing: [String: CandidateState] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT subject, state FROM candidate WHERE rule = ?", arguments: [rule.name])
            {
                existing[row["subject"]] = CandidateState(rawValue: row["state"]) ?? .acting
            }
            var changes = CandidateChanges()
            let time = now.timeIntervalSince1970
            let openState: CandidateState = rule.dryRun ? .flagged : .leavingSoon
            for match in matches {
                switch existing[match.subject] {
                case nil:
                    try db.execute(
                        sql: """
                            INSERT INTO candidate (rule, subject, scope, title, size, reason, state, flagged_at, due_at,
                            updated_at, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            rule.name, match.subject, rule.scope.rawValue, match.title, match.size, match.reason,
                            openState.rawValue, time, time + rule.grace.timeInterval, time,
                            match.addedAt?.timeIntervalSince1970,
                        ])
                    changes.flagged.append(match)
                    if openState == .leavingSoon { changes.leavingSoon.append(match) }
                case .flagged? where openState == .leavingSoon:
                    // The rule went live: the warning goes out now and the full grace period follows.
                    try db.execute(
                        sql: """
                            UPDATE candidate SET title = ?, size = ?, state = 'leaving_soon', due_at = ?, updated_at = ?
                            WHERE rule = ? AND subject = ?
                            """,
                        arguments: [
                            match.title, match.size, time + rule.grace.timeInterval, time, rule.name, match.subject,
                        ])
                    changes.leavingSoon.append(match)
                case let state? where state.isOpen:
                    try db.execute(
                        sql: """
                            UPDATE candidate SET title = ?, size = ?, state = ?, updated_at = ?
                            WHERE rule = ? AND subject = ?
                            """,
                        arguments: [match.title, match.size, openState.rawValue, time, rule.name, match.subject])
                default:
                    continue
                }
            }
            let keep = Set(matches.map(\.subject)).union(unknown)
            for (subject, state) in existing where state.isOpen && !keep.contains(subject) {
                try db.execute(
                    sql: "DELETE FROM candidate WHERE rule = ? AND subject = ?", arguments: [rule.name, subject])
                changes.unflagged.append(subject)
            }
            changes.unflagged.sort()
            return changes
        }
    }

    /// Removes one open candidate (it stopped matching at action time).
    public func unflag(rule: String, subject: String) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "DELETE FROM candidate WHERE rule = ? AND subject = ? AND state IN ('flagged', 'leaving_soon')",
                arguments: [rule, subject])
        }
    }

    /// Makes an open candidate due again at `date` (its action could not be carried out now).
    public func reschedule(rule: String, subject: String, dueAt date: Date) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE candidate SET due_at = ? WHERE rule = ? AND subject = ? AND state IN ('flagged', 'leaving_soon')
                    """,
                arguments: [date.timeIntervalSince1970, rule, subject])
        }
    }

    /// A person's go-ahead: the candidate is due now (the rest of its grace is skipped) and a rule
    /// with `require_approval` may act on it. False when no open candidate has this subject.
    public func approve(subject: String, now: Date) async throws -> Bool {
        try await writer.write { db in
            let time = now.timeIntervalSince1970
            try db.execute(
                sql: """
                    UPDATE candidate SET approved_at = ?, due_at = min(due_at, ?)
                    WHERE subject = ? AND state IN ('flagged', 'leaving_soon')
                    """,
                arguments: [time, time, subject])
            return db.changesCount > 0
        }
    }

    /// A live rule's candidates whose grace period is over, soonest due first.
    public func dueCandidates(rule: String, now: Date) async throws -> [Candidate] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM candidate WHERE rule = ? AND state = 'leaving_soon' AND due_at <= ?
                    ORDER BY due_at, subject
                    """,
                arguments: [rule, now.timeIntervalSince1970]
            ).map(Self.candidate)
        }
    }

    /// Keeps a subject out of every cleanup rule from now on (`herald candidates keep`): its
    /// candidates are removed at once and it is never flagged again until `unkeep`.
    public func keep(subject: String, note: String?, now: Date) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO candidate_keep (subject, kept_at, note) VALUES (?, ?, ?)",
                arguments: [subject, now.timeIntervalSince1970, note])
            try db.execute(
                sql: "DELETE FROM candidate WHERE subject = ? AND state IN ('flagged', 'leaving_soon')",
                arguments: [subject])
            return db.changesCount > 0
        }
    }

    /// The subjects kept by people (`keep`).
    public func keptSubjects() async throws -> Set<String> {
        try await writer.read { db in Set(try String.fetchAll(db, sql: "SELECT subject FROM candidate_keep")) }
    }

    /// Moves a candidate's due date later; false when there is no such candidate.
    public func postpone(subject: String, by delay: Duration) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE candidate SET due_at = due_at + ? WHERE subject = ? AND state IN ('flagged', 'leaving_soon')
                    """,
                arguments: [delay.timeInterval, subject])
            return db.changesCount > 0
        }
    }

    /// Candidates, soonest due first.
    public func candidates(rule: String? = nil, state: String? = nil) async throws -> [Candidate] {
        var filters: [String] = []
        var arguments = StatementArguments()
        if let rule {
            filters.append("rule = ?")
            arguments += [rule]
        }
        if let state {
            filters.append("state = ?")
            arguments += [state]
        }
        let filter = filters.isEmpty ? "" : "WHERE " + filters.joined(separator: " AND ")
        return try await writer.read { [arguments] db in
            try Row.fetchAll(db, sql: "SELECT * FROM candidate \(filter) ORDER BY due_at, title", arguments: arguments)
                .map(Self.candidate)
        }
    }

    static func candidate(_ row: Row) -> Candidate {
        Candidate(
            rule: row["rule"], subject: row["subject"], scope: row["scope"], title: row["title"], size: row["size"],
            reason: row["reason"], state: row["state"], flaggedAt: Date(timeIntervalSince1970: row["flagged_at"]),
            dueAt: Date(timeIntervalSince1970: row["due_at"]),
            approvedAt: (row["approved_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            addedAt: (row["added_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }
}
