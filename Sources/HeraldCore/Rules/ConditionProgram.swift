import Foundation

/// Every rule's condition laid out flat, in prefix order, with leaves specialised when the rules
/// load, for the dispatcher's hot path.
///
/// Walking the `Condition` enum retains and releases every child array and boxed node it visits,
/// and a `LeafTest` copied out of an array retains its operands: with a hundred rules and
/// thousands of events per batch that reference counting was most of the cost of evaluation.
/// Here the structure is plain integers (each node knows where its subtree ends, so `all` and
/// `any` short-circuit by skipping), the common leaves are plain values whose text operands sit
/// in one byte pool, and they are tested against the event's `EventFieldTable` byte for byte.
/// Regexes, globs, `contains` (case-insensitive, locale-aware) and text outside plain ASCII are
/// tested by `LeafEvaluator`, exactly as `explain` does.
struct ConditionProgram: Sendable {
    enum Op: UInt8, Sendable { case all, any, not, leaf }

    struct Node: Sendable {
        var op: Op
        /// The index just past this node's subtree.
        var end: Int32
        /// For a leaf, its index in `leaves`.
        var leaf: Int32
    }

    /// A leaf as the fast path tests it: no references, operands by position.
    struct CompiledLeaf: Sendable {
        enum Test: UInt8, Sendable {
            /// Tested by `LeafEvaluator` on `slowLeaves[index]`.
            case general
            case exists, under, equals, prefix, suffix, oneOf
            case integerEquals, integerIn, lessThan, atMost, greaterThan, atLeast, between
        }

        var test: Test
        var field: EventFieldTable.FieldIndex
        /// `exists`: the expected answer.
        var expected = false
        /// Text operand: bytes `start..<start+count` of the pool. `oneOf`: operands
        /// `start..<start+count` of `operandSpans`. `integerIn`: `operandIntegers` likewise.
        var start: Int32 = 0
        var count: Int32 = 0
        var low = 0
        var high = 0
        /// The original leaf, in `slowLeaves` (for `general`, and for values outside plain ASCII).
        var index: Int32
    }

    private(set) var nodes: [Node] = []
    private(set) var leaves: [CompiledLeaf] = []
    private(set) var slowLeaves: [Leaf] = []
    private var pool: [UInt8] = []
    private var operandSpans: [EventFieldTable.Span] = []
    /// Which rules an event can match at all (set once every rule is laid out).
    private var index: LeafIndex?
    private var operandIntegers: [Int] = []
    /// Where each rule's condition starts in `nodes`.
    private(set) var roots: [Int32] = []
    /// The fields some specialised leaf reads (the only ones an event's table needs).
    private(set) var fields = EventFieldTable.FieldSet()

    init(_ conditions: [Condition]) {
        for condition in conditions {
            roots.append(Int32(nodes.count))
            emit(condition)
        }
        index = LeafIndex(self)
    }

    /// A text operand's bytes.
    func operand(_ start: Int32, _ count: Int32) -> [UInt8] {
        Array(pool[Int(start)..<Int(start + count)])
    }

    /// The operands of an `in` leaf, as bytes.
    func operands(ofList leaf: CompiledLeaf) -> [[UInt8]] {
        operandSpans[Int(leaf.start)..<Int(leaf.start + leaf.count)].map { operand($0.start, $0.count) }
    }

    private mutating func emit(_ condition: Condition) {
        let index = nodes.count
        switch condition {
        case .leaf(let leaf):
            nodes.append(Node(op: .leaf, end: Int32(index + 1), leaf: Int32(leaves.count)))
            leaves.append(compile(leaf))
            return
        case .all(let children):
            nodes.append(Node(op: .all, end: 0, leaf: -1))
            for child in children { emit(child) }
        case .any(let children):
            nodes.append(Node(op: .any, end: 0, leaf: -1))
            for child in children { emit(child) }
        case .not(let child):
            nodes.append(Node(op: .not, end: 0, leaf: -1))
            emit(child)
        }
        nodes[index].end = Int32(nodes.count)
    }

