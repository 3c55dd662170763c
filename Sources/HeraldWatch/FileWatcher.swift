import Foundation
import HeraldCore
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Watches directory trees with inotify and journals complete files as `fs.*` events.
///
/// inotify is not recursive: every directory gets its own watch, added when it appears, and its
/// content is listed right after so files created before the watch existed are still seen. Files
/// are reported once they settle (no change, same size, for `settle`); renames are paired by
/// cookie; a queue overflow triggers a rescan against the files known so far.
public final class FileWatcher: @unchecked Sendable {
    // State is touched only by the processing loop in `run()`.
    private let settings: WatchSettings
    private let journal: any EventJournal
    private let logger: Logger
    private let now: @Sendable () -> Date
    private var tree = WatchTree()
    private var tracker: SettleTracker
    private var pairing = MovePairing()
    private var source: InotifySource?
    private var polled: [PolledTree] = []
    private let stats = Mutex(WatchStatistics())

    /// Why some directories are polled instead of watched, when inotify ran out of watches.
    public var degradedReason: String? { stats.withLock { $0.degradedReason } }

    /// A snapshot of what the watcher has done (safe to read from any task).
    public var statistics: WatchStatistics { stats.withLock { $0 } }

    private let readPause: Duration
    private let watchLimit: Int?

