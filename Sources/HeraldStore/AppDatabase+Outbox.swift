import Foundation
import GRDB
import HeraldCore

/// One row of the notification outbox.
public struct Delivery: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Waiting for its time (the end of its group window), its lane, or a retry.
        case pending
        /// Being sent right now; a crash leaves it here and the next start puts it back to pending.
        case sending
        case sent
        /// Failed permanently (or its channel was disabled); `herald deliveries retry` sends it again.
        case dead
        /// Not delivered before its TTL ran out.
        case expired
    }

    public var id: Int64
    /// The idempotency key: `event/rule/channel` of the event that opened it.
    public var key: String
    public var channel: String
    public var rule: String
    public var eventID: String
    public var template: String
    public var severity: Severity
    public var groupKey: String?
    /// The items as stored (JSON): identical for every channel of a fan-out, so renderers can use
    /// it as a cache key and decode only once.
    public var itemsJSON: String
    /// The events behind the message (one, or a group).
    public var items: [NotificationItem] { (try? AppDatabase.decodeItems(itemsJSON)) ?? [] }
    public var createdAt: Date
    public var dueAt: Date
    public var expiresAt: Date
    public var state: State
    public var attempts: Int
    public var partsSent: Int
    public var lastError: String?
    public var finishedAt: Date?
}

/// What happened to a `notify` action's message at dispatch.
public enum EnqueueOutcome: Sendable, Equatable {
    /// A new outbox row.
    case queued
    /// Added to an open group's row.
    case grouped
    /// Dropped: the same key was sent within the cooldown.
    case suppressed
    /// Below the channel's severity floor.
    case belowFloor
}

/// A channel's persisted delivery state.
public struct ChannelState: Sendable, Equatable {
    public var fingerprint: String
    /// The lane waits until then (a backoff or the service's `Retry-After`), across restarts too.
    public var blockedUntil: Date?
    /// Set when the service said the target is gone; cleared when the channel's target changes.
    public var disabledReason: String?
    /// A Telegram chat id that replaced the configured one.
    public var telegramChat: String?

    public init(
        fingerprint: String, blockedUntil: Date? = nil, disabledReason: String? = nil, telegramChat: String? = nil
    ) {
        self.fingerprint = fingerprint
        self.blockedUntil = blockedUntil
        self.disabledReason = disabledReason
        self.telegramChat = telegramChat
    }
}

/// How a send attempt is recorded.
public enum DeliveryResolution: Sendable, Equatable {
    case sent(at: Date)
    /// Back to pending; the lane is blocked until `until`.
    case retry(until: Date, partsSent: Int, reason: String)
    case dead(at: Date, reason: String)
    case expired(at: Date)
}

extension AppDatabase {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()
    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    public static func decodeItems(_ json: String) throws -> [NotificationItem] {
        try decoder.decode([NotificationItem].self, from: Data(json.utf8))
    }

    /// The stored form of a delivery's items.
    public static func encodeItems(_ items: [NotificationItem]) throws -> String {
        String(decoding: try encoder.encode(items), as: UTF8.self)
    }

