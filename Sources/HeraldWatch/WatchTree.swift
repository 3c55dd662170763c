/// The map between inotify watch descriptors and the directories they watch.
///
/// inotify reports names relative to a watch descriptor, and knows nothing of renames above it:
/// when a watched directory is renamed, every descriptor below it must be given its new path here,
/// or later events would be reported under the old names.
public struct WatchTree: Sendable {
    private var pathByDescriptor: [Int32: String] = [:]
    private var descriptorByPath: [String: Int32] = [:]

    public init() {}

    public var count: Int { pathByDescriptor.count }

    public mutating func add(_ descriptor: Int32, path: String) {
        if let old = pathByDescriptor[descriptor] { descriptorByPath[old] = nil }
        pathByDescriptor[descriptor] = path
        descriptorByPath[path] = descriptor
    }

    /// Forgets a descriptor (its directory was removed, or the kernel dropped the watch).
    @discardableResult
    public mutating func remove(_ descriptor: Int32) -> String? {
        guard let path = pathByDescriptor.removeValue(forKey: descriptor) else { return nil }
        descriptorByPath[path] = nil
        return path
    }

    public func path(of descriptor: Int32) -> String? { pathByDescriptor[descriptor] }

    public func descriptor(of path: String) -> Int32? { descriptorByPath[path] }

    /// The full path of an entry reported by a descriptor.
    public func path(of descriptor: Int32, name: String) -> String? {
        guard let directory = pathByDescriptor[descriptor] else { return nil }
        return name.isEmpty ? directory : (directory == "/" ? "/" + name : directory + "/" + name)
    }

    /// Gives a renamed directory and everything watched below it their new paths.
    public mutating func rename(_ old: String, to new: String) {
        let prefix = old + "/"
        for (descriptor, path) in pathByDescriptor where path == old || path.hasPrefix(prefix) {
            let renamed = new + path.dropFirst(old.count)
            descriptorByPath[path] = nil
            pathByDescriptor[descriptor] = renamed
            descriptorByPath[renamed] = descriptor
        }
    }

    /// Descriptors of a directory and everything watched below it (to drop after it moved away).
    public func descriptors(under root: String) -> [Int32] {
        let prefix = root + "/"
        return pathByDescriptor.filter { $0.value == root || $0.value.hasPrefix(prefix) }.map(\.key)
    }
}
