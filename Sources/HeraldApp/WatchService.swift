import CoreMetrics
import HeraldConfig
import HeraldCore
import HeraldWatch
import Logging
import ServiceLifecycle

/// Runs the filesystem watcher until shutdown, and publishes what it does as metrics and in
/// `/readyz`. A failure to start is logged, never fatal to the daemon.
struct WatchService: Service {
    let watcher: FileWatcher
    let readiness: Readiness
    let metrics: any MetricsFactory
    let logger: Logger

    init(
        configuration: WatchConfiguration, journal: any EventJournal, readiness: Readiness, metrics: any MetricsFactory,
        logger: Logger
    ) {
        var exclude = configuration.defaultExcludes ? WatchSettings.defaultExcludes : []
        exclude += configuration.exclude
        let settings = WatchSettings(
            roots: configuration.roots, exclude: exclude.compactMap { try? KindPattern($0) },
            settle: configuration.settle,
            pollRoots: configuration.pollRoots.map { WatchSettings.PollRoot(path: $0.path, interval: $0.interval) })
        watcher = FileWatcher(settings: settings, journal: journal, logger: logger)
        self.readiness = readiness
        self.metrics = metrics
        self.logger = logger
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await watcher.run(ready: { [watcher, readiness, logger] in
                            // `/readyz` shows the watches as soon as every directory is watched.
                            readiness.watchUpdated(watcher.statistics)
                            logger.info("watching the media folders")
                        })
                    }
                    group.addTask { await publish() }
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch is CancellationError {
            return
        } catch {
            logger.error("the filesystem watcher stopped", metadata: ["error": "\(error)"])
            try? await gracefulShutdown()
        }
    }

    /// Copies the watcher's statistics into gauges and counters every two seconds.
    private func publish() async {
        let watches = Gauge(label: "herald_watch_watches", factory: metrics)
        let polled = Gauge(label: "herald_watch_polled_trees", factory: metrics)
        let degraded = Gauge(label: "herald_watch_degraded", factory: metrics)
        let overflows = Counter(label: "herald_watch_overflows_total", factory: metrics)
        let rescan = Gauge(label: "herald_watch_last_rescan_seconds", factory: metrics)
        let poll = Gauge(label: "herald_watch_last_poll_scan_seconds", factory: metrics)
        var eventCounters: [String: Counter] = [:]
        var last = WatchStatistics()
        while !Task.isCancelled {
            let now = watcher.statistics
            watches.record(now.watches)
            polled.record(now.polledTrees)
            degraded.record(now.degradedReason == nil ? 0 : 1)
            if now.overflows > last.overflows { overflows.increment(by: now.overflows - last.overflows) }
            rescan.record(now.lastRescanSeconds)
            poll.record(now.lastPollSeconds)
            for (kind, count) in now.events where count > last.events[kind, default: 0] {
                let counter =
                    eventCounters[kind]
                    ?? Counter(label: "herald_watch_events_total", dimensions: [("kind", kind)], factory: metrics)
                eventCounters[kind] = counter
                counter.increment(by: count - last.events[kind, default: 0])
            }
            readiness.watchUpdated(now)
            last = now
            try? await Task.sleep(for: .seconds(2))
        }
    }
}
