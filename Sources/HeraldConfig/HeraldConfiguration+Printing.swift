import Foundation
import HeraldCore

extension HeraldConfiguration {
    /// The effective configuration as YAML, defaults filled in and every secret shown as `<redacted>`.
    ///
    /// This is what `herald check --print` shows, so a user can see what the daemon will really do
    /// without exposing credentials in a terminal or a bug report.
    public var effectiveYAML: String {
        var lines: [String] = ["# effective configuration of \(file)"]
        lines.append("state_directory: \(quoted(stateDirectory))")
        lines += [
            "server:", "  host: \(quoted(server.host))", "  port: \(server.port)",
            "  max_body_size: \(server.maxBodySize)", "  max_thumb_size: \(server.maxThumbSize)",
            "  shutdown_timeout: \(seconds(server.shutdownTimeout))", "  idle_timeout: \(seconds(server.idleTimeout))",
            "log:", "  format: \(logging.format.rawValue)", "  level: \(logging.level.rawValue)",
            "journal:", "  synchronous: \(journal.synchronous.rawValue)", "  max_batch: \(journal.maxBatch)",
            "  retention: \(journal.retention.map(seconds) ?? "forever")",
            "api:", "  token: \(redacted(api.token))",
            "sources:",
        ]
        for (name, source) in [
            ("plex", sources.plex), ("tautulli", sources.tautulli), ("sonarr", sources.sonarr),
            ("radarr", sources.radarr), ("lidarr", sources.lidarr),
        ] {
            lines.append("  \(name):")
            lines.append("    enabled: \(source.enabled)")
            lines += credentialLines(source.credentials, indent: "    ")
        }
        lines.append(sources.generic.isEmpty ? "  generic: {}" : "  generic:")
        for endpoint in sources.generic {
            lines.append("    \(endpoint.name):")
            lines += credentialLines(endpoint.credentials, indent: "      ")
            if let signature = endpoint.signature {
                lines += [
                    "      signature:", "        scheme: \(signature.scheme.rawValue)", "        secret: <redacted>",
                    "        tolerance: \(seconds(signature.tolerance))",
                ]
            }
        }
        lines += notificationLines
        return lines.joined(separator: "\n") + "\n"
    }

    private var notificationLines: [String] {
        var lines = ["notifications:"]
        if let directory = notifications.templatesDirectory {
            lines.append("  templates_directory: \(quoted(directory))")
        }
        lines.append(notifications.channels.isEmpty ? "  channels: {}" : "  channels:")
        for channel in notifications.channels {
            lines.append("    \(channel.name):")
            lines.append("      type: \(channel.service.rawValue)")
            switch channel.target {
            case .discord(let target):
                lines += [
                    "      url: discord://\(target.webhookID)/<redacted>", "      base_url: \(quoted(target.baseURL))",
                ]
                lines.append("      mentions: [\(target.mentions.joined(separator: ", "))]")
            case .slack:
                lines.append("      url: <redacted>")
            case .telegram(let target):
                lines.append("      url: tgram://<redacted>/\(target.chat)\(target.topic.map { ":\($0)" } ?? "")")
                lines += [
                    "      base_url: \(quoted(target.baseURL))", "      parse_mode: \(target.parseMode.rawValue)",
                ]
            case .email(let target):
                lines += [
                    "      host: \(quoted(target.host))", "      port: \(target.port)",
                    "      security: \(target.security.rawValue)", "      from: \(quoted(target.from))",
                    "      to: [\(target.to.map(quoted).joined(separator: ", "))]",
                ]
                if let username = target.username {
                    lines += ["      username: \(quoted(username))", "      password: <redacted>"]
                }
            case .webhook(let target):
                lines += ["      url: \(quoted(target.url))", "      method: \(target.method.rawValue)"]
                lines.append("      secret: \(target.secret == nil ? "null" : "<redacted>")")
            }
            lines.append("      min_severity: \(channel.minimumSeverity.rawValue)")
            if let template = channel.template { lines.append("      template: \(quoted(template))") }
            if let quiet = channel.quietHours {
                func clock(_ minutes: Int) -> String {
                    (minutes / 60 < 10 ? "0" : "") + "\(minutes / 60):" + (minutes % 60 < 10 ? "0" : "")
                        + "\(minutes % 60)"
                }
                lines.append(
                    "      quiet_hours: {from: \"\(clock(quiet.start))\", to: \"\(clock(quiet.end))\", mode: \(quiet.mode.rawValue)}"
                )
            }
            lines.append("      rate_limit: \(channel.effectiveRateLimit.map { "\($0)" } ?? "none")")
            lines.append("      ttl: \(seconds(channel.ttl))")
        }
        return lines
    }

    private func credentialLines(_ credentials: SourceCredentials, indent: String) -> [String] {
        var lines = ["\(indent)token: \(redacted(credentials.token))"]
        if let username = credentials.username {
            lines += ["\(indent)username: \(quoted(username))", "\(indent)password: \(redacted(credentials.password))"]
        }
        return lines
    }

    private func redacted(_ secret: Secret?) -> String { secret == nil ? "null  # open: no credential" : "<redacted>" }

    private func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return attoseconds == 0 ? "\(seconds)s" : "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)ms"
    }

    private func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
