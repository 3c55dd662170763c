import Foundation

/// Turns an event's paths into the folders to scan on one Plex server, and those folders into
/// sections. Pure: the section list is handed in.
public enum ScanPlanner {
    /// Extensions of files Plex cares about; a path ending in anything else is taken as a folder
    /// (a folder named `Mr. Robot` is not a file).
    static let fileExtensions: Set<String> = [
        "mkv", "mp4", "m4v", "avi", "mov", "wmv", "ts", "m2ts", "mpg", "mpeg", "webm", "flv", "iso", "vob", "divx",
        "srt", "ass", "ssa", "sub", "idx", "vtt", "smi", "sup", "nfo", "jpg", "jpeg", "png", "tbn",
        "flac", "mp3", "m4a", "aac", "ogg", "opus", "wav", "alac", "wma", "ape", "dsf", "m4b", "cue", "lrc",
        "part", "tmp", "mka", "mk3d", "3gp", "ogv", "rm", "rmvb", "wtv", "m2v", "aiff", "aif", "dts", "ac3",
    ]

    /// The folder to scan for one path of an event: a file's folder, or the folder itself. That
    /// holds for deletions too: Plex notices a missing folder on a targeted scan of that folder's
    /// own path, where scanning the folder that held it (a series' or a film's: the library
    /// root) would rescan the whole library for each deletion.
    public static func folder(for path: String, kind: String) -> String {
        let trimmed = PathMatching.normalised(path)
        return isFile(trimmed) ? LibraryPath.parent(of: trimmed) : trimmed
    }

    static func isFile(_ path: String) -> Bool {
        PathMatching.fileExtension(path).map(fileExtensions.contains) ?? false
    }

    /// The distinct folders (Plex's view, after rewrites) an event asks to scan on a server.
    public static func folders(for event: Event, server: PlexServerSettings) -> [String] {
        targets(for: event, server: server).map(\.plex)
    }

    /// The distinct folders an event asks to scan, as Herald sees them and as Plex does.
    public static func targets(for event: Event, server: PlexServerSettings) -> [(local: String, plex: String)] {
        var targets: [(local: String, plex: String)] = []
        // Most events name one path: the set of folders seen is made only when there are several.
        var seen: Set<String>?
        func add(_ path: String) {
            guard !path.isEmpty else { return }
            let local = folder(for: path, kind: event.kind)
            // The whole path is rewritten before it is reduced to a folder, so a rewrite written
            // for files (`^/TV/(.*)$`) applies to a folder at the library's root as well.
            let rewritten = PathRewrite.apply(server.rewrites, to: PathMatching.normalised(path))
            let plex = folder(for: rewritten, kind: event.kind)
            if targets.isEmpty {
                targets.append((local, plex))
                return
            }
            if seen == nil { seen = Set(targets.map(\.plex)) }
            if seen!.insert(plex).inserted { targets.append((local, plex)) }
        }
        for path in event.paths { add(path) }
        if event.kind.hasSuffix(".rename") { for path in event.previousPaths { add(path) } }
        return targets
    }

    /// Every section one of whose locations contains the folder (component-wise; a section root
    /// matches itself). A folder that is an ancestor of a location matches nothing: scanning it
    /// would rescan a whole library or more.
    public static func sections(for folder: String, in sections: [PlexSection]) -> [PlexSection] {
        sections.filter { section in section.locations.contains { PathMatching.isUnder(folder, $0) } }
    }
}
