import Foundation
import GRDB
import HeraldCore

/// Which journal entries to list.
public struct EventFilter: Sendable, Equatable {
    /// Only events received at or after this instant.
    public var since: Date?
    public var source: EventSource?
    /// Exact kind, or a prefix ending in `*` (`sonarr.*`).
    public var kind: String?
    /// Only entries after this sequence number, oldest first: paging forward (and `--follow`).
    public var afterSequence: Int64?
    /// Only entries before this sequence number, newest first: paging back.
    public var beforeSequence: Int64?
    public var limit: Int

    public init(
        since: Date? = nil, source: EventSource? = nil, kind: String? = nil, afterSequence: Int64? = nil,
        beforeSequence: Int64? = nil, limit: Int = 50
    ) {
        self.since = since
        self.source = source
        self.kind = kind
        self.afterSequence = afterSequence
        self.beforeSequence = beforeSequence
        self.limit = limit
    }

    /// Whether entries come oldest first (a page forward from `afterSequence`).
    public var ascending: Bool { afterSequence != nil }
}

extension AppDatabase {
    /// Inserts events in one transaction (one commit, one fsync) and returns their sequence numbers.
    public func appendEvents(_ events: [Event]) async throws -> [Int64] {
        try durability.check()
        return try await writer.write { db in try EventRecord.insert(events, db) }
    }

    /// `appendEvents` for a thread that may block: the transaction runs on the calling thread, with
    /// no hop to another thread and back (the journal writer's own thread uses this).
    public func appendEventsBlocking<Events: Collection<Event>>(_ events: Events) throws -> [Int64] {
        try durability.check()
        return try writer.write { db in try EventRecord.insert(events, db) }
    }

    /// The poster Plex attached to an event, if it was kept.
    public func thumb(eventID: String) async throws -> Data? {
        try await writer.read { db in
            // `thumb IS NOT NULL` lets SQLite use the partial index of posters (migration v16).
            try Data.fetchOne(
                db, sql: "SELECT thumb FROM event WHERE id = ? AND thumb IS NOT NULL", arguments: [eventID])
        }
    }

