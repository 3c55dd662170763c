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
            "  shutdown_timeout: \(seconds(server.shutdownTimeout))",
            "log:", "  format: \(logging.format.rawValue)", "  level: \(logging.level.rawValue)",
            "journal:", "  synchronous: \(journal.synchronous.rawValue)", "  max_batch: \(journal.maxBatch)",
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
        return lines.joined(separator: "\n") + "\n"
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