    /// - Parameters:
    ///   - readPause: A pause before each read of the kernel queue (zero in production; tests use
    ///     it to make the kernel queue overflow on purpose).
    ///   - watchLimit: Treat the kernel as out of watches past this many (tests; nil in production).
    public init(
        settings: WatchSettings, journal: any EventJournal, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }, readPause: Duration = .zero, watchLimit: Int? = nil
    ) {
        self.readPause = readPause
        self.watchLimit = watchLimit
        self.settings = settings
        self.journal = journal
        self.logger = logger
        self.now = now
        self.tracker = SettleTracker(settle: settings.settle)
    }

    /// The number of directories watched.
    public var watchCount: Int { tree.count }

    /// Watches until the task is cancelled.
    public func run(ready: @escaping @Sendable () -> Void = {}) async throws {
        let source = try InotifySource()
        self.source = source
        for root in settings.roots { walk(root, reportFiles: false) }
        for root in settings.pollRoots { startPolling(root.path, interval: root.interval) }
        ready()
        let stopped = Mutex(false)
        let (batches, continuation) = AsyncStream.makeStream(of: [InotifyEvent].self, bufferingPolicy: .unbounded)
        let pause = readPause.timeInterval
        let reader = Thread {
            while !stopped.withLock({ $0 }) {
                if pause > 0 { Thread.sleep(forTimeInterval: pause) }
                continuation.yield(source.read(timeout: 50))
            }
            continuation.finish()
        }
        reader.name = "herald-inotify"
        reader.start()
        await withTaskCancellationHandler {
            for await batch in batches {
                for event in batch { await handle(event) }
                await tick()
                if Task.isCancelled { break }
            }
        } onCancel: {
            stopped.withLock { $0 = true }
        }
        stopped.withLock { $0 = true }
    }

    // MARK: - Events

    private func handle(_ event: InotifyEvent) async {
        if event.has(IN_Q_OVERFLOW) {
            await overflowed()
            return
        }
        if event.has(IN_IGNORED) {
            tree.remove(event.descriptor)
            return
        }
        guard let path = tree.path(of: event.descriptor, name: event.name), !event.name.isEmpty else { return }
        let excluded = settings.excludes(path)
        let time = now()
        if event.has(IN_MOVED_FROM) {
            pairing.movedFrom(cookie: event.cookie, path: path, isDirectory: event.isDirectory, now: time)
        } else if event.has(IN_MOVED_TO) {
            switch pairing.movedTo(cookie: event.cookie, path: path, isDirectory: event.isDirectory) {
            case .moved(let from, let to, let isDirectory):
                await moved(from: from, to: to, isDirectory: isDirectory)
            case .arrived(let path, let isDirectory):
                if !excluded { arrived(path, isDirectory: isDirectory) }
            }
        } else if excluded {
            return
        } else if event.has(IN_CREATE) {
            arrived(path, isDirectory: event.isDirectory)
        } else if event.has(IN_CLOSE_WRITE) || event.has(IN_MODIFY) {
            tracker.observed(path, tree.containsFile(path) ? .modified : .created, size: Self.size(path), now: time)
        } else if event.has(IN_DELETE) {
            await departed(path, isDirectory: event.isDirectory)
        }
    }

    /// A file or directory appeared (created, hard-linked or moved in from outside the tree).
    private func arrived(_ path: String, isDirectory: Bool) {
        if isDirectory {
            walk(path, reportFiles: true)
        } else {
            tracker.observed(path, .created, size: Self.size(path), now: now())
        }
    }

    private func departed(_ path: String, isDirectory: Bool) async {
        if isDirectory {
            for descriptor in tree.descriptors(under: path) {
                source?.removeWatch(descriptor)
                tree.remove(descriptor)
            }
            tree.removeTree(path)
            await emit("fs.deleted", path)
        } else if tracker.forget(path) == nil, tree.removeFile(path) {
            await emit("fs.deleted", path)
        }
    }

    private func moved(from: String, to: String, isDirectory: Bool) async {
        let fromExcluded = settings.excludes(from)
        let toExcluded = settings.excludes(to)
        if isDirectory {
            tree.rename(from, to: to)
            await emit("fs.moved", to, previous: from)
        } else if fromExcluded && !toExcluded {
            // The final rename of a partial download: the file is complete now.
            tracker.forget(from)
            tracker.observed(to, .created, size: Self.size(to), now: now())
        } else if toExcluded {
            await departed(from, isDirectory: false)
        } else if tracker.forget(from) != nil {
            tracker.observed(to, .created, size: Self.size(to), now: now())
        } else {
            tree.removeFile(from)
            tree.insertFile(to)
            await emit("fs.moved", to, previous: from)
        }
    }

    /// Reports settled files and moves that lost their partner, and scans polled trees when due.
    private func tick() async {
        let time = now()
        for index in polled.indices where polled[index].nextScan <= time {
            let started = ContinuousClock.now
            let diff = polled[index].scan(excluding: settings.excludes, now: time)
            let seconds = (ContinuousClock.now - started).timeInterval
            stats.withLock {
                $0.pollScans += 1
                $0.lastPollSeconds = seconds
            }
            await apply(diff)
        }
        let (watches, trees) = (tree.count, polled.count)
        stats.withLock {
            $0.watches = watches
            $0.polledTrees = trees
        }
        for half in pairing.expired(now: time) where !settings.excludes(half.path) {
            await departed(half.path, isDirectory: half.isDirectory)
        }
        let due = tracker.due(now: time, sizeOf: Self.size)
        for (path, _) in due { tree.insertFile(path) }
        // Appended together so they share the journal's group commits.
        await emitAll(due.map { (change: $0.change == .created ? "fs.created" : "fs.modified", path: $0.path) })
    }

    /// The kernel dropped events: compare the trees with what was known and report the difference.
    private func overflowed() async {
        logger.warning("inotify queue overflowed; rescanning the watched trees")
        let started = ContinuousClock.now
        defer {
            let seconds = (ContinuousClock.now - started).timeInterval
            stats.withLock {
                $0.overflows += 1
                $0.lastRescanSeconds = seconds
            }
        }
        var deleted: [String] = []
        for root in settings.roots { rescan(root, deleted: &deleted) }
        for path in deleted { await emit("fs.deleted", path) }
        await emit("herald.watch.overflow", settings.roots.first ?? "", source: .herald)
    }

    // MARK: - Polling

    private func startPolling(_ root: String, interval: Duration) {
        var tree = PolledTree(root: root, interval: interval, now: now())
        for path in tree.scan(excluding: settings.excludes, now: now()).created { self.tree.insertFile(path) }
        polled.append(tree)
    }

    /// Turns what a polling scan found into the same events inotify would have led to.
    private func apply(_ diff: TreeDiff) async {
        let time = now()
        for path in diff.created { tracker.observed(path, .created, size: Self.size(path), now: time) }
        for path in diff.modified {
            tracker.observed(path, tree.containsFile(path) ? .modified : .created, size: Self.size(path), now: time)
        }
        for (from, to) in diff.moved { await moved(from: from, to: to, isDirectory: false) }
        for path in diff.deleted { await departed(path, isDirectory: false) }
    }

    /// inotify has no watches left: say exactly what to change, and poll this subtree meanwhile.
    private func outOfWatches(at directory: String) {
        if stats.withLock({ $0.degradedReason }) == nil {
            let limit =
                (try? String(contentsOfFile: "/proc/sys/fs/inotify/max_user_watches", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
            let needed = settings.roots.map(Self.directoryCount).reduce(0, +)
            let suggestion = max(needed * 2, 524_288)
            let reason =
                "fs.inotify.max_user_watches is too low: it is \(limit), and watching these trees needs about "
                + "\(needed) watches. Raise it with: sysctl -w fs.inotify.max_user_watches=\(suggestion) "
                + "(and put fs.inotify.max_user_watches=\(suggestion) in /etc/sysctl.d/90-herald.conf); "
                + "until then the rest is polled every \(settings.fallbackInterval.shortDescription)"
            stats.withLock { $0.degradedReason = reason }
            logger.error("\(reason)", metadata: ["watch.path": "\(directory)"])
        }
        startPolling(directory, interval: settings.fallbackInterval)
    }

    /// Directories in a tree, each needing one watch.
    static func directoryCount(under root: String) -> Int {
        var count = 0
        var stack = [root]
        while let directory = stack.popLast() {
            count += 1
            for entry in DirectoryListing.entries(directory) where entry.isDirectory {
                stack.append(directory + "/" + entry.name)
            }
        }
        return count
    }

    // MARK: - Trees

    /// Watches a directory and everything below it; files found are reported (new directories)
    /// or only remembered (the initial walk).
    private func walk(_ directory: String, reportFiles: Bool) {
        guard !settings.excludes(directory) || settings.roots.contains(directory) else { return }
        do throws(WatchError) {
            if let watchLimit, tree.count >= watchLimit { throw .tooManyWatches }
            tree.add(try source?.addWatch(directory) ?? -1, path: directory)
        } catch .tooManyWatches {
            outOfWatches(at: directory)
            return
        } catch {
            logger.error("cannot watch a directory", metadata: ["watch.path": "\(directory)", "error": "\(error)"])
            return
        }
        var names: [String] = []
        for entry in DirectoryListing.entries(directory) {
            let path = directory + "/" + entry.name
            if settings.excludes(path) { continue }
            if entry.isDirectory {
                walk(path, reportFiles: reportFiles)
            } else if reportFiles {
                tracker.observed(path, .created, size: Self.size(path), now: now())
            } else {
                names.append(entry.name)
            }
        }
        tree.insertFiles(names, in: directory)
    }

    /// Compares a directory (and those below it) with what is known: files not known yet are
    /// observed as created, known files and directories no longer there are forgotten and their
    /// files added to `deleted`.
    private func rescan(_ directory: String, deleted: inout [String]) {
        if tree.descriptor(of: directory) == nil, let watch = try? source?.addWatch(directory) {
            tree.add(watch, path: directory)
        }
        var knownNames = Set(tree.fileNames(in: directory))
        var knownDirectories = Set(tree.subdirectories(of: directory))
        for entry in DirectoryListing.entries(directory) {
            let path = directory + "/" + entry.name
            if settings.excludes(path) { continue }
            if entry.isDirectory {
                knownDirectories.remove(path)
                rescan(path, deleted: &deleted)
            } else if knownNames.remove(entry.name) == nil {
                tracker.observed(path, .created, size: Self.size(path), now: now())
            }
        }
        for name in knownNames.sorted() {
            let path = directory + "/" + name
            tree.removeFile(path)
            deleted.append(path)
        }
        for gone in knownDirectories.sorted() {
            for descriptor in tree.descriptors(under: gone) { source?.removeWatch(descriptor) }
            deleted += tree.files(under: gone)
            tree.removeTree(gone)
        }
    }

    private func emit(_ kind: String, _ path: String, previous: String? = nil, source: EventSource = .fs) async {
        await append(
            Event(
                receivedAt: now(), source: source, kind: kind, paths: [path], previousPaths: previous.map { [$0] } ?? []
            ))
    }

    /// Appends several events at once so they share the journal's group commits.
    private func emitAll(_ items: [(change: String, path: String)]) async {
        let time = now()
        await withTaskGroup(of: Void.self) { group in
            for item in items {
                let event = Event(receivedAt: time, source: .fs, kind: item.change, paths: [item.path])
                group.addTask { [self] in await append(event) }
            }
        }
    }

    private func append(_ event: Event) async {
        do {
            _ = try await journal.append(event)
            stats.withLock { $0.events[event.kind, default: 0] += 1 }
        } catch {
            logger.error(
                "filesystem event not journalled", metadata: ["event.kind": "\(event.kind)", "error": "\(error)"])
        }
    }

    static func size(_ path: String) -> Int64? {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : nil
    }
}
