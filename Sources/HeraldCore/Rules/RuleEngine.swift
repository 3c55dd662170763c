import Foundation

/// Evaluates rules against events: pure, synchronous, no I/O.
///
/// `decisions(for:)` is what the dispatcher uses (short-circuiting, no trace, rules that cannot
/// match skipped by `RuleIndex`). `explain(_:)` evaluates every leaf of every rule and records
/// what it saw, for `herald rules test`. Both evaluate with `ConditionEvaluator`.
public struct RuleEngine: Sendable {
    public let rules: [Rule]
    /// The zone in which `time` and `weekday` leaves read the event's arrival time.
    public let timeZone: TimeZone

    /// Which rules an event can match at all, from its folders and fixed values.
    let ruleIndex: RuleIndex

    public init(rules: [Rule], timeZone: TimeZone = .current) {
        self.rules = rules
        self.timeZone = timeZone
        ruleIndex = RuleIndex(rules.map(\.condition))
    }

    /// The actions matching rules take for an event, in rule order.
    public func decisions(for event: Event) -> [Decision] {
        var index = KindIndex()
        return decisions(for: event, index: &index)
    }

    /// Which enabled rules apply to each event kind, filled as kinds are met. A dispatch batch
    /// shares one, so the kind patterns of every rule are matched once per kind, not per event.
    public struct KindIndex: Sendable {
        var rulesByKind: [String: [Int]] = [:]

        public init() {}
    }

    /// `decisions(for:)` reusing a kind index across the events of a batch.
    public func decisions(for event: Event, index: inout KindIndex) -> [Decision] {
        guard event.ignoredReason == nil else { return [] }
        let applicable: [Int]
        if let known = index.rulesByKind[event.kind] {
            applicable = known
        } else {
            applicable = rules.indices.filter { rules[$0].enabled && rules[$0].on.contains { $0.matches(event.kind) } }
            index.rulesByKind[event.kind] = applicable
        }
        guard !applicable.isEmpty else { return [] }
        let values = EventFieldValues(event: event, timeZone: timeZone)
        let marks = ruleIndex.marks(values)
        var evaluator = ConditionEvaluator(values: values, tracing: false)
        var decisions: [Decision] = []
        for position in applicable where ruleIndex.mayMatch(rule: position, marks: marks) {
            let rule = rules[position]
            guard evaluator.evaluate(rule.condition) else { continue }
            decisions += rule.actions.map { Decision(rule: rule.name, action: $0) }
            if rule.stop { break }
        }
        return decisions
    }

    /// Every rule's verdict with a per-leaf trace.
    public func explain(_ event: Event) -> [RuleVerdict] {
        let values = EventFieldValues(event: event, timeZone: timeZone)
        var verdicts: [RuleVerdict] = []
        var stoppedBy: String?
        for rule in rules {
            var verdict = RuleVerdict(rule: rule, outcome: .conditionFalse, trace: [])
            if let stoppedBy {
                verdict.outcome = .skipped(reason: "an earlier rule '\(stoppedBy)' matched with stop: true")
            } else if let reason = event.ignoredReason {
                verdict.outcome = .skipped(reason: "the event is ignored: \(reason)")
            } else if !rule.enabled {
                verdict.outcome = .skipped(reason: "disabled")
            } else if !rule.on.contains(where: { $0.matches(event.kind) }) {
                let kinds = rule.on.map(\.text).joined(separator: ", ")
                verdict.outcome = .skipped(reason: "kind '\(event.kind)' is not in on: [\(kinds)]")
            } else {
                var evaluator = ConditionEvaluator(values: values, tracing: true)
                let result = evaluator.evaluate(rule.condition)
                verdict.trace = evaluator.trace ?? []
                verdict.outcome = result ? .matched : .conditionFalse
                if result, rule.stop { stoppedBy = rule.name }
            }
            verdicts.append(verdict)
        }
        return verdicts
    }
}

/// One action a matching rule takes for an event.
public struct Decision: Sendable, Equatable {
    public var rule: String
    public var action: RuleAction

    public init(rule: String, action: RuleAction) {
        self.rule = rule
        self.action = action
    }
}

/// Why a rule did or did not match an event, with what each leaf saw.
public struct RuleVerdict: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case matched
        case conditionFalse
        case skipped(reason: String)
    }

    public var rule: Rule
    public var outcome: Outcome
    public var trace: [LeafTrace]
}

/// One leaf's evaluation: `if.all[0] path under /mnt/media, saw [/mnt/media/tv/x.mkv] → true`.
public struct LeafTrace: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var leaf: Leaf
    public var seen: String
    public var result: Bool

    public var description: String {
        "\(path) (\(leaf.location)): \(leaf.field.name) \(leaf.test.operatorName) \(leaf.test.operandText); "
            + "saw \(seen) → \(result)"
    }
}
