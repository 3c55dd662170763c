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
        let records = try events.map(EventRecord.init)
        return try await writer.write { db in
            try records.map { record in
                var record = record
                try record.insert(db)
                return record.sequence ?? -1
            }
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
    /// - Returns: How many events were dispatched (0 when the journal is drained).
    public func dispatchPending(
        limit: Int,
        now: Date = Date(),
        _ handle: @escaping DispatchHandler
    ) async throws -> Int {
        try await writer.write { db in
            let records = try EventRecord.filter(Column("dispatched_at") == nil)
                .order(Column("sequence")).limit(limit).fetchAll(db)
            guard let last = records.last?.sequence else { return 0 }
            try handle(db, try records.map { try $0.entry() })
            try db.execute(
                sql: "UPDATE event SET dispatched_at = ? WHERE dispatched_at IS NULL AND sequence <= ?",
                arguments: [now.timeIntervalSince1970, last])
            return records.count
        }
    }

    private static func likePrefix(_ prefix: String) -> String {
        prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }
}
