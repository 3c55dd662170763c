import Foundation

/// A scan waiting in the queue for its folder to settle.
public struct PendingScan: Sendable, Equatable {
    /// Row id once stored.
    public var id: Int64?
    public var server: String
    /// Plex section key; empty while no known section contains the folder.
    public var section: String
    public var folder: String
    /// The same folder as Herald sees it (before rewrites), for the optional settle gate.
    public var localFolder: String
    /// When the first event asking for this folder arrived.
    public var firstSeen: Date
    /// When the scan becomes due: the sliding wait after the latest event, capped by `maxDeadline`.
    public var deadline: Date
    /// `firstSeen + max_wait`: however many events keep arriving, the scan is due by then.
    public var maxDeadline: Date
    public var priority: Int

    public init(
        id: Int64? = nil, server: String, section: String, folder: String, localFolder: String? = nil, firstSeen: Date,
        deadline: Date, maxDeadline: Date, priority: Int
    ) {
        self.id = id
        self.server = server
        self.section = section
        self.folder = folder
        self.localFolder = localFolder ?? folder
        self.firstSeen = firstSeen
        self.deadline = deadline
        self.maxDeadline = maxDeadline
        self.priority = priority
    }
}

/// What the queue must do to take a new request into account.
public enum ScanQueueChange: Sendable, Equatable {
    case insert(PendingScan)
    case update(PendingScan)
    case delete(id: Int64)
}

/// Coalescing of scan requests per (server, section, folder): pure decisions over the pending queue.
///
/// - A request for a folder already pending restarts its sliding wait (never past `maxDeadline`);
///   a deadline only ever moves later, so a rule with a shorter `wait` never cuts another's longer one.
/// - A request for a folder inside a pending folder is absorbed by it (the parent's scan covers it).
/// - A request for a folder that contains pending folders replaces them; it inherits the earliest
///   `firstSeen` and `maxDeadline`, so absorbing never postpones a scan beyond its own bound.
public enum ScanCoalescer {
    /// - Parameters:
    ///   - pending: The pending scans of the same server and section.
    public static func enqueue(
        server: String, section: String, folder: String, localFolder: String? = nil, spec: ScanActionSpec, now: Date,
        pending: [PendingScan]
    ) -> [ScanQueueChange] {
        let wait = spec.wait.timeInterval
        if var existing = pending.first(where: { $0.folder == folder })
            ?? pending.filter({ PathMatching.isUnder(folder, $0.folder) }).min(by: { $0.folder.count < $1.folder.count }
            )
        {
            existing.deadline = min(max(existing.deadline, now.addingTimeInterval(wait)), existing.maxDeadline)
            existing.priority = max(existing.priority, spec.priority)
            return [.update(existing)]
        }
        let children = pending.filter { PathMatching.isUnder($0.folder, folder) }
        let maxDeadline = children.map(\.maxDeadline).reduce(now.addingTimeInterval(spec.maxWait.timeInterval), min)
        let scan = PendingScan(
            server: server, section: section, folder: folder, localFolder: localFolder,
            firstSeen: children.map(\.firstSeen).reduce(now, min),
            deadline: min(children.map(\.deadline).reduce(now.addingTimeInterval(wait), max), maxDeadline),
            maxDeadline: maxDeadline,
            priority: children.map(\.priority).reduce(spec.priority, max))
        return children.compactMap { $0.id.map { ScanQueueChange.delete(id: $0) } } + [.insert(scan)]
    }
}
