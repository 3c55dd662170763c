import Foundation
import GRDB
import HeraldCore

/// What the rules decided for a batch of events: the jobs the store records in the same
/// transaction that marks the batch dispatched, so an event and its jobs are never half-recorded.
///
/// The decisions are made outside the store (`DispatchHandler`) and handed back as values; only
/// the store writes, and only inside its own transaction.
public struct DispatchWork: Sendable {
    /// A `scan` action for one event: its folders, coalesced with what is queued already.
    public struct Scan: Sendable {
        public var event: Event
        public var spec: ScanActionSpec
        public var rule: String

        public init(event: Event, spec: ScanActionSpec, rule: String) {
            self.event = event
            self.spec = spec
            self.rule = rule
        }
    }

    /// A `notify` action's message for one channel.
    public struct Notification: Sendable {
        public var item: NotificationItem
        public var channel: ChannelSettings
        public var spec: NotifyActionSpec
        public var rule: String
        public var template: String
        public var severity: Severity

        public init(
            item: NotificationItem, channel: ChannelSettings, spec: NotifyActionSpec, rule: String, template: String,
            severity: Severity
        ) {
            self.item = item
            self.channel = channel
            self.spec = spec
            self.rule = rule
            self.template = template
            self.severity = severity
        }
    }

    public var scans: [Scan] = []
    public var notifications: [Notification] = []
    /// The Plex servers scans may go to, as configured when the rules were evaluated.
    public var servers: [PlexServerSettings] = []
    /// When the rules were evaluated: the start of every wait and grouping window.
    public var decidedAt: Date

    public init(decidedAt: Date = Date()) {
        self.decidedAt = decidedAt
    }
}

/// Decides what a batch of events leads to (the rules engine in the daemon).
public typealias DispatchHandler = @Sendable ([JournalEntry]) throws -> DispatchWork

extension AppDatabase {
    /// Records a batch's jobs inside the dispatch transaction.
    static func record(_ work: DispatchWork, _ db: Database) throws {
        if !work.scans.isEmpty {
            var sections: [String: [PlexSection]] = [:]
            for server in work.servers { sections[server.name] = try Self.sections(db, server: server.name) }
            let batch = ScanBatch(db)
            for scan in work.scans {
                try batch.schedule(
                    event: scan.event, spec: scan.spec, servers: work.servers, sections: sections, rule: scan.rule,
                    now: work.decidedAt)
            }
            try batch.flush()
        }
        for message in work.notifications {
            _ = try Self.enqueueNotification(
                db, item: message.item, channel: message.channel, spec: message.spec, rule: message.rule,
                template: message.template, severity: message.severity, now: work.decidedAt)
        }
    }
}
