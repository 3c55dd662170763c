/// The files the watcher knows, as names per directory.
///
/// A flat set of full paths cost about 100 bytes per file (450,000 files: ~45 MB): each path is a
/// heap string. Names are short enough to be stored inline in Swift strings, and each directory's
/// path is stored once, so the same knowledge takes a fraction of the memory.
struct KnownFiles {
    private var names: [String: Set<String>] = [:]

    private static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        return (directory, String(path[path.index(after: slash)...]))
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory == "/" ? "/" + name : directory + "/" + name
    }

    func contains(_ path: String) -> Bool {
        let (directory, name) = Self.split(path)
        return names[directory]?.contains(name) ?? false
    }

    mutating func insert(_ path: String) {
        let (directory, name) = Self.split(path)
        names[directory, default: []].insert(name)
    }

    /// Forgets a file; true when it was known.
    @discardableResult
    mutating func remove(_ path: String) -> Bool {
        let (directory, name) = Self.split(path)
        guard names[directory]?.remove(name) != nil else { return false }
        if names[directory]?.isEmpty == true { names[directory] = nil }
        return true
    }

    /// Forgets a directory and everything below it.
    mutating func removeTree(_ root: String) {
        let prefix = root + "/"
        for directory in names.keys where directory == root || directory.hasPrefix(prefix) {
            names[directory] = nil
        }
    }

    /// Gives a renamed directory and everything below it their new paths.
    mutating func renameTree(_ old: String, to new: String) {
        let prefix = old + "/"
        for directory in Array(names.keys) where directory == old || directory.hasPrefix(prefix) {
            names[new + directory.dropFirst(old.count)] = names.removeValue(forKey: directory)
        }
    }

    /// The known paths missing from `other`, in path order.
    func subtracting(_ other: KnownFiles) -> [String] {
        var missing: [String] = []
        for (directory, here) in names {
            let there = other.names[directory] ?? []
            for name in here where !there.contains(name) { missing.append(Self.join(directory, name)) }
        }
        return missing.sorted()
    }
}
