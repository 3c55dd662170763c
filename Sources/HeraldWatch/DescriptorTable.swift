/// inotify watch descriptors mapped to `WatchTree` nodes, as one array of pairs sorted by descriptor.
///
/// The kernel hands out watch descriptors in increasing order (it wraps around only after 2^31),
/// so adding a watch appends. A pair is 8 bytes; a `Dictionary` at its load factor used ~20 per
/// watch (1 MiB for 50,000). Removed pairs are marked and swept once they are half the array, so
/// dropping a whole tree of watches costs no more than adding it.
struct DescriptorTable {
    private var descriptors: [Int32] = []
    /// The node of each descriptor, -1 for a removed pair.
    private var nodes: [Int32] = []
    private var removed = 0

    /// The number of descriptors mapped.
    var count: Int { descriptors.count - removed }

    /// The node a descriptor watches, nil when it is not mapped; setting nil removes the pair.
    subscript(descriptor: Int32) -> Int32? {
        get { liveIndex(of: descriptor).map { nodes[$0] } }
        set {
            if let node = newValue { insert(descriptor, node) } else { _ = removeValue(forKey: descriptor) }
        }
    }

    /// Removes a descriptor's pair, returning its node.
    mutating func removeValue(forKey descriptor: Int32) -> Int32? {
        guard let index = liveIndex(of: descriptor) else { return nil }
        let node = nodes[index]
        nodes[index] = -1
        removed += 1
        if removed > 1024, removed * 2 > descriptors.count { sweep() }
        return node
    }

    private mutating func insert(_ descriptor: Int32, _ node: Int32) {
        if let last = descriptors.last, last >= descriptor {
            let index = lowerBound(descriptor)
            if descriptors[index] == descriptor {
                if nodes[index] < 0 { removed -= 1 }
                nodes[index] = node
            } else {
                descriptors.insert(descriptor, at: index)
                nodes.insert(node, at: index)
            }
        } else {
            descriptors.append(descriptor)
            nodes.append(node)
        }
    }

    /// Where a descriptor's pair is, unless it is absent or removed.
    private func liveIndex(of descriptor: Int32) -> Int? {
        let index = lowerBound(descriptor)
        guard index < descriptors.count, descriptors[index] == descriptor, nodes[index] >= 0 else { return nil }
        return index
    }

    /// The first index whose descriptor is not below `descriptor`.
    private func lowerBound(_ descriptor: Int32) -> Int {
        var low = 0
        var high = descriptors.count
        while low < high {
            let middle = (low + high) / 2
            if descriptors[middle] < descriptor { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Drops the removed pairs, keeping the order.
    private mutating func sweep() {
        var keptDescriptors: [Int32] = []
        var keptNodes: [Int32] = []
        keptDescriptors.reserveCapacity(count)
        keptNodes.reserveCapacity(count)
        for index in descriptors.indices where nodes[index] >= 0 {
            keptDescriptors.append(descriptors[index])
            keptNodes.append(nodes[index])
        }
        descriptors = keptDescriptors
        nodes = keptNodes
        removed = 0
    }
}