    /// Records a `notify` action's message inside the dispatch transaction: joins an open group,
    /// is dropped by a cooldown, or becomes a new row (once per event, rule and channel).
    ///
    /// - Parameter encoded: `encodeItems([item])`, when the caller enqueues the same item for several
    ///   channels (encoding once per event, not once per channel).
    static func enqueueNotification(
        _ db: Database, item: NotificationItem, channel: ChannelSettings, spec: NotifyActionSpec, rule: String,
        template: String, severity: Severity, now: Date, encoded: String? = nil
    ) throws -> EnqueueOutcome {
        guard severity >= channel.minimumSeverity else { return .belowFloor }
        let groupKey = item.groupKey(spec.groupBy)
        if let groupKey,
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT id, items, created_at, due_at, expires_at FROM delivery WHERE channel = ? AND rule = ?
                        AND group_key = ? AND state = 'pending' AND due_at > ? ORDER BY id DESC LIMIT 1
                        """), arguments: [channel.name, rule, groupKey, now.timeIntervalSince1970])
        {
            var items = try decoder.decode([NotificationItem].self, from: Data((row["items"] as String).utf8))
            guard !items.contains(where: { $0.eventID == item.eventID }) else { return .grouped }
            items.append(item)
            // The window slides with each new event (an import that takes a while stays one message),
            // up to four windows after the first event.
            let created: Double = row["created_at"]
            let due: Double = row["due_at"]
            let slid = max(
                due, min(now.timeIntervalSince1970 + spec.window.timeInterval, created + 4 * spec.window.timeInterval))
            let expires: Double = row["expires_at"]
            try db.cachedStatement(sql: "UPDATE delivery SET items = ?, due_at = ?, expires_at = ? WHERE id = ?")
                .execute(
                    arguments: [
                        String(decoding: try encoder.encode(items), as: UTF8.self), slid, expires + (slid - due),
                        row["id"] as Int64,
                    ])
            return .grouped
        }
        let cooldownKey = groupKey ?? item.cooldownKey
        if let cooldown = spec.cooldown,
            try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT 1 FROM delivery WHERE channel = ? AND rule = ? AND cooldown_key = ? AND created_at > ?
                        AND state IN ('pending', 'sending', 'sent') LIMIT 1
                        """),
                arguments: [channel.name, rule, cooldownKey, now.timeIntervalSince1970 - cooldown.timeInterval]) != nil
        {
            return .suppressed
        }
        let due = groupKey == nil ? now : now.addingTimeInterval(spec.window.timeInterval)
        let ttl = spec.ttl ?? channel.ttl
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO delivery (key, channel, rule, event_id, template, severity, group_key, cooldown_key,
                items, created_at, due_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            "\(item.eventID)/\(rule)/\(channel.name)", channel.name, rule, item.eventID, template, severity.rawValue,
            groupKey, cooldownKey, try encoded ?? encodeItems([item]),
            now.timeIntervalSince1970, due.timeIntervalSince1970, due.timeIntervalSince1970 + ttl.timeInterval,
        ])
        return .queued
    }

    /// A lane's one write per turn: records the outcomes of the last batch, expires what ran out
    /// of time, and claims the next messages due at `now` (oldest first: order is kept within a
    /// channel), marking them `sending` and counting the attempt.
    ///
    /// This bookkeeping is committed without fsync (SQLite `synchronous = NORMAL`): it survives a
    /// crash of the process, and a power loss can at worst undo the last records, which sends those
    /// messages again (at-least-once holds). The messages themselves were written, fsynced, by the
    /// dispatch transaction.
    ///
    /// - Parameters:
    ///   - resolutions: Outcomes of the previous batch; a retry also blocks the lane until its time.
    ///   - unsent: Rows claimed by the previous batch but not attempted: back to pending untouched.
    ///   - claim: How many to claim (0 to only record).
    ///   - failuresOnly: During quiet hours in `hold` mode only failures go out.
    public func cycleDeliveries(
        channel: String, resolutions: [(id: Int64, resolution: DeliveryResolution)] = [], unsent: [Int64] = [],
        claim limit: Int, now: Date, failuresOnly: Bool = false
    ) async throws -> (expired: [Delivery], claimed: [Delivery], nextDue: Date?) {
        try await relaxedWrite { db in
            var result: (expired: [Delivery], claimed: [Delivery], nextDue: Date?) = ([], [], nil)
            try Self.record(db, resolutions: resolutions, unsent: unsent, channel: channel)
            guard limit > 0 else { return result }
            let time = now.timeIntervalSince1970
            result.expired = try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT * FROM delivery WHERE channel = ? AND state = 'pending' AND expires_at <= ?"),
                arguments: [channel, time]
            ).map(Self.delivery)
            for row in result.expired {
                try db.cachedStatement(sql: "UPDATE delivery SET state = 'expired', finished_at = ? WHERE id = ?")
                    .execute(arguments: [time, row.id])
            }
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM delivery WHERE channel = ? AND state = 'pending' AND due_at <= ?
                        \(failuresOnly ? "AND severity = 'failure'" : "") ORDER BY due_at, id LIMIT ?
                        """), arguments: [channel, time, limit]
            ).map(Self.delivery)
            for row in rows {
                try db.cachedStatement(
                    sql: "UPDATE delivery SET state = 'sending', attempts = attempts + 1 WHERE id = ?"
                ).execute(arguments: [row.id])
            }
            result.claimed = rows.map { row in
                var row = row
                row.state = .sending
                row.attempts += 1
                return row
            }
            if rows.count < limit {
                // Nothing else is due now: say when something will be, so the lane can sleep until then.
                result.nextDue = try Double.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT MIN(due_at) FROM delivery WHERE channel = ? AND state = 'pending'"),
                    arguments: [channel]
                ).map(Date.init(timeIntervalSince1970:))
            }
            return result
        }
    }

    private static func record(
        _ db: Database, resolutions: [(id: Int64, resolution: DeliveryResolution)], unsent: [Int64], channel: String
    ) throws {
        for (id, resolution) in resolutions {
            switch resolution {
            case .sent(let at):
                try db.cachedStatement(
                    sql: "UPDATE delivery SET state = 'sent', finished_at = ?, last_error = NULL WHERE id = ?"
                ).execute(arguments: [at.timeIntervalSince1970, id])
            case .retry(let until, let parts, let reason):
                try db.execute(
                    sql: "UPDATE delivery SET state = 'pending', parts_sent = ?, last_error = ? WHERE id = ?",
                    arguments: [parts, reason, id])
                try db.execute(
                    sql: "UPDATE notify_channel SET blocked_until = ? WHERE name = ?",
                    arguments: [until.timeIntervalSince1970, channel])
            case .dead(let at, let reason):
                try db.execute(
                    sql: "UPDATE delivery SET state = 'dead', finished_at = ?, last_error = ? WHERE id = ?",
                    arguments: [at.timeIntervalSince1970, reason, id])
            case .expired(let at):
                try db.execute(
                    sql: "UPDATE delivery SET state = 'expired', finished_at = ? WHERE id = ?",
                    arguments: [at.timeIntervalSince1970, id])
            }
        }
        for id in unsent {
            try db.execute(
                sql: "UPDATE delivery SET state = 'pending', attempts = attempts - 1 WHERE id = ?", arguments: [id])
        }
    }

    /// Puts messages a crash left in `sending` back to pending; returns how many.
    public func resetInterruptedDeliveries() async throws -> Int {
        try await writer.write { db in
            try db.execute(sql: "UPDATE delivery SET state = 'pending' WHERE state = 'sending'")
            return db.changesCount
        }
    }

    /// Marks every pending message of a disabled channel dead; returns how many.
    public func killPendingDeliveries(channel: String, reason: String, now: Date) async throws -> Int {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE delivery SET state = 'dead', finished_at = ?, last_error = ? WHERE channel = ?
                    AND state IN ('pending', 'sending')
                    """, arguments: [now.timeIntervalSince1970, reason, channel])
            return db.changesCount
        }
    }

    /// The channel's stored state, created (or re-enabled) when its target changed.
    public func channelState(name: String, fingerprint: String) async throws -> ChannelState {
        try await writer.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM notify_channel WHERE name = ?", arguments: [name]),
                row["fingerprint"] as String == fingerprint
            {
                return ChannelState(
                    fingerprint: fingerprint,
                    blockedUntil: (row["blocked_until"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    disabledReason: row["disabled_reason"], telegramChat: row["telegram_chat"])
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO notify_channel (name, fingerprint) VALUES (?, ?)",
                arguments: [name, fingerprint])
            return ChannelState(fingerprint: fingerprint)
        }
    }

    public func saveChannelState(name: String, _ state: ChannelState) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO notify_channel (name, fingerprint, blocked_until, disabled_reason, telegram_chat)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    name, state.fingerprint, state.blockedUntil?.timeIntervalSince1970, state.disabledReason,
                    state.telegramChat,
                ])
        }
    }

    /// Outbox rows, newest first, optionally filtered.
    public func deliveries(
        state: Delivery.State? = nil, channel: String? = nil, limit: Int = 100
    ) async throws
        -> [Delivery]
    {
        try await writer.read { db in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let state {
                conditions.append("state = ?")
                arguments.append(state.rawValue)
            }
            if let channel {
                conditions.append("channel = ?")
                arguments.append(channel)
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments.append(limit)
            return try Row.fetchAll(
                db, sql: "SELECT * FROM delivery \(filter) ORDER BY id DESC LIMIT ?",
                arguments: StatementArguments(arguments)
            ).map(Self.delivery)
        }
    }

    public func delivery(id: Int64) async throws -> Delivery? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM delivery WHERE id = ?", arguments: [id]).map(Self.delivery)
        }
    }

    /// Sends a dead or expired message again (a manual replay): pending now, with a fresh TTL.
    public func replayDelivery(id: Int64, now: Date, ttl: Duration) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE delivery SET state = 'pending', attempts = 0, parts_sent = 0, due_at = ?, expires_at = ?,
                    finished_at = NULL WHERE id = ? AND state IN ('dead', 'expired')
                    """, arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970 + ttl.timeInterval, id])
            return db.changesCount > 0
        }
    }

    /// Per channel: pending messages and the creation time of the oldest (for metrics).
    public func outboxDepth() async throws -> [String: (pending: Int, oldest: Date?)] {
        try await writer.read { db in
            var depth: [String: (Int, Date?)] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT channel, COUNT(*) AS pending, MIN(created_at) AS oldest FROM delivery
                    WHERE state IN ('pending', 'sending') GROUP BY channel
                    """)
            {
                depth[row["channel"]] = (
                    row["pending"], (row["oldest"] as Double?).map(Date.init(timeIntervalSince1970:))
                )
            }
            return depth
        }
    }

    /// Reads a `SELECT *` row by position (the table's column order; migrations only append), which
    /// spares a case-insensitive name lookup per column on the lanes' hot path.
    static func delivery(_ row: Row) -> Delivery {
        Delivery(
            id: row[0], key: row[1], channel: row[2], rule: row[3], eventID: row[4], template: row[5],
            severity: Severity(rawValue: row[6]) ?? .info, groupKey: row[7], itemsJSON: row[9],
            createdAt: Date(timeIntervalSince1970: row[10]), dueAt: Date(timeIntervalSince1970: row[11]),
            expiresAt: Date(timeIntervalSince1970: row[12]), state: Delivery.State(rawValue: row[13]) ?? .pending,
            attempts: row[14], partsSent: row[15], lastError: row[16],
            finishedAt: (row[17] as Double?).map(Date.init(timeIntervalSince1970:)))
    }
}
