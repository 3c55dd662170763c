import Foundation
import HeraldCore

/// Who can reach Herald's webhooks: checked when the configuration loads, so that a daemon other
/// machines can reach never accepts events from anyone by default.
///
/// Events trigger scans, notifications and, through rules, cleanup: on an address other machines
/// reach, a source without credentials lets anyone on the network do all of that. Such a source
/// is refused unless it says `allow_unauthenticated: true`, and so are the sample
/// configuration's placeholder secrets (`sample-…`), which are public.
extension HeraldConfiguration {
    /// Sources left open (enabled, no credential configured, no signature).
    public var openSources: [String] {
        var open: [String] = []
        for (name, settings) in builtInSources where settings.enabled && settings.credentials.isOpen {
            open.append(name)
        }
        for endpoint in sources.generic where endpoint.credentials.isOpen && endpoint.signature == nil {
            open.append("generic/\(endpoint.name)")
        }
        return open
    }

    /// Whether the listener accepts connections from this machine only.
    public var listensOnLoopbackOnly: Bool {
        let host = server.host.lowercased()
        return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    private var builtInSources: [(String, SourceSettings)] {
        [
            ("plex", sources.plex), ("tautulli", sources.tautulli), ("sonarr", sources.sonarr),
            ("radarr", sources.radarr), ("lidarr", sources.lidarr),
        ]
    }

    /// Open sources not explicitly allowed to be, and placeholder secrets, when other machines can connect.
    func exposureProblems(root: ConfigMapping) {
        guard !listensOnLoopbackOnly else { return }
        let location = root.value("sources") ?? root.value("server")
        let allowed =
            Set(builtInSources.filter { $0.1.allowUnauthenticated }.map(\.0))
            .union(sources.generic.filter(\.allowUnauthenticated).map { "generic/\($0.name)" })
        let refused = openSources.filter { !allowed.contains($0) }
        if !refused.isEmpty {
            let names = refused.joined(separator: ", ")
            root.reader.error(
                "server.host \(server.host) lets other machines connect, and these sources have no credentials: "
                    + "\(names). Anyone on the network could send events that trigger scans, notifications and "
                    + "cleanup. Give each a token (or username and password), listen on 127.0.0.1, disable it "
                    + "(enabled: false), or accept this with allow_unauthenticated: true",
                at: location)
        }
        var placeholders: [String] = []
        if api.token.map(Self.isPlaceholder) == true { placeholders.append("api.token") }
        for (name, settings) in builtInSources where settings.enabled {
            if settings.credentials.token.map(Self.isPlaceholder) == true {
                placeholders.append("sources.\(name).token")
            }
            if settings.credentials.password.map(Self.isPlaceholder) == true {
                placeholders.append("sources.\(name).password")
            }
        }
        for endpoint in sources.generic {
            if endpoint.credentials.token.map(Self.isPlaceholder) == true {
                placeholders.append("sources.generic.\(endpoint.name).token")
            }
            if endpoint.credentials.password.map(Self.isPlaceholder) == true {
                placeholders.append("sources.generic.\(endpoint.name).password")
            }
        }
        if !placeholders.isEmpty {
            root.reader.error(
                "server.host \(server.host) lets other machines connect, and \(placeholders.joined(separator: ", ")) "
                    + "still hold the sample configuration's public placeholder secrets (sample-…): set your own",
                at: location)
        }
    }

    /// The sample configuration's secrets all start with `sample-`.
    private static func isPlaceholder(_ secret: Secret) -> Bool {
        secret.value.hasPrefix("sample-")
    }
}
