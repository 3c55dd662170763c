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
}

/// One evaluation's result for a subject.
public struct CandidateMatch: Sendable, Equatable {
    public var subject: String
    public var title: String
    public var size: Int64
    public var reason: String

    public init(subject: String, title: String, size: Int64, reason: String) {
        self.subject = subject
        self.title = title
        self.size = size
        self.reason = reason
    }
}

extension AppDatabase {
    /// Records a rule's evaluation in one transaction: new matches are flagged (due after the grace
    /// period), existing ones keep the reason and dates they were flagged with, candidates that no
    /// longer match are unflagged, and candidates whose inputs are unknown this run stay as they are.
    ///
    /// - Returns: The subjects flagged for the first time.
    public func recordCandidates(
        rule: CleanupRule, matches: [CandidateMatch], unknown: Set<String>, now: Date
    ) async throws -> [CandidateMatch] {
        try await writer.write { db in
            let existing = Set(
                try String.fetchAll(db, sql: "SELECT subject FROM candidate WHERE rule = ?", arguments: [rule.name]))
            var flagged: [CandidateMatch] = []
            let time = now.timeIntervalSince1970
            for match in matches {
                if existing.contains(match.subject) {
                    try db.execute(
                        sql: "UPDATE candidate SET title = ?, size = ?, updated_at = ? WHERE rule = ? AND subject = ?",
                        arguments: [match.title, match.size, time, rule.name, match.subject])
                } else {
                    try db.execute(
                        sql: """
                            INSERT INTO candidate (rule, subject, scope, title, size, reason, flagged_at, due_at, updated_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            rule.name, match.subject, rule.scope.rawValue, match.title, match.size, match.reason, time,
                            time + rule.grace.timeInterval, time,
                        ])
                    flagged.append(match)
                }
            }
            let keep = Set(matches.map(\.subject)).union(unknown)
            for subject in existing where !keep.contains(subject) {
                try db.execute(
                    sql: "DELETE FROM candidate WHERE rule = ? AND subject = ?", arguments: [rule.name, subject])
            }
            return flagged
        }
    }

    /// Keeps a subject out of every cleanup rule from now on (`herald candidates keep`): its
    /// candidates are removed at once and it is never flagged again until `unkeep`.
    public func keep(subject: String, note: String?, now: Date) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO candidate_keep (subject, kept_at, note) VALUES (?, ?, ?)",
                arguments: [subject, now.timeIntervalSince1970, note])
            try db.execute(sql: "DELETE FROM candidate WHERE subject = ?", arguments: [subject])
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
                sql: "UPDATE candidate SET due_at = due_at + ? WHERE subject = ?",
                arguments: [delay.timeInterval, subject])
            return db.changesCount > 0
        }
    }

    /// Candidates, soonest due first.
    public func candidates(rule: String? = nil) async throws -> [Candidate] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM candidate \(rule == nil ? "" : "WHERE rule = ?") ORDER BY due_at, title",
                arguments: rule.map { [$0] } ?? []
            ).map {
                Candidate(
                    rule: $0["rule"], subject: $0["subject"], scope: $0["scope"], title: $0["title"], size: $0["size"],
                    reason: $0["reason"], state: $0["state"],
                    flaggedAt: Date(timeIntervalSince1970: $0["flagged_at"]),
                    dueAt: Date(timeIntervalSince1970: $0["due_at"]))
            }
        }
    }
}
