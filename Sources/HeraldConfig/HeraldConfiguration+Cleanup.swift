import Foundation
import HeraldCore
import Yams

extension HeraldConfiguration {
    /// ```yaml
    /// cleanup:
    ///   archive_root: /mnt/archive
    ///   media_roots: [/mnt/media]
    ///   paths: [{from: "^/data/", to: "/mnt/media/"}]   # Plex's paths → Herald's
    ///   check_every: 5m
    ///   check_sessions: true
    ///   sidecars: true
    /// ```
    static func readCleanup(_ map: ConfigMapping, baseDirectory: String) -> CleanupSettings {
        var settings = CleanupSettings()
        if let node = map.value("archive_root"), let root = map.string("archive_root") {
            if root.hasPrefix("/") {
                settings.archiveRoot = PathMatching.normalised(root)
            } else {
                map.reader.error("'cleanup.archive_root' must be an absolute path, not '\(root)'", at: node)
            }
        }
        if let node = map.value("media_roots") {
            for item in node.sequence.map(Array.init) ?? [node] {
                guard let root = map.reader.string(item, path: "cleanup.media_roots") else { continue }
                if root.hasPrefix("/") {
                    settings.mediaRoots.append(PathMatching.normalised(root))
                } else {
                    map.reader.error("'cleanup.media_roots' entries must be absolute paths, not '\(root)'", at: item)
                }
            }
        }
        if let list = map.value("paths") {
            settings.paths = readRewrites(list, reader: map.reader, path: "cleanup.paths")
        }
        if let every = map.duration("check_every") {
            if every < .seconds(1) {
                map.reader.error("'cleanup.check_every' must be at least 1s", at: map.value("check_every"))
            } else {
                settings.checkEvery = every
            }
        }
        if let check = map.bool("check_sessions") { settings.checkSessions = check }
        if let sidecars = map.bool("sidecars") { settings.sidecars = sidecars }
        map.finish()
        return settings
    }

    /// A list of `{from: REGEX, to: TEMPLATE}` path rewrites.
    static func readRewrites(_ list: Node, reader: ConfigReader, path: String) -> [PathRewrite] {
        guard let items = list.sequence.map(Array.init) else {
            reader.error("'\(path)' must be a list", at: list)
            return []
        }
        var rewrites: [PathRewrite] = []
        for (index, item) in items.enumerated() {
            guard let rewrite = reader.mapping(item, path: "\(path)[\(index)]") else { continue }
            if let from = rewrite.string("from"), let to = rewrite.string("to") {
                do {
                    rewrites.append(PathRewrite(from: try RegexPattern(from), to: to))
                } catch {
                    reader.error(
                        "'\(path)[\(index)].from' is not a valid regular expression", at: rewrite.value("from"))
                }
            } else {
                reader.error("'\(path)[\(index)]' needs both 'from' and 'to'", at: item)
            }
            rewrite.finish()
        }
        return rewrites
    }

    /// Cleanup rules that cannot be carried out with this configuration: a live archive rule needs
    /// `cleanup.archive_root`. Reported at the rule's line.
    static func cleanupRuleProblems(_ configuration: HeraldConfiguration) -> [ConfigDiagnostic] {
        configuration.cleanupRules.compactMap { rule in
            guard rule.action == .archive, !rule.dryRun, configuration.cleanup.archiveRoot == nil else { return nil }
            return ConfigDiagnostic(
                file: rule.location.file, line: rule.location.line, column: 0,
                message:
                    "rule '\(rule.name)' archives (dry_run: false) but 'cleanup.archive_root' is not set in \(configuration.file)"
            )
        }
    }
}
