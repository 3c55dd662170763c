import Foundation
import HeraldConfig
import HeraldCore
import HeraldNotify
import HeraldStore
import Logging
import Synchronization

/// The dispatch handler: evaluates the rules in force for each event and returns the jobs they
/// lead to, which the store records in the dispatch transaction (so an event and its jobs are
/// never half-recorded).
public struct RuleDispatch: Sendable {
    let configuration: Reloadable<HeraldConfiguration>
    let logger: Logger
    let now: @Sendable () -> Date
    private let engines = EngineCache()

    public init(configuration: Reloadable<HeraldConfiguration>, logger: Logger, now: @escaping @Sendable () -> Date) {
        self.configuration = configuration
        self.logger = logger
        self.now = now
    }

    /// The handler for the rules in force, or nil when there are none (events are then only marked).
    public var handler: DispatchHandler? {
        guard !configuration.current.rules.isEmpty else { return nil }
        return { entries in
            let configuration = configuration.current
            let engine = engines.engine(for: configuration.rules, timeZone: configuration.timeZone ?? .current)
            var work = DispatchWork(decidedAt: now())
            work.servers = configuration.plexServers
            var kinds = RuleEngine.KindIndex()
            for entry in entries {
                var item: NotificationItem?
                for decision in engine.decisions(for: entry.event, index: &kinds) {
                    switch decision.action {
                    case .notify(let spec):
                        let made = item ?? NotificationItem(event: entry.event)
                        item = made
                        work.notifications += Self.messages(
                            made, spec: spec, rule: decision.rule, notifications: configuration.notifications)
                    case .scan(let spec):
                        work.scans.append(DispatchWork.Scan(event: entry.event, spec: spec, rule: decision.rule))
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
            return work
        }
    }

    /// One `notify` action's message for each of its channels.
    static func messages(
        _ item: NotificationItem, spec: NotifyActionSpec, rule: String, notifications: NotificationConfiguration
    ) -> [DispatchWork.Notification] {
        spec.channels.compactMap { name in
            guard let channel = notifications.channel(named: name) else { return nil }
            // A channel's own failure is never reported to itself (it would fail again, forever).
            if item.kind.hasPrefix("herald.delivery."), item.detail["channel"] == name { return nil }
            let template = spec.template ?? channel.template ?? NotificationTemplates.defaultName(forKind: item.kind)
            let severity = spec.severity ?? NotificationTemplates.defaultSeverity(template: template, kind: item.kind)
            return DispatchWork.Notification(
                item: item, channel: channel, spec: spec, rule: rule, template: template, severity: severity)
        }
    }
}

/// The rule engine for the rules in force, built (and its conditions compiled) once per
/// configuration instead of once per dispatch batch. Unchanged rules share their array's storage,
/// so checking them costs one comparison.
private final class EngineCache: Sendable {
    private let cached = Mutex<RuleEngine?>(nil)

    func engine(for rules: [Rule], timeZone: TimeZone) -> RuleEngine {
        cached.withLock { cached in
            if let engine = cached, engine.timeZone == timeZone, engine.rules == rules { return engine }
            let engine = RuleEngine(rules: rules, timeZone: timeZone)
            cached = engine
            return engine
        }
    }
}
