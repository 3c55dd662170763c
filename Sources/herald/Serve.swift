import ArgumentParser
import Foundation
import HeraldApp
import HeraldConfig
import HeraldCore
import HeraldStore
import Logging
import Metrics
import Prometheus

/// `herald serve`: run the daemon until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the daemon: receive webhooks, journal them, act on them.",
        discussion: "SIGTERM or SIGINT stop it gracefully; SIGHUP reloads the configuration."
    )

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load()
        let level = Reloadable(configuration.logging.level.loggerLevel)
        let format = configuration.logging.format
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, format: format, level: level) }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "herald")
        let daemon: HeraldDaemon
        do {
            daemon = try buildServiceGroup(
                configuration: configuration, registry: registry, logger: logger, logLevel: level)
        } catch let error as StoreError {
            logger.critical(
                "cannot start", metadata: ["error": "\(error)", "state_directory": "\(configuration.stateDirectory)"])
            // Another daemon on this journal may stop: a restart can help. Anything else of the store's
            // (a schema this binary cannot read, a mode that did not take) it cannot.
            if case .stateLocked = error { throw ExitCode(69) }
            throw ExitCode(78)
        } catch {
            logger.critical(
                "cannot start", metadata: ["error": "\(error)", "state_directory": "\(configuration.stateDirectory)"])
            throw ExitCode.failure
        }
        do {
            try await daemon.run()
        } catch {
            // One line that says what failed and what to do, and an exit code systemd can act on.
            let failure = ServeFailure.from(error, configuration: configuration)
            logger.critical("herald stopped: \(failure.description)")
            throw ExitCode(failure.exitCode)
        }
        logger.notice("herald stopped")
    }
}
