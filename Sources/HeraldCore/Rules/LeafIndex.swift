/// Which rules an event can possibly match, from a few hash lookups per event instead of walking
/// every rule's condition.
///
/// Most rules start from a folder (`path: {under: ...}`) or a fixed value (`extension`,
/// `source`, `library` equal to or in a list). For each rule, `activators` is a set of such leaves
/// at least one of which holds whenever the condition does (`all`: one child's set; `any`: the
/// union of all children's; `not` and other operators: none). Per event, the index marks the
/// leaves that may hold: each prefix of a path, component by component, and each plain value is
/// hashed and looked up. A rule none of whose activators is marked cannot match and is skipped;
/// every other rule is evaluated in full, so a hash collision costs only an evaluation.
struct LeafIndex: Sendable {
    /// Per rule, nil when it has no such set (it is always evaluated).
    let activators: [[Int32]?]
    /// Whether any rule can be skipped at all (otherwise nothing is marked).
    let isUseful: Bool
    private var equals: [[UInt64: [Int32]]]
    private var under: [[UInt64: [Int32]]]
    /// `under: /` leaves, per field: they hold for any absolute path.
    private var slashRoots: [[Int32]]
    /// Every `equals` and `in` leaf, per field: all marked when a value is not plain ASCII (its
    /// comparison is then Swift's, which bytes cannot predict).
    private var equalityLeaves: [[Int32]]
    private let leafCount: Int

    init(_ program: ConditionProgram) {
        let count = EventFieldTable.fieldCount
        equals = Array(repeating: [:], count: count)
        under = Array(repeating: [:], count: count)
        slashRoots = Array(repeating: [], count: count)
        equalityLeaves = Array(repeating: [], count: count)
        leafCount = program.leaves.count
        for (index, leaf) in program.leaves.enumerated() {
            let field = Int(leaf.field)
            let position = Int32(index)
            switch leaf.test {
            case .under:
                let root = program.operand(leaf.start, leaf.count)
                if root == [UInt8(ascii: "/")] {
                    slashRoots[field].append(position)
                } else {
                    under[field][Self.hash(root[...]), default: []].append(position)
                }
            case .equals:
                equals[field][Self.hash(program.operand(leaf.start, leaf.count)[...]), default: []].append(position)
                equalityLeaves[field].append(position)
            case .oneOf:
                for operand in program.operands(ofList: leaf) {
                    equals[field][Self.hash(operand[...]), default: []].append(position)
                }
                equalityLeaves[field].append(position)
            default:
                break
            }
        }
        var activators: [[Int32]?] = []
        for root in program.roots { activators.append(Self.activators(Int(root), program)) }
        self.activators = activators
        isUseful = activators.contains { $0 != nil }
    }

    private static func activators(_ index: Int, _ program: ConditionProgram) -> [Int32]? {
        let node = program.nodes[index]
        var child = index + 1
        switch node.op {
        case .leaf:
            switch program.leaves[Int(node.leaf)].test {
            case .under, .equals, .oneOf: return [node.leaf]
            default: return nil
            }
        case .not:
            return nil
        case .all:
            var best: [Int32]?
            while child < Int(node.end) {
                if let set = activators(child, program), set.count < best?.count ?? Int.max { best = set }
                child = Int(program.nodes[child].end)
            }
            return best
        case .any:
            var union: [Int32] = []
            while child < Int(node.end) {
                guard let set = activators(child, program) else { return nil }
                union += set
                child = Int(program.nodes[child].end)
            }
            return union
        }
    }

    /// The leaves that may hold for an event (every other indexed leaf is false).
    func marks(_ table: borrowing EventFieldTable) -> [Bool] {
        var marked = [Bool](repeating: false, count: leafCount)
        guard isUseful else { return marked }
        func mark(_ leaves: [Int32]?) {
            for leaf in leaves ?? [] { marked[Int(leaf)] = true }
        }
        for field in 0..<EventFieldTable.fieldCount
        where !(equals[field].isEmpty && under[field].isEmpty && slashRoots[field].isEmpty) {
            for position in Int(table.ranges[2 * field])..<Int(table.ranges[2 * field + 1]) {
                let span = table.spans[position]
                let value = table.text[Int(span.start)..<Int(span.start + span.count)]
                if !equals[field].isEmpty {
                    if span.plain { mark(equals[field][Self.hash(value)]) } else { mark(equalityLeaves[field]) }
                }
                if value.first == UInt8(ascii: "/") { mark(slashRoots[field]) }
                guard !under[field].isEmpty else { continue }
                // Every root the value is under: its prefixes ending before a `/`, and itself.
                var hash = Self.offsetBasis
                for byte in value {
                    if byte == UInt8(ascii: "/") { mark(under[field][hash]) }
                    hash = (hash ^ UInt64(byte)) &* Self.prime
                }
                mark(under[field][hash])
            }
        }
        return marked
    }

    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0100_0000_01b3

    /// FNV-1a: computed a byte at a time, so every prefix of a path is hashed in one pass.
    static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash = offsetBasis
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* prime }
        return hash
    }
}
