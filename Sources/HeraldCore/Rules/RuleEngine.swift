import Foundation

/// Evaluates rules against events: pure, synchronous, no I/O.
///
/// `decisions(for:)` is the fast path the dispatcher uses (short-circuiting, no trace).
/// `explain(_:)` evaluates every leaf of every rule and records what it saw, for
/// `herald rules test`.
public struct RuleEngine: Sendable {
    public let rules: [Rule]
    /// The zone in which `time` and `weekday` leaves read the event's arrival time.
    public let timeZone: TimeZone

    /// Every rule's condition, laid out flat and specialised for `decisions(for:)`.
    let program: ConditionProgram

    public init(rules: [Rule], timeZone: TimeZone = .current) {
        self.rules = rules
        self.timeZone = timeZone
        program = ConditionProgram(rules.map(\.condition))
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
        let table = EventFieldTable(values, fields: program.fields)
        return program.withEvaluator(table, values) { holds in
            var decisions: [Decision] = []
            for ruleIndex in applicable where holds(ruleIndex) {
                let rule = rules[ruleIndex]
                decisions += rule.actions.map { Decision(rule: rule.name, action: $0) }
                if rule.stop { break }
            }
            return decisions
        }
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
                var trace: [LeafTrace] = []
                let result = Self.trace(rule.condition, values, path: "if", into: &trace)
                verdict.trace = trace
                verdict.outcome = result ? .matched : .conditionFalse
                if result, rule.stop { stoppedBy = rule.name }
            }
            verdicts.append(verdict)
        }
        return verdicts
    }

    // MARK: - Evaluation

    static func trace(
        _ condition: Condition, _ values: EventFieldValues, path: String, into trace: inout [LeafTrace]
    )
        -> Bool
    {
        switch condition {
        case .all(let children):
            let results = children.enumerated().map { self.trace($1, values, path: "\(path).all[\($0)]", into: &trace) }
            return results.allSatisfy { $0 }
        case .any(let children):
            let results = children.enumerated().map { self.trace($1, values, path: "\(path).any[\($0)]", into: &trace) }
            return results.contains(true)
        case .not(let child):
            return !self.trace(child, values, path: "\(path).not", into: &trace)
        case .leaf(let leaf):
            let seen = values.values(of: leaf.field)
            let result = LeafEvaluator.evaluate(leaf.test, seen)
            trace.append(LeafTrace(path: path, leaf: leaf, seen: seen.description, result: result))
            return result
        }
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