    private mutating func compile(_ leaf: Leaf) -> CompiledLeaf {
        let field = EventFieldTable.index(of: leaf.field)
        let index = Int32(slowLeaves.count)
        slowLeaves.append(leaf)
        var compiled = CompiledLeaf(test: .general, field: field, index: index)
        func text(_ operand: String, bytewise: Bool = false) -> Bool {
            guard bytewise || EventFieldTable.isPlain(operand.utf8) else { return false }
            compiled.start = Int32(pool.count)
            compiled.count = Int32(operand.utf8.count)
            pool += operand.utf8
            return true
        }
        func integers(_ operands: [Int]) {
            compiled.start = Int32(operandIntegers.count)
            compiled.count = Int32(operands.count)
            operandIntegers += operands
        }
        func number(_ test: CompiledLeaf.Test, _ low: Int, _ high: Int = 0) {
            (compiled.test, compiled.low, compiled.high) = (test, low, high)
        }
        let isTimeField = leaf.field == .time || leaf.field == .weekday
        switch leaf.test {
        case .exists(let expected) where !isTimeField:
            compiled.test = .exists
            compiled.expected = expected
        case .under(let root):
            // Paths are compared byte for byte on both paths (`PathMatching`), whatever they hold.
            if text(root.path, bytewise: true) { compiled.test = .under }
        case .equals(let operand):
            if text(operand) { compiled.test = .equals }
        case .prefix(let operand):
            if text(operand) { compiled.test = .prefix }
        case .suffix(let operand):
            if text(operand) { compiled.test = .suffix }
        case .oneOf(let operands) where operands.allSatisfy({ EventFieldTable.isPlain($0.utf8) }):
            compiled.test = .oneOf
            compiled.start = Int32(operandSpans.count)
            compiled.count = Int32(operands.count)
            for operand in operands {
                operandSpans.append(
                    EventFieldTable.Span(start: Int32(pool.count), count: Int32(operand.utf8.count), plain: true))
                pool += operand.utf8
            }
        case .integerEquals(let value) where !isTimeField: number(.integerEquals, value)
        case .integerIn(let operands) where !isTimeField:
            compiled.test = .integerIn
            integers(operands)
        case .lessThan(let value) where !isTimeField: number(.lessThan, value)
        case .atMost(let value) where !isTimeField: number(.atMost, value)
        case .greaterThan(let value) where !isTimeField: number(.greaterThan, value)
        case .atLeast(let value) where !isTimeField: number(.atLeast, value)
        case .between(let low, let high) where !isTimeField: number(.between, low, high)
        default:
            break
        }
        if compiled.test != .general { fields.insert(field) }
        return compiled
    }

