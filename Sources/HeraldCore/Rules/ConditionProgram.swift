/// A condition tree laid out flat, in prefix order, for the dispatcher's hot path.
///
/// Walking the `Condition` enum retains and releases every child array and boxed node it visits;
/// with a hundred rules and thousands of events per batch that reference counting was most of
/// the cost of evaluation. Here the structure is plain integers (each node knows where its
/// subtree ends, so `all` and `any` short-circuit by skipping), and leaves sit in one array.
struct ConditionProgram: Sendable {
    enum Op: UInt8, Sendable { case all, any, not, leaf }

    struct Node: Sendable {
        var op: Op
        /// The index just past this node's subtree.
        var end: Int32
        /// For a leaf, its index in `leaves`.
        var leaf: Int32
    }

    let nodes: [Node]
    let leaves: [Leaf]

    init(_ condition: Condition) {
        var nodes: [Node] = []
        var leaves: [Leaf] = []
        func emit(_ condition: Condition) {
            let index = nodes.count
            switch condition {
            case .leaf(let leaf):
                nodes.append(Node(op: .leaf, end: Int32(index + 1), leaf: Int32(leaves.count)))
                leaves.append(leaf)
                return
            case .all(let children):
                nodes.append(Node(op: .all, end: 0, leaf: -1))
                children.forEach(emit)
            case .any(let children):
                nodes.append(Node(op: .any, end: 0, leaf: -1))
                children.forEach(emit)
            case .not(let child):
                nodes.append(Node(op: .not, end: 0, leaf: -1))
                emit(child)
            }
            nodes[index].end = Int32(nodes.count)
        }
        emit(condition)
        self.nodes = nodes
        self.leaves = leaves
    }

    /// The same verdict as walking the tree, without a trace.
    func holds(_ values: EventFieldValues) -> Bool {
        nodes.withUnsafeBufferPointer { nodes in
            leaves.withUnsafeBufferPointer { leaves in
                Self.evaluate(0, nodes, leaves, values)
            }
        }
    }

    private static func evaluate(
        _ index: Int, _ nodes: UnsafeBufferPointer<Node>, _ leaves: UnsafeBufferPointer<Leaf>,
        _ values: EventFieldValues
    ) -> Bool {
        let node = nodes[index]
        let end = Int(node.end)
        switch node.op {
        case .leaf:
            return values.test(leaves[Int(node.leaf)])
        case .not:
            return !evaluate(index + 1, nodes, leaves, values)
        case .all:
            var child = index + 1
            while child < end {
                if !evaluate(child, nodes, leaves, values) { return false }
                child = Int(nodes[child].end)
            }
            return true
        case .any:
            var child = index + 1
            while child < end {
                if evaluate(child, nodes, leaves, values) { return true }
                child = Int(nodes[child].end)
            }
            return false
        }
    }
}
