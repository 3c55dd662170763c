import Foundation
import HeraldCore
import Yams

extension HeraldConfiguration {
    /// Loads and validates a configuration file.
    ///
    /// - Parameters:
    ///   - file: Path of the YAML file.
    ///   - environment: Variables for `${NAME}` expansion and `$CREDENTIALS_DIRECTORY`.
    /// - Throws: `ConfigError` listing every problem, each with `file:line:column`.
    public static func load(
        file: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> HeraldConfiguration {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ConfigError(diagnostics: [
                ConfigDiagnostic(file: file, line: 0, column: 0, message: "cannot read the configuration file")
            ])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(diagnostics: [
                ConfigDiagnostic(file: file, line: 0, column: 0, message: "the configuration file is not UTF-8 text")
            ])
        }
        return try parse(yaml: text, file: file, environment: environment)
    }

    /// The nearest existing path at or above `directory` when it is not a directory (a regular
    /// file in the way, which would only show as an error once the daemon starts).
    static func fileBlocking(directory: String) -> String? {
        guard !directory.isEmpty else { return nil }
        var path = directory
        while !path.isEmpty, path != "/" {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                return isDirectory.boolValue ? nil : path
            }
            path = (path as NSString).deletingLastPathComponent
        }
        return nil
    }

    /// Parses configuration text; `file` is used for messages and for resolving relative `*_file` paths.
    public static func parse(
        yaml: String,
        file: String,
        environment: [String: String] = [:]
    ) throws(ConfigError) -> HeraldConfiguration {
        let reader = ConfigReader(file: file, environment: environment)
        guard let root = reader.root(yaml: yaml) else { throw ConfigError(diagnostics: reader.diagnostics) }

        let stateDirectoryGiven = root.value("state_directory") != nil
        let stateDirectory = root.string("state_directory") ?? environment["STATE_DIRECTORY"]
        if stateDirectory == nil, !stateDirectoryGiven {
            reader.error("'state_directory' is required (where Herald keeps its journal)", at: nil)
        }
        var configuration = HeraldConfiguration(
            file: file, stateDirectory: stateDirectory.map { resolve($0, against: reader.baseDirectory) } ?? "")
        if let blocker = Self.fileBlocking(directory: configuration.stateDirectory) {
            reader.error(
                "'state_directory' \(configuration.stateDirectory) cannot be a directory: \(blocker) is a file",
                at: root.value("state_directory"))
        }
        if let server = root.mapping("server") { configuration.server = readServer(server) }
        if let logging = root.mapping("log") { configuration.logging = readLogging(logging) }
        if let journal = root.mapping("journal") { configuration.journal = readJournal(journal) }
        if let api = root.mapping("api") {
            configuration.api.token = api.secret("token")
            api.finish()
        }
        if let sources = root.mapping("sources") { configuration.sources = readSources(sources) }
        if let plex = root.mapping("plex") { configuration.plexServers = readPlexServers(plex) }
        if let watch = root.mapping("watch") { configuration.watch = readWatch(watch) }
        if let tautulli = root.mapping("tautulli") {
            let url = tautulli.string("url")
            let key = tautulli.secret("api_key")
            if url == nil {
                reader.error("'tautulli.url' is required (such as http://127.0.0.1:8181)", at: tautulli.node)
            }
            if let url, URL(string: url)?.scheme.map({ ["http", "https"].contains($0) }) != true {
                reader.error(
                    "'tautulli.url' must be an http:// or https:// URL, not '\(url)'", at: tautulli.value("url"))
            }
            if key == nil, tautulli.value("api_key") == nil, tautulli.value("api_key_file") == nil {
                reader.error(
                    "'tautulli.api_key' (or 'api_key_file') is required: Tautulli > Settings > Web Interface > API key",
                    at: tautulli.node)
            }
            var settings = TautulliSettings(url: url ?? "", apiKey: key ?? Secret(""))
            if let size = tautulli.int("page_size", in: 10...10_000) { settings.pageSize = size }
            if let timeout = tautulli.duration("timeout") { settings.timeout = timeout }
            tautulli.finish()
            configuration.tautulli = settings
        }
        if let cleanup = root.mapping("cleanup") {
            configuration.cleanup = readCleanup(cleanup, baseDirectory: reader.baseDirectory)
        }
        if let notifications = root.mapping("notifications") {
            configuration.notifications = readNotifications(notifications)
        }
        if let zoneNode = root.value("timezone"), let zone = root.string("timezone") {
            if let timeZone = TimeZone(identifier: zone) {
                configuration.timeZone = timeZone
            } else {
                reader.error("'timezone' must be a zone name such as Europe/Paris or UTC, not '\(zone)'", at: zoneNode)
            }
        }
        let rulesNode = root.value("rules_directory")
        if let directory = root.string("rules_directory") {
            configuration.rulesDirectory = resolve(directory, against: reader.baseDirectory)
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: configuration.rulesDirectory!, isDirectory: &isDirectory)
                || !isDirectory.boolValue
            {
                reader.error("'rules_directory': no such directory: \(configuration.rulesDirectory!)", at: rulesNode)
            }
        } else {
            let beside = resolve("rules", against: reader.baseDirectory)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: beside, isDirectory: &isDirectory), isDirectory.boolValue {
                configuration.rulesDirectory = beside
            }
        }
        root.finish()
        configuration.exposureProblems(root: root)

        var diagnostics = reader.diagnostics
        if let directory = configuration.rulesDirectory, diagnostics.isEmpty {
            do {
                let set = try RuleFileLoader.loadSet(
                    directory: directory, knownServers: Set(configuration.plexServers.map(\.name)),
                    knownChannels: Set(configuration.notifications.channels.map(\.name)),
                    knownTemplates: configuration.notifications.templateNames, environment: environment)
                configuration.rules = set.rules
                configuration.cleanupRules = set.cleanup
                diagnostics += cleanupRuleProblems(configuration)
            } catch {
                diagnostics += error.diagnostics
            }
        }
        if !diagnostics.isEmpty { throw ConfigError(diagnostics: diagnostics) }
        return configuration
    }

    /// Makes a relative path relative to the configuration file's directory, and absolute.
    static func resolve(_ path: String, against directory: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        var base = directory.isEmpty ? FileManager.default.currentDirectoryPath : directory
        if !base.hasPrefix("/") { base = FileManager.default.currentDirectoryPath + "/" + base }
        return ((base as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    private static func readWatch(_ map: ConfigMapping) -> WatchConfiguration {
        var watch = WatchConfiguration()
        func list(_ key: String) -> [String] {
            guard let node = map.value(key) else { return [] }
            return (node.sequence.map(Array.init) ?? [node]).compactMap { map.reader.string($0, path: "watch.\(key)") }
        }
        // Each root is a path (inotify), or {path, mode: poll|inotify, interval} for mounts inotify cannot see.
        if let rootsNode = map.value("roots") {
            for (index, item) in (rootsNode.sequence.map(Array.init) ?? [rootsNode]).enumerated() {
                var path: String?
                var interval: Duration?
                if item.mapping != nil, let entry = map.reader.mapping(item, path: "watch.roots[\(index)]") {
                    path = entry.string("path")
                    let mode = entry.string("mode") ?? "inotify"
                    if !["inotify", "poll"].contains(mode) {
                        map.reader.error(
                            "'watch.roots[\(index)].mode' must be 'inotify' or 'poll', not '\(mode)'", at: item)
                    }
                    if mode == "poll" { interval = entry.duration("interval") ?? .seconds(60) }
                    if path == nil { map.reader.error("'watch.roots[\(index)]' needs a 'path'", at: item) }
                    entry.finish()
                } else {
                    path = map.reader.string(item, path: "watch.roots[\(index)]")
                }
                guard let path else { continue }
                let resolved = resolve(path, against: map.reader.baseDirectory)
                var isDirectory: ObjCBool = false
                if !FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory)
                    || !isDirectory.boolValue
                {
                    map.reader.error("'watch.roots[\(index)]': no such directory: \(resolved)", at: item)
                }
                if let interval { watch.pollRoots.append((resolved, interval)) } else { watch.roots.append(resolved) }
            }
        }
        watch.exclude = list("exclude")
        for pattern in watch.exclude where (try? Glob(pattern, separator: nil)) == nil {
            map.reader.error("'watch.exclude': '\(pattern)' is not a valid glob", at: map.value("exclude"))
        }
        if let flag = map.bool("default_excludes") { watch.defaultExcludes = flag }
        if let settle = map.duration("settle") { watch.settle = settle }
        map.finish()
        return watch
    }

    private static func readPlexServers(_ map: ConfigMapping) -> [PlexServerSettings] {
        var servers: [PlexServerSettings] = []
        for (name, node) in map.allEntries {
            _ = map.value(name)
            guard let entry = map.reader.mapping(node, path: "plex.\(name)") else { continue }
            let url = entry.string("url")
            let token = entry.secret("token")
            if entry.value("url") == nil {
                map.reader.error("'plex.\(name).url' is required (such as http://127.0.0.1:32400)", at: node)
            }
            if let url, URL(string: url)?.scheme.map({ ["http", "https"].contains($0) }) != true {
                map.reader.error(
                    "'plex.\(name).url' must be an http:// or https:// URL, not '\(url)'", at: entry.value("url"))
            }
            if token == nil, entry.value("token") == nil, entry.value("token_file") == nil {
                map.reader.error(
                    "'plex.\(name).token' (or 'token_file') is required: Plex answers 401 without one", at: node)
            }
            var server = PlexServerSettings(
                name: name, url: (url ?? "").trimmingCharacters(in: ["/"]), token: token ?? Secret(""))
            if let list = entry.value("rewrites") {
                server.rewrites = readRewrites(list, reader: map.reader, path: "plex.\(name).rewrites")
            }
            if let anchors = entry.value("anchors") {
                let items = anchors.sequence.map(Array.init) ?? [anchors]
                server.anchors = items.compactMap { map.reader.string($0, path: "plex.\(name).anchors") }
            }
            if let pacing = entry.duration("pacing") { server.pacing = pacing }
            if let timeout = entry.duration("timeout") { server.timeout = timeout }
            if let refresh = entry.duration("sections_refresh") { server.sectionsRefresh = refresh }
            if let attempts = entry.int("max_attempts", in: 1...1000) { server.maxAttempts = attempts }
            if let gate = entry.mapping("gate") {
                var settings = SettleGate()
                if let stable = gate.duration("stable_for") { settings.stableFor = stable }
                if let checks = gate.int("max_checks", in: 1...10_000) { settings.maxChecks = checks }
                gate.finish()
                server.gate = settings
            }
            if let verifyNode = entry.value("verify") {
                if verifyNode.scalar != nil {
                    if entry.bool("verify") == true { server.verification = ScanVerification() }
                } else if let verify = entry.mapping("verify") {
                    var settings = ScanVerification()
                    if let interval = verify.duration("interval") { settings.interval = interval }
                    if let timeout = verify.duration("timeout") { settings.timeout = timeout }
                    verify.finish()
                    server.verification = settings
                }
            }
            if let inventory = entry.mapping("inventory") {
                var schedule = InventorySchedule()
                if let every = inventory.duration("every") { schedule.every = every }
                if let size = inventory.int("page_size", in: 10...10_000) { schedule.pageSize = size }
                if let every = inventory.duration("incremental_every") { schedule.incrementalEvery = every }
                if let delay = inventory.duration("incremental_delay") { schedule.incrementalDelay = delay }
                inventory.finish()
                server.inventory = schedule
            }
            if let retry = entry.mapping("retry") {
                if let initial = retry.duration("initial") { server.retry.initialDelay = initial }
                if let maximum = retry.duration("max") { server.retry.maximumDelay = maximum }
                retry.finish()
            }
            entry.finish()
            servers.append(server)
        }
        return servers
    }

    private static func readServer(_ map: ConfigMapping) -> ServerSettings {
        var server = ServerSettings()
        if let host = map.string("host") { server.host = host }
        if let port = map.int("port", in: 0...65_535) { server.port = port }
        if let size = map.byteSize("max_body_size") { server.maxBodySize = size }
        if let size = map.byteSize("max_thumb_size") { server.maxThumbSize = size }
        if let timeout = map.duration("shutdown_timeout") { server.shutdownTimeout = timeout }
        if let timeout = map.duration("idle_timeout") { server.idleTimeout = timeout }
        map.finish()
        return server
    }

    private static func readLogging(_ map: ConfigMapping) -> LoggingSettings {
        var logging = LoggingSettings()
        if let format = map.choice("format", as: LoggingSettings.Format.self) { logging.format = format }
        if let level = map.choice("level", as: LoggingSettings.Level.self) { logging.level = level }
        map.finish()
        return logging
    }

    private static func readJournal(_ map: ConfigMapping) -> JournalSettings {
        var journal = JournalSettings()
        if let mode = map.choice("synchronous", as: JournalSettings.Synchronous.self) { journal.synchronous = mode }
        if let batch = map.int("max_batch", in: 1...100_000) { journal.maxBatch = batch }
        if let node = map.value("retention"), let text = map.reader.string(node, path: "journal.retention") {
            if ["forever", "none", "off"].contains(text) {
                journal.retention = nil
            } else if let duration = ConfigValueParser.duration(text), duration >= .seconds(3600) {
                journal.retention = duration
            } else {
                map.reader.error(
                    "'journal.retention' must be a duration of at least 1h (such as 90d) or 'forever'", at: node)
            }
        }
        map.finish()
        return journal
    }

    private static func readSources(_ map: ConfigMapping) -> SourcesSettings {
        var sources = SourcesSettings()
        func source(_ key: String) -> SourceSettings {
            guard let entry = map.mapping(key) else { return SourceSettings() }
            var settings = SourceSettings()
            if let enabled = entry.bool("enabled") { settings.enabled = enabled }
            settings.credentials = readCredentials(entry)
            if let allow = entry.bool("allow_unauthenticated") { settings.allowUnauthenticated = allow }
            entry.finish()
            return settings
        }
        sources.plex = source("plex")
        sources.tautulli = source("tautulli")
        sources.sonarr = source("sonarr")
        sources.radarr = source("radarr")
        sources.lidarr = source("lidarr")
        if let generic = map.mapping("generic") {
            for (name, node) in generic.allEntries {
                guard let entry = generic.reader.mapping(node, path: "sources.generic.\(name)") else { continue }
                if !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
                    generic.reader.error(
                        "generic endpoint name '\(name)' may contain only letters, digits, '-' and '_' (it is a URL path)",
                        at: node)
                }
                var endpoint = GenericEndpointSettings(name: name)
                endpoint.credentials = readCredentials(entry)
                if let allow = entry.bool("allow_unauthenticated") { endpoint.allowUnauthenticated = allow }
                if let signature = entry.mapping("signature") { endpoint.signature = readSignature(signature) }
                entry.finish()
                sources.generic.append(endpoint)
            }
            _ = generic.allEntries.map { generic.value($0.key) }
        }
        map.finish()
        return sources
    }

    private static func readCredentials(_ map: ConfigMapping) -> SourceCredentials {
        var credentials = SourceCredentials()
        credentials.token = map.secret("token")
        credentials.username = map.string("username")
        credentials.password = map.secret("password")
        if (credentials.username == nil) != (credentials.password == nil) {
            map.reader.error("'\(map.path)' needs both 'username' and 'password' for HTTP Basic", at: map.node)
        }
        return credentials
    }

    private static func readSignature(_ map: ConfigMapping) -> SignatureSettings? {
        let scheme = map.choice("scheme", as: SignatureSettings.Scheme.self)
        let secret = map.secret("secret")
        let tolerance = map.duration("tolerance")
        if map.value("scheme") == nil { map.reader.error("'\(map.path).scheme' is required", at: map.node) }
        if secret == nil, map.value("secret") == nil, map.value("secret_file") == nil {
            map.reader.error("'\(map.path).secret' (or 'secret_file') is required", at: map.node)
        }
        map.finish()
        guard let scheme, let secret else { return nil }
        return SignatureSettings(scheme: scheme, secret: secret, tolerance: tolerance ?? .seconds(300))
    }
}
