/// The directories under the watched roots: which inotify descriptor watches each, and the names
/// of the files known in each.
///
/// inotify reports names relative to a watch descriptor, and knows nothing of renames above it.
/// Each directory is therefore stored once, as a node holding its own name and its parent, so a
/// renamed directory takes every descriptor and file below it along by changing one node, and a
/// full path is put together only when an event needs it.
///
/// Memory is the point of this layout: a library of 50,000 folders and 450,000 files is watched
/// on a NAS next to everything else. A node is 48 bytes; a folder's file names are one string,
/// `/`-separated (a file name cannot contain `/`), until there are more than
/// `Self.joinedNamesLimit` of them, and a hash set after that.
public struct WatchTree: Sendable {
    private struct Node {
        /// The parent node, or -1 for a root (whose name is then its full path).
        var parent: Int32
        /// The inotify descriptor, or -1 (not watched: polled, or not yet watched).
        var descriptor: Int32
        var name: String
        /// Child directories, sorted by name.
        var children: [Int32] = []
    }

    /// Past this many files, a directory's names move to a set (lookups stay O(1) in huge folders).
    static let joinedNamesLimit = 48

    private var nodes: [Node] = []
    private var freeNodes: [Int32] = []
    private var nodeByDescriptor = DescriptorTable()
    private var rootNodes: [Int32] = []
    private var largeDirectories: [Int32: Set<String>] = [:]
    /// The known files of each node, `/`-joined; see `largeDirectories` past the limit.
    private var fileNames = NameArena()

    public init() {}

    /// The number of watched directories.
    public var count: Int { nodeByDescriptor.count }

    // MARK: - Descriptors

    /// Records that `descriptor` watches `path` (creating the directory's node if needed).
    public mutating func add(_ descriptor: Int32, path: String) {
        let node = ensureNode(path)
        guard descriptor >= 0 else { return }
        if let old = nodeByDescriptor[descriptor], old != node { nodes[Int(old)].descriptor = -1 }
        let previous = nodes[Int(node)].descriptor
        if previous >= 0, previous != descriptor { nodeByDescriptor[previous] = nil }
        nodes[Int(node)].descriptor = descriptor
        nodeByDescriptor[descriptor] = node
    }

    /// Forgets a descriptor (its directory was removed, or the kernel dropped the watch).
    @discardableResult
    public mutating func remove(_ descriptor: Int32) -> String? {
        guard let node = nodeByDescriptor.removeValue(forKey: descriptor) else { return nil }
        nodes[Int(node)].descriptor = -1
        return path(ofNode: node)
    }

    public func path(of descriptor: Int32) -> String? {
        nodeByDescriptor[descriptor].map(path(ofNode:))
    }

    public func descriptor(of path: String) -> Int32? {
        guard let node = node(at: path) else { return nil }
        let descriptor = nodes[Int(node)].descriptor
        return descriptor >= 0 ? descriptor : nil
    }

    /// The full path of an entry reported by a descriptor.
    public func path(of descriptor: Int32, name: String) -> String? {
        guard let directory = path(of: descriptor) else { return nil }
        return name.isEmpty ? directory : Self.join(directory, name)
    }

    /// Gives a renamed directory and everything below it their new paths.
    public mutating func rename(_ old: String, to new: String) {
        guard let node = node(at: old), old != new else { return }
        if let existing = self.node(at: new) { removeNode(existing) }
        detach(node)
        let (directory, name) = Self.split(new)
        if let directory, rootNodes.contains(where: { Self.isSame(directory, orBelow: nodes[Int($0)].name) }) {
            let parent = ensureNode(directory)
            nodes[Int(node)].name = name
            attach(node, to: parent)
        } else {
            nodes[Int(node)].name = new
            nodes[Int(node)].parent = -1
            rootNodes.append(node)
        }
    }

    /// Descriptors of a directory and everything watched below it (to drop after it moved away).
    public func descriptors(under root: String) -> [Int32] {
        guard let node = node(at: root) else { return [] }
        var found: [Int32] = []
        visit(node) { if nodes[Int($0)].descriptor >= 0 { found.append(nodes[Int($0)].descriptor) } }
        return found
    }

    // MARK: - Known files

    /// Whether a file is known (reported or found by the initial walk).
    public func containsFile(_ path: String) -> Bool {
        let (directory, name) = Self.split(path)
        guard let directory, let node = node(at: directory) else { return false }
        return contains(name, in: node)
    }

