import Synchronization

/// The pending scans the dispatcher coalesced against in its last batch, kept for the next one.
///
/// A burst of events (a library import, a season pack) is dispatched in batches of about a
/// thousand; reading every pending scan of a section again for each batch cost about a seventh
/// of dispatch. The queues are valid only while nothing else changed the scan queue:
/// `scan_queue_generation` counts every change of `scan_request` (inserts and deletes through
/// triggers, updates through `AppDatabase.countScanQueueChange`), and the queues are handed back
/// only with the count they match, after their transaction committed. Anything else (the scan
/// worker, retention, another process, a rolled back batch) moves the count or leaves the cache
/// empty, and the next batch reads the queues again.
public final class ScanQueueCache: Sendable {
    private struct Entry {
        var generation: Int64
        var queues: [String: ScanBatch.Queue]
    }

    private let entry = Mutex<Entry?>(nil)

    public init() {}

    /// The queues, if they were put back at `generation`; the cache is empty afterwards.
    func take(generation: Int64) -> [String: ScanBatch.Queue]? {
        entry.withLock { entry in
            defer { entry = nil }
            return entry?.generation == generation ? entry?.queues : nil
        }
    }

    func put(_ queues: [String: ScanBatch.Queue], generation: Int64) {
        entry.withLock { $0 = Entry(generation: generation, queues: queues) }
    }
}
