import Foundation

/// A library-scope rule: which items (`scope`, `if`) become deletion candidates, how often it is
/// evaluated, what protects items, and what happens after the grace period.
public struct CleanupRule: Sendable, Equatable {
    public enum Scope: String, Sendable, CaseIterable {
        case movie, show, season, episode
    }

    public enum Action: String, Sendable, CaseIterable {
        case archive, delete
    }

    public var name: String
    public var scope: Scope
    public var every: Duration
    /// When set, the rule runs on this schedule (in the configured time zone) instead of `every`.
    public var cron: CronSchedule?
    public var condition: CleanupCondition
    public var exclusions: CleanupExclusions
    /// How long a flagged item stays "leaving soon" before it is due. Required in rule files.
    public var grace: Duration
    public var action: Action
    /// True unless the rule says `dry_run: false`: candidates are flagged and reported, nothing moves.
    public var dryRun: Bool
    /// Due candidates wait for a person's `approve` before anything happens.
    public var requiresApproval = false
    public var enabled: Bool
    /// Evaluate only while the disk holding this path is fuller than this (nil: always).
    public var diskGate: DiskGate?
    /// At most this many candidates per rule, chosen in `budget.order` (nil: no limit).
    public var budget: CleanupBudget?
    public var location: SourceLocation

    /// When the rule is evaluated next, after a run (or the start) at `date`.
    public func nextRun(after date: Date, zone: TimeZone) -> Date? {
        guard let cron else { return date.addingTimeInterval(every.timeInterval) }
        return cron.next(after: date, zone: zone)
    }

    public init(
        name: String, scope: Scope, every: Duration, condition: CleanupCondition,
        exclusions: CleanupExclusions = CleanupExclusions(), grace: Duration, action: Action, dryRun: Bool = true,
        enabled: Bool = true, location: SourceLocation = SourceLocation(file: "", line: 0)
    ) {
        self.name = name
        self.scope = scope
        self.every = every
        self.condition = condition
        self.exclusions = exclusions
        self.grace = grace
        self.action = action
        self.dryRun = dryRun
        self.enabled = enabled
        self.location = location
    }
}

/// `when_free_below: {path: /mnt/media, free: 10%}` or `{path: …, free: 200GiB}`.
public struct DiskGate: Sendable, Equatable {
    public enum Threshold: Sendable, Equatable {
        case percent(Double)
        case bytes(Int64)
    }

    public var path: String
    public var threshold: Threshold

    public init(path: String, threshold: Threshold) {
        self.path = path
        self.threshold = threshold
    }

    /// Whether the rule may run, given the disk's free and total bytes.
    public func allows(free: Int64, total: Int64) -> Bool {
        switch threshold {
        case .percent(let percent): total > 0 && Double(free) / Double(total) * 100 < percent
        case .bytes(let bytes): free < bytes
        }
    }
}

/// `max_items`, `max_bytes` and the order candidates are chosen in when a run has more.
public struct CleanupBudget: Sendable, Equatable {
    public enum Order: String, Sendable, CaseIterable {
        /// Largest first: frees the most space per item.
        case largest
        /// Oldest added first.
        case oldest
        /// Least recently watched first (never watched before anything watched).
        case leastRecentlyWatched = "least_recently_watched"
    }

    public var maxItems: Int?
    public var maxBytes: Int64?
    public var order: Order

    public init(maxItems: Int? = nil, maxBytes: Int64? = nil, order: Order) {
        self.maxItems = maxItems
        self.maxBytes = maxBytes
        self.order = order
    }
}

/// What protects items from a rule: GUIDs (of the item, its season or its show), folders, Plex
/// labels and collections. Exclusions cascade down (an excluded show protects its episodes) and
/// up (an excluded episode protects its season and show from destructive actions).
public struct CleanupExclusions: Sendable, Equatable {
    public var guids: Set<String> = []
    public var paths: [String] = []
    public var labels: Set<String> = []
    public var collections: Set<String> = []

    public init(
        guids: Set<String> = [], paths: [String] = [], labels: Set<String> = [], collections: Set<String> = []
    ) {
        self.guids = guids
        self.paths = paths
        self.labels = labels
        self.collections = collections
    }

    public var isEmpty: Bool { guids.isEmpty && paths.isEmpty && labels.isEmpty && collections.isEmpty }

    /// Why an item is excluded, or nil. Checks the item, its season and its show.
    public func reason(for item: InventoryItem) -> String? {
        for guid in guids.isEmpty ? [] : [item.guid, item.seasonGUID, item.showGUID].compactMap({ $0 })
        where guids.contains(guid) {
            return guid == item.guid
                ? "excluded by GUID" : "its \(guid == item.showGUID ? "show" : "season") is excluded"
        }
        // Most items have no labels or collections: nothing is lowercased for them.
        if !item.labels.isEmpty, !labels.isEmpty {
            let lowerLabels = Set(labels.map { $0.lowercased() })
            if let label = item.labels.first(where: { lowerLabels.contains($0.lowercased()) }) {
                return "label '\(label)'"
            }
        }
        if !item.collections.isEmpty, !collections.isEmpty {
            let lowerCollections = Set(collections.map { $0.lowercased() })
            if let collection = item.collections.first(where: { lowerCollections.contains($0.lowercased()) }) {
                return "collection '\(collection)'"
            }
        }
        guard !paths.isEmpty else { return nil }
        for file in item.files {
            if let root = paths.first(where: { PathMatching.isUnder(file, $0) }) { return "under \(root)" }
        }
        return nil
    }
}
