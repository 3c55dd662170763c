import Foundation
import HeraldConfig
import HeraldCore
import HeraldStore
import Logging

/// The dispatch handler: evaluates the rules in force for each event and records the resulting
/// jobs in the dispatch transaction (so an event and its jobs are never half-recorded).
public struct RuleDispatch: Sendable {
    let configuration: Reloadable<HeraldConfiguration>
    let logger: Logger
    let now: @Sendable () -> Date

    public init(configuration: Reloadable<HeraldConfiguration>, logger: Logger, now: @escaping @Sendable () -> Date) {
        self.configuration = configuration
        self.logger = logger
        self.now = now
    }

    /// The handler for the rules in force, or nil when there are none (events are then only marked).
    public var handler: DispatchHandler? {
        guard !configuration.current.rules.isEmpty else { return nil }
        return { db, entries in
            let configuration = configuration.current
            let engine = RuleEngine(rules: configuration.rules, timeZone: configuration.timeZone ?? .current)
            var sections: [String: [PlexSection]] = [:]
            for server in configuration.plexServers {
                sections[server.name] = try AppDatabase.sections(db, server: server.name)
            }
            let now = now()
            let scans = ScanBatch(db)
            var kinds = RuleEngine.KindIndex()
            for entry in entries {
                for decision in engine.decisions(for: entry.event, index: &kinds) {
                    switch decision.action {
                    case .scan(let spec):
                        try scans.schedule(
                            event: entry.event, spec: spec, servers: configuration.plexServers, sections: sections,
                            rule: decision.rule, now: now)
                    case .log(let spec):
                        logger.log(
                            level: Logger.Level(rawValue: spec.level) ?? .info, "\(spec.message)",
                            metadata: [
                                "rule.name": "\(decision.rule)", "event.kind": "\(entry.event.kind)",
                                "event.id": "\(entry.event.id)",
                                "event.paths": "\(entry.event.paths.joined(separator: ", "))",
                            ])
                    }
                }
            }
            try scans.flush()
        }
    }
}
