import Foundation
import HeraldConfig
import HeraldCore
import HeraldIngest
import HeraldNotify
import HeraldPlex
import HeraldStore

/// `herald rules test`: decodes a webhook body as Herald would, and explains what every rule makes
/// of it, down to the exact Plex requests a scan would send.
public struct RulesExplainer {
    public let configuration: HeraldConfiguration
    /// Each server's sections, when known (from the state database or asked of Plex).
    public var sections: [String: [PlexSection]]

    public init(configuration: HeraldConfiguration, sections: [String: [PlexSection]]) {
        self.configuration = configuration
        self.sections = sections
    }

    /// Decodes a body as coming from `source`, or guesses the source from the body's shape.
    public static func decode(_ body: Data, source: String?) throws -> Event {
        let guessed = source ?? guessSource(body)
        switch guessed {
        case "plex": return try PlexWebhookDecoder.decode(body)
        case "tautulli": return try TautulliWebhookDecoder.decode(body)
        case "sonarr": return try SonarrWebhookDecoder.decode(body)
        case "radarr": return try RadarrWebhookDecoder.decode(body)
        case "lidarr": return try LidarrWebhookDecoder.decode(body)
        case "generic": return try GenericWebhookDecoder.decode(body, endpoint: "test", event: nil)
        default:
            throw EventQuery.InvalidQuery(
                description: "unknown source '\(guessed)' (plex, tautulli, sonarr, radarr, lidarr, generic)")
        }
    }

    static func guessSource(_ body: Data) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return "generic" }
        if object["eventType"] != nil {
            if object["series"] != nil || object["episodes"] != nil { return "sonarr" }
            if object["artist"] != nil || object["album"] != nil { return "lidarr" }
            return "radarr"
        }
        if object["event"] != nil, object["Account"] != nil || object["Metadata"] != nil || object["Server"] != nil {
            return "plex"
        }
        if object["action"] != nil { return "tautulli" }
        return "generic"
    }

    /// The full explanation, as printed.
    public func explain(_ event: Event) -> String {
        var lines: [String] = ["Event", "  kind:    \(event.kind)", "  source:  \(event.source.rawValue)"]
        if let reason = event.ignoredReason { lines.append("  ignored: \(reason)") }
        for path in event.paths { lines.append("  path:    \(path)") }
        for path in event.previousPaths { lines.append("  was:     \(path)") }
        if let about = event.media.summary {
            lines.append("  media:   \(about) [\(event.media.type?.rawValue ?? "?")]")
        }
        let guids = [
            event.media.guids.imdb.map { "imdb \($0)" }, event.media.guids.tmdb.map { "tmdb \($0)" },
            event.media.guids.tvdb.map { "tvdb \($0)" }, event.media.guids.plex.map { "plex \($0)" },
        ].compactMap { $0 }
        if !guids.isEmpty { lines.append("  ids:     " + guids.joined(separator: ", ")) }
        if let user = event.user { lines.append("  user:    \(user)") }
        if let player = event.player { lines.append("  player:  \(player)") }

        let engine = RuleEngine(rules: configuration.rules, timeZone: configuration.timeZone ?? .current)
        lines.append("")
        lines.append(configuration.rules.isEmpty ? "Rules: none loaded" : "Rules (\(configuration.rules.count))")
        for verdict in engine.explain(event) {
            let outcome: String
            switch verdict.outcome {
            case .matched: outcome = "MATCHES"
            case .conditionFalse: outcome = "no match"
            case .skipped(let reason): outcome = "skipped: \(reason)"
            }
            lines.append("  \(verdict.rule.name) (\(verdict.rule.location)): \(outcome)")
            for leaf in verdict.trace {
                lines.append("    \(leaf.result ? "✓" : "✗") \(leaf)")
            }
        }
        lines.append("")
        let decisions = engine.decisions(for: event)
        lines.append(decisions.isEmpty ? "Actions: none" : "Actions")
        for decision in decisions {
            switch decision.action {
            case .log(let spec):
                lines.append("  log (\(decision.rule)): [\(spec.level)] \(spec.message)")
            case .scan(let spec):
                lines.append(
                    "  scan (\(decision.rule)): wait \(spec.wait.shortDescription), max_wait \(spec.maxWait.shortDescription), "
                        + "priority \(spec.priority)")
                lines += scanLines(event, spec)
            case .notify(let spec):
                lines += notifyLines(event, spec, rule: decision.rule)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The channels, template and grouping, and the message as it would be rendered now.
    private func notifyLines(_ event: Event, _ spec: NotifyActionSpec, rule: String) -> [String] {
        var header = "  notify (\(rule)): to \(spec.channels.joined(separator: ", "))"
        if spec.groupBy != .none {
            header += ", group_by \(spec.groupBy.rawValue) within \(spec.window.shortDescription)"
        }
        if let cooldown = spec.cooldown { header += ", cooldown \(cooldown.shortDescription)" }
        var lines = [header]
        let item = NotificationItem(event: event)
        guard let templates = try? NotificationTemplates(directory: configuration.notifications.templatesDirectory)
        else { return lines + ["    (templates do not load: run herald check)"] }
        let renderer = NotificationRenderer(templates: templates)
        for name in spec.channels {
            guard let channel = configuration.notifications.channel(named: name) else { continue }
            let template = spec.template ?? channel.template ?? NotificationTemplates.defaultName(forKind: event.kind)
            let severity = spec.severity ?? NotificationTemplates.defaultSeverity(template: template, kind: event.kind)
            if severity < channel.minimumSeverity {
                lines.append("    \(name): below the channel's floor (\(channel.minimumSeverity.rawValue)) → not sent")
                continue
            }
            let content = renderer.render(
                template: template, items: [item], severity: severity, rule: rule, channel: name, now: event.receivedAt)
            lines.append(
                "    \(name) (\(channel.service.rawValue), template \(template), \(severity.rawValue)): \(content.title)"
            )
            for line in content.body.split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append("      | \(line)")
            }
        }
        return lines
    }

    private func scanLines(_ event: Event, _ spec: ScanActionSpec) -> [String] {
        guard event.source != .herald else { return ["    (internal events never cause scans)"] }
        var lines: [String] = []
        for server in configuration.plexServers where spec.servers.isEmpty || spec.servers.contains(server.name) {
            let folders = ScanPlanner.folders(for: event, server: server)
            if folders.isEmpty { lines.append("    \(server.name): no paths to scan") }
            for folder in folders {
                guard let known = sections[server.name] else {
                    lines.append(
                        "    \(server.name): \(folder) (sections unknown: Plex not reached and no stored list)")
                    continue
                }
                let matched = ScanPlanner.sections(for: folder, in: known)
                if matched.isEmpty {
                    lines.append("    \(server.name): \(folder) matches no section → dropped (herald.scan.unmatched)")
                }
                for section in matched {
                    lines.append(
                        "    GET \(server.url)/library/sections/\(section.key)/refresh?path=\(LivePlexClient.encode(folder))"
                            + "  [\(section.title)]")
                }
            }
        }
        if lines.isEmpty { lines.append("    no configured Plex server is named by this action") }
        return lines
    }
}
