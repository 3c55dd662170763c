import Foundation
import HeraldConfig
import HeraldCore
import HeraldIngest
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the configuration on SIGHUP (systemd's `ExecReload`).
///
/// A new configuration that does not validate is refused, its problems logged with file:line, and
/// the running one stays in force. Settings that need a new listener or database (address, port,
/// state directory) are reported as needing a restart.
struct ReloadService: Service {
    let file: String
    let environment: [String: String]
    let running: Reloadable<HeraldConfiguration>
    let ingest: Reloadable<IngestSettings>
    let logLevel: Reloadable<Logger.Level>
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            reload()
        }
    }

    /// Loads the file again and applies it, or keeps the running configuration.
    func reload() {
        let old = running.current
        let new: HeraldConfiguration
        do {
            new = try HeraldConfiguration.load(file: file, environment: environment)
        } catch {
            for diagnostic in error.diagnostics { logger.error("\(diagnostic)") }
            logger.error(
                "configuration reload refused; the running configuration stays in force",
                metadata: ["config.file": "\(file)", "config.problems": "\(error.diagnostics.count)"])
            return
        }
        var restartNeeded: [String] = []
        if new.server.host != old.server.host || new.server.port != old.server.port {
            restartNeeded.append("server address")
        }
        if new.stateDirectory != old.stateDirectory { restartNeeded.append("state_directory") }
        if new.logging.format != old.logging.format { restartNeeded.append("log.format") }
        if new.journal != old.journal { restartNeeded.append("journal") }
        if new.notifications != old.notifications { restartNeeded.append("notifications") }
        if new.cleanupRules != old.cleanupRules { restartNeeded.append("cleanup rules") }
        if new.tautulli != old.tautulli { restartNeeded.append("tautulli") }
        if new.plexServers != old.plexServers { restartNeeded.append("plex") }
        running.replace(with: new)
        ingest.replace(with: new.ingestSettings)
        logLevel.replace(with: new.logging.level.loggerLevel)
        logger.notice("configuration reloaded", metadata: ["config.file": "\(file)"])
        if !restartNeeded.isEmpty {
            logger.warning(
                "some changes take effect only after a restart",
                metadata: ["config.restart_needed": "\(restartNeeded.joined(separator: ", "))"])
        }
    }
}