    public mutating func insertFile(_ path: String) {
        let (directory, name) = Self.split(path)
        guard let directory, !name.isEmpty else { return }
        insert(name, in: ensureNode(directory))
    }

    /// Remembers several files of one directory at once (the walk of a directory).
    public mutating func insertFiles(_ names: [String], in directory: String) {
        guard !names.isEmpty else { return }
        let node = ensureNode(directory)
        if fileNames.names(of: node).isEmpty, largeDirectories[node] == nil, names.count <= Self.joinedNamesLimit,
            !names.contains(where: \.isEmpty)
        {
            fileNames.set(node, to: Self.joined(names))
        } else {
            for name in names where !name.isEmpty { insert(name, in: node) }
        }
    }

    /// Forgets a file; true when it was known.
    @discardableResult
    public mutating func removeFile(_ path: String) -> Bool {
        let (directory, name) = Self.split(path)
        guard let directory, let node = node(at: directory) else { return false }
        return remove(name, from: node)
    }

    /// The names of the files known in a directory.
    public func fileNames(in directory: String) -> [String] {
        guard let node = node(at: directory) else { return [] }
        return names(in: node)
    }

    /// The known files in a directory and everything below it, in path order.
    public func files(under root: String) -> [String] {
        guard let node = node(at: root) else { return [] }
        var found: [String] = []
        visit(node) { each in
            let directory = path(ofNode: each)
            for name in names(in: each) { found.append(Self.join(directory, name)) }
        }
        return found.sorted()
    }

    /// The directories known directly below a directory (watched or not).
    public func subdirectories(of directory: String) -> [String] {
        guard let node = node(at: directory) else { return [] }
        return nodes[Int(node)].children.map { Self.join(directory, nodes[Int($0)].name) }
    }

    /// Forgets a directory, the directories and the files below it. Their descriptors are
    /// forgotten too: the caller removes the kernel's watches first (`descriptors(under:)`).
    public mutating func removeTree(_ root: String) {
        guard let node = node(at: root) else { return }
        removeNode(node)
    }

    // MARK: - Nodes

    private func node(at path: String) -> Int32? {
        var best: Int32?
        var bestLength = -1
        for root in rootNodes {
            let name = nodes[Int(root)].name
            guard name.utf8.count > bestLength, Self.isSame(path, orBelow: name) else { continue }
            best = root
            bestLength = name.utf8.count
        }
        guard var current = best else { return nil }
        let rest = path.utf8.dropFirst(bestLength)
        for component in rest.split(separator: UInt8(ascii: "/")) {
            guard let child = child(of: current, named: component) else { return nil }
            current = child
        }
        return current
    }

    /// The node of a directory, creating it (and any missing directory above it) if needed.
    private mutating func ensureNode(_ path: String) -> Int32 {
        if let existing = node(at: path) { return existing }
        let (directory, name) = Self.split(path)
        guard let directory, rootNodes.contains(where: { Self.isSame(path, orBelow: nodes[Int($0)].name) }) else {
            let root = allocate(Node(parent: -1, descriptor: -1, name: path))
            rootNodes.append(root)
            return root
        }
        let parent = ensureNode(directory)
        let node = allocate(Node(parent: parent, descriptor: -1, name: name))
        attach(node, to: parent)
        return node
    }

