/// Evaluates a rule's condition tree for one event: the one evaluator behind both dispatch and
/// `herald rules test`.
///
/// Without a trace, `all` and `any` stop at the first child that decides them. With a trace,
/// every leaf is evaluated and recorded (leaf, value seen, operator, result), so an explanation
/// shows each test even where an earlier one already decided the rule; the verdict is the same.
struct ConditionEvaluator {
    let values: EventFieldValues
    /// The leaves evaluated so far, when tracing.
    private(set) var trace: [LeafTrace]?

    init(values: EventFieldValues, tracing: Bool) {
        self.values = values
        trace = tracing ? [] : nil
    }

    /// Whether `condition` holds; `path` names it in the trace (`if.all[0].not`).
    mutating func evaluate(_ condition: Condition, path: @autoclosure () -> String = "if") -> Bool {
        switch condition {
        case .all(let children):
            var holds = true
            for (position, child) in children.enumerated() {
                if !evaluate(child, path: "\(path()).all[\(position)]") {
                    holds = false
                    if trace == nil { break }
                }
            }
            return holds
        case .any(let children):
            var holds = false
            for (position, child) in children.enumerated() {
                if evaluate(child, path: "\(path()).any[\(position)]") {
                    holds = true
                    if trace == nil { break }
                }
            }
            return holds
        case .not(let child):
            return !evaluate(child, path: "\(path()).not")
        case .leaf(let leaf):
            let result = values.test(leaf)
            if trace != nil {
                trace?.append(
                    LeafTrace(path: path(), leaf: leaf, seen: values.values(of: leaf.field).description, result: result)
                )
            }
            return result
        }
    }
}
