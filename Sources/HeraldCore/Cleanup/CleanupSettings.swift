import Foundation

/// The `cleanup:` section: where archive actions put files, how Plex's paths map to Herald's, and
/// how often due candidates are looked at.
public struct CleanupSettings: Sendable, Equatable {
    /// Where `archive` moves files; required before a rule with `action: archive, dry_run: false` loads.
    public var archiveRoot: String?
    /// Archived files keep their path relative to the first of these that contains them (relative
    /// to `/` when none does), so `/mnt/media/tv/Show/S01/e.mkv` with root `/mnt/media` lands at
    /// `<archive_root>/tv/Show/S01/e.mkv`. Emptied folders are removed up to these roots.
    public var mediaRoots: [String] = []
    /// Plex's file paths to Herald's (`^/data/` → `/mnt/media/`), first match wins; unmatched paths
    /// are used as they are.
    public var paths: [PathRewrite] = []
    /// How often due candidates are checked and acted on.
    public var checkEvery: Duration = .seconds(300)
    /// Refuse to act on anything Plex is playing (`/status/sessions`); when Plex cannot say, wait.
    public var checkSessions = true
    /// Also move or delete sidecar files (`Film (2020).en.srt`, `Film (2020).nfo`) beside each file.
    public var sidecars = true

    public init() {}

    /// The path Herald sees for a file Plex lists.
    public func localPath(_ plexPath: String) -> String {
        PathRewrite.apply(paths, to: plexPath)
    }

    /// Where `archive` puts a local file: under `archiveRoot`, keeping its path relative to the
    /// innermost media root that contains it. nil when no archive root is configured, or for a
    /// path with `.` or `..` components (which could point outside the archive).
    public func archivePath(for local: String) -> String? {
        guard let archiveRoot else { return nil }
        let path = PathMatching.normalised(local)
        let components = path.split(separator: "/")
        guard path.hasPrefix("/"), !components.contains(where: { $0 == ".." || $0 == "." }) else { return nil }
        let root = mediaRoots.map(PathMatching.normalised)
            .filter { PathMatching.isUnderNormalised(path, $0) && path != $0 }
            .max { $0.count < $1.count }
        let relative = (root.map { String(path.dropFirst($0.count)) } ?? path).drop { $0 == "/" }
        return LibraryPath.join(PathMatching.normalised(archiveRoot), String(relative))
    }
}
