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
    /// Only entries after this sequence number (for `--follow`).
    public var afterSequence: Int64?
    public var limit: Int

    public init(
        since: Date? = nil, source: EventSource? = nil, kind: String? = nil, afterSequence: Int64? = nil,
        limit: Int = 50
    ) {
        self.since = since
        self.source = source
        self.kind = kind
        self.afterSequence = afterSequence
        self.limit = limit
    }
}

/// Writes the consequences of a batch of events inside the transaction that marks them dispatched.
public typealias DispatchHandler = @Sendable (Database, [JournalEntry]) throws -> Void

extension AppDatabase {
    /// Inserts events in one transaction (one commit, one fsync) and returns their sequence numbers.
    public func appendEvents(_ events: [Event]) async throws -> [Int64] {
        let rows: [StatementArguments] = events.map { event in
            [
                event.id, event.receivedAt.timeIntervalSince1970, event.source.rawValue, event.kind,
                JSONText.array(event.paths), JSONText.array(event.previousPaths),
                event.media.jsonText, event.user, event.player,
                event.ignoredReason, event.endpoint, event.raw, event.thumb,
            ]
        }
        return try await writer.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO event (id, received_at, source, kind, paths, previous_paths, media, user, player,
                    ignored_reason, endpoint, raw, thumb) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            return try rows.map { arguments in
                try statement.execute(arguments: arguments)
                return db.lastInsertedRowID
            }
        }
    }

    /// The poster Plex attached to an event, if it was kept.
    public func thumb(eventID: String) async throws -> Data? {
        try await writer.read { db in
            try Data.fetchOne(db, sql: "SELECT thumb FROM event WHERE id = ?", arguments: [eventID])
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

    /// Lists journal entries matching a filter, newest first.
    public func events(matching filter: EventFilter) async throws -> [JournalEntry] {
        try await writer.read { db in
            var request = EventRecord.all()
            if let since = filter.since {
                request = request.filter(Column("received_at") >= since.timeIntervalSince1970)
            }
            if let source = filter.source { request = request.filter(Column("source") == source.rawValue) }
            if let kind = filter.kind {
                if kind.hasSuffix("*") {
                    request = request.filter(
                        Column("kind").like(Self.likePrefix(String(kind.dropLast())), escape: "\\"))
                } else {
                    request = request.filter(Column("kind") == kind)
                }
            }
            if let after = filter.afterSequence { request = request.filter(Column("sequence") > after) }
            return try request.order(Column("sequence").desc).limit(filter.limit).fetchAll(db).map { try $0.entry() }
        }
    }

    /// Number of events in the journal (optionally only those not yet dispatched).
    public func eventCount(pendingOnly: Bool = false) async throws -> Int {
        try await writer.read { db in
            pendingOnly
                ? try EventRecord.filter(Column("dispatched_at") == nil).fetchCount(db) : try EventRecord.fetchCount(db)
        }
    }

    /// Hands the oldest undispatched events to `handle` and marks them dispatched, all in one
    /// transaction: the consequences `handle` writes and the dispatched mark commit together or not at all.
    ///
    /// The transaction is committed without an fsync of its own (`relaxedWrite`): the events were
    /// fsynced when they arrived, so a power loss can only undo whole dispatches, whose events are
    /// then dispatched again (scans and notifications are at-least-once already). The next
    /// fsynced commit on the journal, usually milliseconds later, makes them durable too.
    ///
    /// - Parameters:
    ///   - cached: Events the journal still holds in memory, by sequence; others are read back.
    ///   - handle: Records the consequences; nil when there is nothing to evaluate (no rules), in
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
                db, sql: "SELECT sequence FROM event WHERE dispatched_at IS NULL ORDER BY sequence LIMIT ?",
                arguments: [limit])
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
                    entries += try EventRecord.filter(missing.contains(Column("sequence"))).fetchAll(db).map {
                        try $0.entry()
                    }
                    entries.sort { $0.sequence < $1.sequence }
                }
                try handle(db, entries)
            }
            try db.execute(
                sql: "UPDATE event SET dispatched_at = ? WHERE dispatched_at IS NULL AND sequence <= ?",
                arguments: [now.timeIntervalSince1970, last])
            return (sequences.count, last)
        }
    }

    private static func likePrefix(_ prefix: String) -> String {
        prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }
}
