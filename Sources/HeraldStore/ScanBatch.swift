import Foundation
import GRDB
import HeraldCore

/// Coalesces the scans of one dispatch batch in memory and writes the result once.
///
/// A season import arrives as dozens of events for one folder; looking the folder up in SQLite for
/// each would dominate dispatch. The batch loads a (server, section)'s pending scans the first time
/// it needs them, indexes them by folder, hands the coalescer only the relevant candidates (the
/// same folder, its ancestors, or its descendants) and records the net changes at `flush`.
final class ScanBatch {
    struct Queue {
        private(set) var byFolder: [String: PendingScan] = [:]
        /// How many queued folders lie strictly inside each folder, so "is anything queued below
        /// this new folder?" is one lookup instead of a pass over the whole queue.
        private var queuedBelow: [String: Int] = [:]
        var origin: [String: (event: String, rule: String)] = [:]
        var deleted: Set<Int64> = []
        var changed: Set<String> = []

        mutating func put(_ scan: PendingScan) {
            if byFolder.updateValue(scan, forKey: scan.folder) == nil { count(scan.folder, by: 1) }
        }

        mutating func remove(_ folder: String) {
            if byFolder.removeValue(forKey: folder) != nil { count(folder, by: -1) }
        }

        func hasQueued(below folder: String) -> Bool { (queuedBelow[folder] ?? 0) > 0 }

        private mutating func count(_ folder: String, by delta: Int) {
            var current = folder
            while true {
                let parent = LibraryPath.parent(of: current)
                guard parent != current, !parent.isEmpty else { return }
                queuedBelow[parent, default: 0] += delta
                current = parent
            }
        }
    }

    private var queues: [String: Queue] = [:]
    /// Section keys per server and folder, worked out once per batch (a season's files share a folder).
    private var sectionKeys: [String: [String: [String]]] = [:]
    private let db: Database

    init(_ db: Database) {
        self.db = db
    }

    /// Queues the scans a `scan` action asks for (see `AppDatabase.scheduleScans` for the rules).
    @discardableResult
    func schedule(
        event: Event, spec: ScanActionSpec, servers: [PlexServerSettings], sections: [String: [PlexSection]],
        rule: String, now: Date
    ) throws -> Int {
        guard event.source != .herald else { return 0 }
        var count = 0
        for server in servers where spec.servers.isEmpty || spec.servers.contains(server.name) {
            for (local, folder) in ScanPlanner.targets(for: event, server: server) {
                let matched: [String]
                if let known = sectionKeys[server.name]?[folder] {
                    matched = known
                } else {
                    matched = ScanPlanner.sections(for: folder, in: sections[server.name] ?? []).map(\.key)
                    sectionKeys[server.name, default: [:]][folder] = matched
                }
                for section in matched.isEmpty ? [""] : matched {
                    try enqueue(
                        server: server.name, section: section, folder: folder, localFolder: local, spec: spec, now: now,
                        origin: (event.id, rule))
                    count += 1
                }
            }
        }
        return count
    }

    /// Queues a scan of one folder of a known section. `schedule` uses it for events; Herald's own
    /// work (a cleanup action removed or restored files there) calls it directly.
    func enqueue(
        server: String, section: String, folder: String, localFolder: String, spec: ScanActionSpec, now: Date,
        origin: (event: String, rule: String)
    ) throws {
        let key = server + "\u{0}" + section
        if queues[key] == nil {
            var queue = Queue()
            for scan in try AppDatabase.pendingScans(db, server: server, section: section) { queue.put(scan) }
            queues[key] = queue
        }
        // Mutated in place: copying the queue out and back would copy its dictionaries every time.
        try Self.coalesce(
            &queues[key]!, server: server, section: section, folder: folder, localFolder: localFolder, spec: spec,
            now: now, origin: origin)
    }

    private static func coalesce(
        _ queue: inout Queue, server: String, section: String, folder: String, localFolder: String,
        spec: ScanActionSpec, now: Date, origin: (event: String, rule: String)
    ) throws {
        var candidates: [PendingScan] = []
        if let same = queue.byFolder[folder] {
            candidates = [same]
        } else {
            var ancestor = LibraryPath.parent(of: folder)
            while ancestor != folder, !ancestor.isEmpty {
                if let pending = queue.byFolder[ancestor] { candidates.append(pending) }
                let next = LibraryPath.parent(of: ancestor)
                if next == ancestor { break }
                ancestor = next
            }
            if candidates.isEmpty, queue.hasQueued(below: folder) {
                candidates = queue.byFolder.values.filter { PathMatching.isUnder($0.folder, folder) }
            }
        }
        for change in ScanCoalescer.enqueue(
            server: server, section: section, folder: folder, localFolder: localFolder, spec: spec, now: now,
            pending: candidates)
        {
            switch change {
            case .insert(let scan):
                // Children the new scan absorbs leave the queue, stored or not.
                for child in candidates
                where child.folder != scan.folder && PathMatching.isUnder(child.folder, scan.folder) {
                    queue.remove(child.folder)
                    queue.changed.remove(child.folder)
                }
                queue.put(scan)
                queue.origin[scan.folder] = origin
                queue.changed.insert(scan.folder)
            case .update(let scan):
                queue.put(scan)
                queue.changed.insert(scan.folder)
            case .delete(let id):
                queue.deleted.insert(id)
            }
        }
    }

    /// Writes the net changes of the batch.
    func flush() throws {
        for queue in queues.values {
            try AppDatabase.apply(queue.deleted.map { .delete(id: $0) }, db, eventID: "", rule: "")
            var updates: [ScanQueueChange] = []
            for folder in queue.changed {
                guard let scan = queue.byFolder[folder] else { continue }
                guard scan.id == nil else {
                    updates.append(.update(scan))
                    continue
                }
                let origin = queue.origin[folder] ?? ("", "")
                try AppDatabase.apply([.insert(scan)], db, eventID: origin.event, rule: origin.rule)
            }
            // Updates carry no origin: one statement for all of them.
            try AppDatabase.apply(updates, db, eventID: "", rule: "")
        }
        queues.removeAll()
    }
}
