/// Which rules an event can possibly match, from a few hash lookups per event instead of walking
/// every rule's condition: a thin index in front of `ConditionEvaluator`, built when the rules load.
///
/// Most rules start from a folder (`path: {under: ...}`) or a fixed value (`extension`, `source`,
/// `library` equal to or in a list). For each rule, its *activators* are a set of such leaves at
/// least one of which holds whenever the condition does (`all`: the smallest of its children's
/// sets; `any`: the union of all of them, or none if one child has none; `not` and other
/// operators: none). Per event, the index marks the leaves that may hold: each plain value is
/// looked up, and so is every prefix of a path that ends before a `/`. A rule none of whose
/// activators is marked cannot match and is skipped; every other rule is evaluated in full by the
/// same evaluator `herald rules test` uses, so the index can only ever save work, never decide.
struct RuleIndex: Sendable {
    /// Per rule, the ids of its activating leaves; nil when it has none (it is always evaluated).
    private var activators: [[Int]?]
    /// Leaf ids by field, then by operand: `equals` and `in` leaves.
    private var equals: [EventField: [Substring: [Int]]] = [:]
    /// Leaf ids by field, then by root: `under` leaves (roots other than `/`).
    private var under: [EventField: [Substring: [Int]]] = [:]
    /// `under: /` leaves by field: they hold for any absolute path.
    private var slashRoots: [EventField: [Int]] = [:]
    private var leafCount = 0
    /// The fields some indexed leaf tests.
    private var fields: [EventField] = []

    init(_ conditions: [Condition]) {
        activators = []
        var activators: [[Int]?] = []
        for condition in conditions {
            activators.append(Self.activators(condition, into: &self))
        }
        self.activators = activators
        fields = Array(Set(equals.keys).union(under.keys).union(slashRoots.keys))
    }

    /// Whether rule `rule` may match an event whose leaves `marks` says may hold.
    func mayMatch(rule: Int, marks: [Bool]) -> Bool {
        guard let leaves = activators[rule] else { return true }
        return leaves.contains { marks[$0] }
    }

    /// The indexed leaves that may hold for an event (every other indexed leaf is false).
    func marks(_ values: EventFieldValues) -> [Bool] {
        var marked = [Bool](repeating: false, count: leafCount)
        func mark(_ leaves: [Int]?) {
            for leaf in leaves ?? [] { marked[leaf] = true }
        }
        for field in fields {
            guard case .strings(let list) = values.values(of: field) else { continue }
            let equalLeaves = equals[field]
            let underLeaves = under[field]
            for value in list {
                let whole = value[...]
                mark(equalLeaves?[whole])
                guard value.utf8.first == UInt8(ascii: "/") else { continue }
                mark(slashRoots[field])
                guard let underLeaves else { continue }
                // Every root the value is under: its prefixes ending before a `/`, and itself.
                var position = whole.utf8.index(after: whole.utf8.startIndex)
                while position < whole.utf8.endIndex {
                    if whole.utf8[position] == UInt8(ascii: "/") {
                        mark(underLeaves[Substring(whole.utf8[..<position])])
                    }
                    position = whole.utf8.index(after: position)
                }
                mark(underLeaves[whole])
            }
        }
        return marked
    }

    /// A condition's activating leaves (registering each indexable leaf it meets), or nil.
    private static func activators(_ condition: Condition, into index: inout RuleIndex) -> [Int]? {
        switch condition {
        case .leaf(let leaf):
            return index.register(leaf).map { [$0] }
        case .not:
            return nil
        case .all(let children):
            var best: [Int]?
            for child in children {
                if let set = activators(child, into: &index), set.count < best?.count ?? Int.max { best = set }
            }
            return best
        case .any(let children):
            var union: [Int] = []
            for child in children {
                guard let set = activators(child, into: &index) else { return nil }
                union += set
            }
            return union
        }
    }

    /// Gives an `equals`, `in` or `under` leaf an id and files it; nil for any other leaf.
    private mutating func register(_ leaf: Leaf) -> Int? {
        let id = leafCount
        switch leaf.test {
        case .equals(let operand):
            equals[leaf.field, default: [:]][operand[...], default: []].append(id)
        case .oneOf(let operands):
            for operand in Set(operands) { equals[leaf.field, default: [:]][operand[...], default: []].append(id) }
        case .under(let root) where root.path == "/":
            slashRoots[leaf.field, default: []].append(id)
        case .under(let root):
            under[leaf.field, default: [:]][root.path[...], default: []].append(id)
        default:
            return nil
        }
        leafCount += 1
        return id
    }
}
