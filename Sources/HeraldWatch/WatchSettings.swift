import HeraldCore

/// What to watch and what to ignore.
public struct WatchSettings: Sendable {
    /// Directories watched recursively.
    public var roots: [String]
    /// Names (last path component) never reported; a matching directory is not descended into.
    public var exclude: [Glob]
    /// How long a file must stay unchanged before it is reported.
    public var settle: Duration

    /// Partial downloads, editor and OS droppings, NAS metadata folders.
    public static let defaultExcludes = [
        "*.part", "*.partial", "*.tmp", "*.temp", "*.!qB", "*.!ut", "*.crdownload", "*.aria2", ".~*", "~$*", "*.swp",
        ".DS_Store", "._*", "Thumbs.db", "@eaDir", "#recycle", "#snapshot", ".Trash-*", "lost+found",
    ]

    public init(roots: [String], exclude: [Glob]? = nil, settle: Duration = .seconds(5)) {
        self.roots = roots
        self.exclude = exclude ?? Self.defaultExcludes.compactMap { try? Glob($0, separator: nil) }
        self.settle = settle
    }

    /// True when a path's last component matches an exclusion.
    public func excludes(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return exclude.contains { $0.matches(name) }
    }
}
