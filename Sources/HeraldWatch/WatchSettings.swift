import HeraldCore

/// What to watch and what to ignore.
public struct WatchSettings: Sendable {
    /// Directories watched recursively.
    public var roots: [String]
    /// Names (last path component) never reported; a matching directory is not descended into.
    /// Matched like event kinds: `*.part`, `._*` and exact names are string comparisons (this runs
    /// for every inotify event), anything else a glob.
    public var exclude: [KindPattern]
    /// How long a file must stay unchanged before it is reported.
    public var settle: Duration
    /// Directories scanned periodically instead of watched (NFS, SMB, FUSE, rclone, mergerfs),
    /// each with its interval.
    public var pollRoots: [PollRoot]
    /// Interval for subtrees that fall back to polling when inotify runs out of watches.
    public var fallbackInterval: Duration

    public struct PollRoot: Sendable, Equatable {
        public var path: String
        public var interval: Duration

        public init(path: String, interval: Duration) {
            self.path = path
            self.interval = interval
        }
    }

    /// Partial downloads, editor and OS droppings, NAS metadata folders.
    public static let defaultExcludes = [
        "*.part", "*.partial", "*.tmp", "*.temp", "*.!qB", "*.!ut", "*.crdownload", "*.aria2", ".~*", "~$*", "*.swp",
        ".DS_Store", "._*", "Thumbs.db", "@eaDir", "#recycle", "#snapshot", ".Trash-*", "lost+found",
    ]

    public init(
        roots: [String], exclude: [KindPattern]? = nil, settle: Duration = .seconds(5), pollRoots: [PollRoot] = [],
        fallbackInterval: Duration = .seconds(60)
    ) {
        self.roots = roots
        self.exclude = exclude ?? Self.defaultExcludes.compactMap { try? KindPattern($0) }
        self.settle = settle
        self.pollRoots = pollRoots
        self.fallbackInterval = fallbackInterval
    }

    /// True when a path's last component matches an exclusion.
    public func excludes(_ path: String) -> Bool {
        let bytes = path.utf8
        let name = bytes.lastIndex(of: UInt8(ascii: "/")).map { String(path[bytes.index(after: $0)...]) } ?? path
        return exclude.contains { $0.matches(name) }
    }
}
