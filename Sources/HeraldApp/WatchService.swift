import HeraldConfig
import HeraldCore
import HeraldWatch
import Logging
import ServiceLifecycle

/// Runs the filesystem watcher until shutdown; a failure to start is logged, never fatal.
struct WatchService: Service {
    let watcher: FileWatcher
    let logger: Logger

    init(configuration: WatchConfiguration, journal: any EventJournal, logger: Logger) {
        var exclude = configuration.defaultExcludes ? WatchSettings.defaultExcludes : []
        exclude += configuration.exclude
        let settings = WatchSettings(
            roots: configuration.roots, exclude: exclude.compactMap { try? KindPattern($0) },
            settle: configuration.settle,
            pollRoots: configuration.pollRoots.map { WatchSettings.PollRoot(path: $0.path, interval: $0.interval) })
        watcher = FileWatcher(settings: settings, journal: journal, logger: logger)
        self.logger = logger
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await watcher.run(ready: { [logger] in logger.info("watching the media folders") })
            }
        } catch is CancellationError {
            return
        } catch {
            logger.error("the filesystem watcher stopped", metadata: ["error": "\(error)"])
            try? await gracefulShutdown()
        }
    }
}
