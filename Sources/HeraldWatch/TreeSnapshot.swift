/// What polling remembers of a file between two scans.
public struct FileState: Sendable, Equatable {
    public var size: Int64
    public var modified: Int64
    public var inode: UInt64

    public init(size: Int64, modified: Int64, inode: UInt64) {
        self.size = size
        self.modified = modified
        self.inode = inode
    }
}

/// The difference between two scans of a tree, as filesystem events would have reported it.
public struct TreeDiff: Sendable, Equatable {
    public var created: [String] = []
    public var modified: [String] = []
    public var deleted: [String] = []
    /// A path that vanished and one that appeared with the same inode: a rename.
    public var moved: [(from: String, to: String)] = []

    public init() {}

    public static func == (left: TreeDiff, right: TreeDiff) -> Bool {
        left.created == right.created && left.modified == right.modified && left.deleted == right.deleted
            && left.moved.map(\.from) == right.moved.map(\.from) && left.moved.map(\.to) == right.moved.map(\.to)
    }

    /// Compares two snapshots (path → state).
    public static func between(_ before: [String: FileState], _ after: [String: FileState]) -> TreeDiff {
        var diff = TreeDiff()
        var vanished: [UInt64: String] = [:]
        for (path, state) in before where after[path] == nil { vanished[state.inode] = path }
        for path in after.keys.sorted() {
            let state = after[path]!
            if let old = before[path] {
                if old.size != state.size || old.modified != state.modified { diff.modified.append(path) }
            } else if let from = vanished.removeValue(forKey: state.inode) {
                diff.moved.append((from, path))
            } else {
                diff.created.append(path)
            }
        }
        diff.deleted = vanished.values.sorted()
        return diff
    }
}