    /// Evaluates rules against one event: `body` gets a function telling whether rule `n`'s
    /// condition holds (the same verdict as walking its tree).
    func withEvaluator<Result>(
        _ table: borrowing EventFieldTable, _ values: EventFieldValues, _ body: ((Int) -> Bool) -> Result
    ) -> Result {
        // Everything the evaluation reads, as buffers: no bounds checks on retained arrays and no
        // reference counting inside the loop over rules.
        nodes.withUnsafeBufferPointer { nodes in
            leaves.withUnsafeBufferPointer { leaves in
                pool.withUnsafeBufferPointer { pool in
                    table.text.withUnsafeBufferPointer { text in
                        table.spans.withUnsafeBufferPointer { spans in
                            table.integers.withUnsafeBufferPointer { integers in
                                table.ranges.withUnsafeBufferPointer { ranges in
                                    let context = Context(
                                        nodes: nodes, leaves: leaves, pool: pool, text: text, spans: spans,
                                        integers: integers, ranges: ranges, plainFields: table.plainFields,
                                        values: values)
                                    guard let index, index.isUseful else {
                                        return body { evaluate(Int(roots[$0]), context) }
                                    }
                                    let marked = index.marks(table)
                                    return body { rule in
                                        if let activators = index.activators[rule],
                                            !activators.contains(where: { marked[Int($0)] })
                                        {
                                            return false
                                        }
                                        return evaluate(Int(roots[rule]), context)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private struct Context {
        var nodes: UnsafeBufferPointer<Node>
        var leaves: UnsafeBufferPointer<CompiledLeaf>
        var pool: UnsafeBufferPointer<UInt8>
        var text: UnsafeBufferPointer<UInt8>
        var spans: UnsafeBufferPointer<EventFieldTable.Span>
        var integers: UnsafeBufferPointer<Int>
        var ranges: UnsafeBufferPointer<Int32>
        var plainFields: EventFieldTable.FieldSet
        var values: EventFieldValues

        func bytes(_ span: EventFieldTable.Span) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: text[Int(span.start)..<Int(span.start + span.count)])
        }

        func operand(_ start: Int32, _ count: Int32) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: pool[Int(start)..<Int(start + count)])
        }

        func range(_ field: EventFieldTable.FieldIndex) -> Range<Int> {
            Int(ranges[2 * Int(field)])..<Int(ranges[2 * Int(field) + 1])
        }
    }

    private func evaluate(_ index: Int, _ context: Context) -> Bool {
        let nodes = context.nodes
        let node = nodes[index]
        let end = Int(node.end)
        switch node.op {
        case .leaf:
            return test(context.leaves[Int(node.leaf)], context)
        case .not:
            return !evaluate(index + 1, context)
        case .all:
            var child = index + 1
            while child < end {
                if !evaluate(child, context) { return false }
                child = Int(nodes[child].end)
            }
            return true
        case .any:
            var child = index + 1
            while child < end {
                if evaluate(child, context) { return true }
                child = Int(nodes[child].end)
            }
            return false
        }
    }

    private func test(_ leaf: CompiledLeaf, _ context: Context) -> Bool {
        switch leaf.test {
        case .general:
            return context.values.test(slowLeaves[Int(leaf.index)])
        case .exists:
            return context.range(leaf.field).isEmpty != leaf.expected
        case .under, .equals, .prefix, .suffix, .oneOf:
            guard leaf.test == .under || context.plainFields.contains(leaf.field) else {
                return context.values.test(slowLeaves[Int(leaf.index)])
            }
            for position in context.range(leaf.field)
            where textTest(leaf, context.bytes(context.spans[position]), context) {
                return true
            }
            return false
        default:
            for position in context.range(leaf.field) where integerTest(leaf, context.integers[position]) {
                return true
            }
            return false
        }
    }

    private func textTest(_ leaf: CompiledLeaf, _ value: UnsafeBufferPointer<UInt8>, _ context: Context) -> Bool {
        let operand = context.operand(leaf.start, leaf.count)
        switch leaf.test {
        case .under:
            // Both sides are normalised: separators unified, no trailing slash except `/` itself.
            if operand.count == 1, operand[0] == UInt8(ascii: "/") { return value.first == UInt8(ascii: "/") }
            guard value.count >= operand.count, Self.same(value, 0, operand) else { return false }
            return value.count == operand.count || value[operand.count] == UInt8(ascii: "/")
        case .equals:
            return value.count == operand.count && Self.same(value, 0, operand)
        case .prefix:
            return value.count >= operand.count && Self.same(value, 0, operand)
        case .suffix:
            return value.count >= operand.count && Self.same(value, value.count - operand.count, operand)
        case .oneOf:
            for each in operandSpans[Int(leaf.start)..<Int(leaf.start + leaf.count)] {
                let candidate = context.operand(each.start, each.count)
                if value.count == candidate.count && Self.same(value, 0, candidate) { return true }
            }
            return false
        default:
            return false
        }
    }

    private func integerTest(_ leaf: CompiledLeaf, _ value: Int) -> Bool {
        switch leaf.test {
        case .integerEquals: value == leaf.low
        case .integerIn: operandIntegers[Int(leaf.start)..<Int(leaf.start + leaf.count)].contains(value)
        case .lessThan: value < leaf.low
        case .atMost: value <= leaf.low
        case .greaterThan: value > leaf.low
        case .atLeast: value >= leaf.low
        case .between: value >= leaf.low && value <= leaf.high
        default: false
        }
    }

    /// `value[offset...]` starts with `operand` (the caller checked the lengths).
    private static func same(
        _ value: UnsafeBufferPointer<UInt8>, _ offset: Int, _ operand: UnsafeBufferPointer<UInt8>
    )
        -> Bool
    {
        // Operands are short (a folder, an extension, a title): a loop that stops at the first
        // difference beats calling memcmp.
        var index = 0
        while index < operand.count {
            if value[offset + index] != operand[index] { return false }
            index += 1
        }
        return true
    }
}