    /// Drops kept posters older than `age` (notifications that could still use them have expired by then).
    public func prunePosters(olderThan age: Duration, now: Date) async throws -> Int {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE event SET thumb = NULL WHERE thumb IS NOT NULL AND received_at < ?",
                arguments: [now.timeIntervalSince1970 - age.timeInterval])
            return db.changesCount
        }
    }

    /// Lists journal entries matching a filter: newest first, or oldest first after a cursor
    /// (`EventFilter.ascending`), so a page never skips the entries next to its cursor.
    public func events(matching filter: EventFilter) async throws -> [JournalEntry] {
        try await writer.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let since = filter.since {
                let time = since.timeIntervalSince1970
                conditions.append("sequence >= ? AND received_at >= ?")
                arguments += [try Self.firstSequence(receivedAtOrAfter: time, db), time]
            }
            if let source = filter.source {
                conditions.append("source = ?")
                arguments += [source.rawValue]
            }
            if let kind = filter.kind {
                if kind.hasSuffix("*") {
                    conditions.append("kind LIKE ? ESCAPE '\\'")
                    arguments += [Self.likePrefix(String(kind.dropLast()))]
                } else {
                    conditions.append("kind = ?")
                    arguments += [kind]
                }
            }
            if let after = filter.afterSequence {
                conditions.append("sequence > ?")
                arguments += [after]
            }
            if let before = filter.beforeSequence {
                conditions.append("sequence < ?")
                arguments += [before]
            }
            arguments += [filter.limit]
            let sql =
                "SELECT *, \(Self.dispatchedAtColumn), \(Self.dispatchFailureColumn) FROM event"
                + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
                + " ORDER BY sequence \(filter.ascending ? "ASC" : "DESC") LIMIT ?"
            return try EventRecord.fetchAll(db, sql: sql, arguments: arguments).map { try $0.entry() }
        }
    }

    /// The first sequence number whose event was received at or after `time` (one past the last
    /// event when none was), by bisection: events are journalled as they arrive, so their receipt
    /// times rise with their sequence numbers, and each probe is one seek by sequence. It keeps
    /// time filters fast without an index on the receipt time, which every webhook would pay for.
    /// (Should the clock ever step back, events from before the step that are near the boundary
    /// may be left out.)
    static func firstSequence(receivedAtOrAfter time: Double, _ db: Database) throws -> Int64 {
        guard let first = try Int64.fetchOne(db, sql: "SELECT MIN(sequence) FROM event"),
            let last = try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM event")
        else { return 1 }
        // The answer is in low...high; a missing sequence counts as the next one that exists.
        var low = first
        var high = last + 1
        while low < high {
            let middle = low + (high - low) / 2
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT sequence, received_at FROM event WHERE sequence >= ? ORDER BY sequence LIMIT 1",
                    arguments: [middle])
            else {
                high = middle
                continue
            }
            let sequence: Int64 = row[0]
            let receivedAt: Double = row[1]
            if receivedAt >= time { high = middle } else { low = sequence + 1 }
        }
        return low
    }

    /// An event's dispatch time: that of the first dispatch whose last sequence reaches it.
    static let dispatchedAtColumn = """
        (SELECT dispatched_at FROM event_dispatch WHERE last_sequence >= event.sequence
        ORDER BY last_sequence LIMIT 1) AS dispatched_at
        """

    /// Why the dispatcher gave up on an event, if it did.
    static let dispatchFailureColumn = """
        (SELECT reason FROM event_failure WHERE event_failure.sequence = event.sequence) AS dispatch_failure
        """

    /// The next event the dispatcher will hand over, if any is pending.
    public func nextPendingSequence() async throws -> Int64? {
        try await writer.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT MIN(sequence) FROM event WHERE sequence > ?",
                arguments: [try Self.dispatchedThrough(db)])
        }
    }

    /// Gives up on the next pending event, whose consequences could not be recorded: records why,
    /// marks it dispatched so the events behind it go on, and journals `herald.dispatch.failed`
    /// naming it, all in one transaction.
    ///
    /// - Returns: false when `sequence` is no longer the next pending event (nothing is changed).
    public func isolateFailedEvent(sequence: Int64, reason: String, now: Date) async throws -> Bool {
        try await writer.write { db in
            let next = try Int64.fetchOne(
                db, sql: "SELECT MIN(sequence) FROM event WHERE sequence > ?",
                arguments: [try Self.dispatchedThrough(db)])
            guard next == sequence else { return false }
            let kind = try String.fetchOne(db, sql: "SELECT kind FROM event WHERE sequence = ?", arguments: [sequence])
            try db.execute(
                sql: "INSERT INTO event_failure (sequence, reason, failed_at) VALUES (?, ?, ?)",
                arguments: [sequence, reason, now.timeIntervalSince1970])
            try db.execute(
                sql: "INSERT INTO event_dispatch (last_sequence, dispatched_at) VALUES (?, ?)",
                arguments: [sequence, now.timeIntervalSince1970])
            let notice = Event(
                receivedAt: now, source: .herald, kind: "herald.dispatch.failed",
                raw: Data(
                    JSONText.object([
                        "event_sequence": String(sequence), "event_kind": JSONText.string(kind ?? ""),
                        "reason": JSONText.string(reason),
                    ]).utf8))
            _ = try EventRecord.insert([notice], db)
            return true
        }
    }

    /// The last dispatched sequence (0 before the first dispatch): every event up to it is dispatched.
    static func dispatchedThrough(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(last_sequence) FROM event_dispatch")) ?? 0
    }

    /// Number of events in the journal (optionally only those not yet dispatched).
    public func eventCount(pendingOnly: Bool = false) async throws -> Int {
        try await writer.read { db in
            let after = pendingOnly ? try Self.dispatchedThrough(db) : 0
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event WHERE sequence > ?", arguments: [after]) ?? 0
        }
    }

    /// Hands the oldest undispatched events to `handle` and records the work it returns and the
    /// dispatched mark in one transaction: they commit together or not at all.
    /// The mark is one `event_dispatch` row naming the batch's last sequence (events are
    /// dispatched in order, so it covers every one before it).
    ///
    /// The transaction is committed without an fsync of its own (`relaxedWrite`): the events were
    /// fsynced when they arrived, so a power loss can only undo whole dispatches, whose events are
    /// then dispatched again (scans and notifications are at-least-once already). The next
    /// fsynced commit on the journal, usually milliseconds later, makes them durable too.
    ///
    /// - Parameters:
    ///   - cached: Events the journal still holds in memory, by sequence; others are read back.
    ///   - handle: Decides the consequences; nil when there is nothing to evaluate (no rules), in
    ///     which case events are marked without being read.
    /// - Returns: How many events were dispatched (0 when the journal is drained) and the last one's sequence.
    public func dispatchPending(
        limit: Int,
        now: Date = Date(),
        cached: @escaping @Sendable (Int64) -> Event? = { _ in nil },
        _ handle: DispatchHandler?
    ) async throws -> (count: Int, last: Int64) {
        try await relaxedWrite { db in
            let sequences = try Int64.fetchAll(
                db.cachedStatement(sql: "SELECT sequence FROM event WHERE sequence > ? ORDER BY sequence LIMIT ?"),
                arguments: [try Self.dispatchedThrough(db), limit])
            guard let last = sequences.last else { return (0, 0) }
            if let handle {
                var entries: [JournalEntry] = []
                entries.reserveCapacity(sequences.count)
                var missing: [Int64] = []
                for sequence in sequences {
                    if let event = cached(sequence) {
                        entries.append(JournalEntry(sequence: sequence, event: event, dispatchedAt: nil))
                    } else {
                        missing.append(sequence)
                    }
                }
                if !missing.isEmpty {
                    entries += try EventRecord.fetchAll(
                        db,
                        sql: "SELECT * FROM event WHERE sequence IN (\(databaseQuestionMarks(count: missing.count)))",
                        arguments: StatementArguments(missing)
                    ).map { try $0.entry() }
                    entries.sort { $0.sequence < $1.sequence }
                }
                try Self.record(handle(entries), db)
            }
            try db.cachedStatement(sql: "INSERT INTO event_dispatch (last_sequence, dispatched_at) VALUES (?, ?)")
                .execute(arguments: [last, now.timeIntervalSince1970])
            return (sequences.count, last)
        }
    }

    private static func likePrefix(_ prefix: String) -> String {
        prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }
}