    private func child(of parent: Int32, named name: Substring.UTF8View) -> Int32? {
        let children = nodes[Int(parent)].children
        var low = 0
        var high = children.count
        while low < high {
            let middle = (low + high) / 2
            let candidate = nodes[Int(children[middle])].name.utf8
            if candidate.elementsEqual(name) { return children[middle] }
            if candidate.lexicographicallyPrecedes(name) { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    private mutating func attach(_ node: Int32, to parent: Int32) {
        nodes[Int(node)].parent = parent
        let name = nodes[Int(node)].name.utf8
        let children = nodes[Int(parent)].children
        var low = 0
        var high = children.count
        while low < high {
            let middle = (low + high) / 2
            if nodes[Int(children[middle])].name.utf8.lexicographicallyPrecedes(name) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        nodes[Int(parent)].children.insert(node, at: low)
    }

    private mutating func detach(_ node: Int32) {
        let parent = nodes[Int(node)].parent
        if parent < 0 {
            rootNodes.removeAll { $0 == node }
        } else {
            nodes[Int(parent)].children.removeAll { $0 == node }
        }
        nodes[Int(node)].parent = -1
    }

    private mutating func removeNode(_ node: Int32) {
        detach(node)
        var stack = [node]
        while let each = stack.popLast() {
            stack.append(contentsOf: nodes[Int(each)].children)
            let descriptor = nodes[Int(each)].descriptor
            if descriptor >= 0, nodeByDescriptor[descriptor] == each { nodeByDescriptor[descriptor] = nil }
            largeDirectories[each] = nil
            fileNames.set(each, to: EmptyCollection())
            nodes[Int(each)] = Node(parent: -1, descriptor: -1, name: "")
            freeNodes.append(each)
        }
    }

    private mutating func allocate(_ node: Node) -> Int32 {
        if let free = freeNodes.popLast() {
            nodes[Int(free)] = node
            return free
        }
        nodes.append(node)
        return Int32(nodes.count - 1)
    }

    private func visit(_ node: Int32, _ body: (Int32) -> Void) {
        var stack = [node]
        while let each = stack.popLast() {
            body(each)
            stack.append(contentsOf: nodes[Int(each)].children)
        }
    }

    private func path(ofNode node: Int32) -> String {
        var names: [Substring] = []
        var current = node
        while current >= 0 {
            names.append(Substring(nodes[Int(current)].name))
            current = nodes[Int(current)].parent
        }
        var path = String(names.removeLast())
        for name in names.reversed() { path = Self.join(path, String(name)) }
        return path
    }

    // MARK: - File names

    private func contains(_ name: String, in node: Int32) -> Bool {
        if let large = largeDirectories[node] { return large.contains(name) }
        return Self.range(of: name, in: fileNames.names(of: node)) != nil
    }

    private mutating func insert(_ name: String, in node: Int32) {
        if largeDirectories[node] != nil {
            largeDirectories[node]!.insert(name)
            return
        }
        if contains(name, in: node) { return }
        // A copy, not a slice: the arena is about to change.
        let current = Array(fileNames.names(of: node))
        if current.count(where: { $0 == Self.separator }) + 1 >= Self.joinedNamesLimit {
            var set = Set(names(in: node))
            set.insert(name)
            largeDirectories[node] = set
            fileNames.set(node, to: EmptyCollection())
        } else {
            fileNames.set(node, to: current.isEmpty ? Array(name.utf8) : current + [Self.separator] + name.utf8)
        }
    }

    private mutating func remove(_ name: String, from node: Int32) -> Bool {
        if largeDirectories[node] != nil {
            return largeDirectories[node]!.remove(name) != nil
        }
        guard contains(name, in: node) else { return false }
        fileNames.set(node, to: Self.joined(names(in: node).filter { $0 != name }))
        return true
    }

    private func names(in node: Int32) -> [String] {
        if let large = largeDirectories[node] { return Array(large) }
        return fileNames.names(of: node).split(separator: Self.separator).map { String(decoding: $0, as: UTF8.self) }
    }

    private static let separator = UInt8(ascii: "/")

    /// Names joined by `/`, as the arena keeps them.
    private static func joined(_ names: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(names.reduce(names.count) { $0 + $1.utf8.count })
        for name in names {
            if !bytes.isEmpty { bytes.append(separator) }
            bytes.append(contentsOf: name.utf8)
        }
        return bytes
    }

    /// Where `name` sits in a `/`-separated list (the name's bytes, without separators).
    private static func range(of name: String, in files: ArraySlice<UInt8>) -> Range<Int>? {
        let target = name.utf8
        var start = files.startIndex
        while start < files.endIndex {
            let end = files[start...].firstIndex(of: separator) ?? files.endIndex
            if files[start..<end].elementsEqual(target) { return start..<end }
            start = end == files.endIndex ? end : end + 1
        }
        return nil
    }

    // MARK: - Paths

    private static func split(_ path: String) -> (directory: String?, name: String) {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return (nil, path) }
        let directory = slash == path.utf8.startIndex ? "/" : String(path[..<slash])
        return (directory, String(path[path.index(after: slash)...]))
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// `path` is `root` or below it, component-wise (`/tv-4k` is not below `/tv`).
    private static func isSame(_ path: String, orBelow root: String) -> Bool {
        let pathBytes = path.utf8
        let rootBytes = root.utf8
        guard pathBytes.starts(with: rootBytes) else { return false }
        if pathBytes.count == rootBytes.count || rootBytes.last == UInt8(ascii: "/") { return true }
        return pathBytes[pathBytes.index(pathBytes.startIndex, offsetBy: rootBytes.count)] == UInt8(ascii: "/")
    }
}
