import Foundation
import HeraldCore

/// Waits until files stop changing before they are reported, so a file still being copied is
/// reported once, when it is complete. Pure: the caller supplies the time and the file sizes.
public struct SettleTracker: Sendable {
    public enum Change: String, Sendable, Equatable {
        case created, modified
    }

    struct Pending: Sendable, Equatable {
        var change: Change
        var lastChange: Date
        var size: Int64?
    }

    public let settle: Duration
    private var pending: [String: Pending] = [:]
    /// Every observation in time order, for finding due files without scanning all pending ones
    /// (a burst of 20,000 files made that scan quadratic). An entry whose time is no longer its
    /// file's `lastChange` is stale (the file changed again, moved or went away) and is skipped.
    private var queue: [(path: String, time: Date)] = []
    private var head = 0

    public init(settle: Duration) {
        self.settle = settle
    }

    public var isEmpty: Bool { pending.isEmpty }

    /// Records activity on a file; its quiet period starts again. A file first seen as created
    /// stays "created" however often it changes before it settles.
    public mutating func observed(_ path: String, _ change: Change, size: Int64?, now: Date) {
        if var existing = pending[path] {
            existing.lastChange = now
            existing.size = size ?? existing.size
            pending[path] = existing
        } else {
            pending[path] = Pending(change: change, lastChange: now, size: size)
        }
        queue.append((path, now))
    }

    /// Forgets a file that went away before it settled.
    ///
    /// - Returns: The change it was waiting to report, if any (a created-then-deleted temporary
    ///   file is then reported as nothing at all).
    @discardableResult
    public mutating func forget(_ path: String) -> Change? {
        pending.removeValue(forKey: path)?.change
    }

    /// Moves a pending file to a new name (a rename before it settled).
    public mutating func move(_ old: String, to new: String) {
        guard let entry = pending.removeValue(forKey: old) else { return }
        pending[new] = entry
        queue.append((new, entry.lastChange))
    }

    /// The files quiet for the settle time whose size has not changed since last seen.
    ///
    /// - Parameter sizeOf: The current size of a file, or nil when it no longer exists.
    public mutating func due(now: Date, sizeOf: (String) -> Int64?) -> [(path: String, change: Change)] {
        var ready: [(path: String, change: Change)] = []
        let settleTime = settle.timeInterval
        while head < queue.count, now.timeIntervalSince(queue[head].time) >= settleTime {
            let (path, time) = queue[head]
            head += 1
            guard let entry = pending[path], entry.lastChange == time else { continue }
            let size = sizeOf(path)
            if size == nil {
                pending[path] = nil
            } else if entry.size != nil, size != entry.size {
                // Still growing without events (network mounts): wait another quiet period.
                pending[path] = Pending(change: entry.change, lastChange: now, size: size)
                queue.append((path, now))
            } else {
                pending[path] = nil
                ready.append((path, entry.change))
            }
        }
        compact()
        return ready.sorted { $0.path < $1.path }
    }

    /// When the next file may be due.
    public mutating func nextDeadline() -> Date? {
        while head < queue.count {
            let (path, time) = queue[head]
            if let entry = pending[path], entry.lastChange == time {
                return time.addingTimeInterval(settle.timeInterval)
            }
            head += 1
        }
        compact()
        return nil
    }

    /// Drops the consumed front of the queue once it is most of it.
    private mutating func compact() {
        if head > 1024, head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        } else if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        }
    }
}
