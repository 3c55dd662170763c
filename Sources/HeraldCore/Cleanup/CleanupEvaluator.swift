import Foundation

/// Evaluates cleanup conditions over inventory facts: pure, with the time and the zone passed in.
///
/// - A comparison on a missing value is false; only `missing: true` matches it.
/// - An unknown value makes its test unknown, and unknown propagates (Kleene): a rule whose result
///   is unknown must not create, change or act on a candidate.
/// - Durations are whole days of 86,400 s compared strictly; dates are local midnight in `zone`.
/// - Show and season rules see their episodes: aggregates combine them, an empty set aggregates to
///   missing (never to a vacuous match), and a group without any file never matches.
public struct CleanupEvaluator: Sendable {

    /// An age in whole seconds: both instants are truncated first, so an item exactly 180 days
    /// old is not `older_than: 180d` a fraction of a second later (ages compare to the second).
    static func age(of date: Date, at now: Date) -> Int {
        Int(now.timeIntervalSince1970.rounded(.down)) - Int(date.timeIntervalSince1970.rounded(.down))
    }

    public let now: Date
    public let zone: TimeZone
    /// Made once: a full evaluation reads dates of hundreds of thousands of items.
    private let calendar: Calendar

    public init(now: Date, zone: TimeZone) {
        self.now = now
        self.zone = zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
    }

    /// One test as evaluated, for explaining a verdict.
    public struct Step: Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var test: String
        public var seen: String
        public var result: Tri

        public var description: String { "\(path): \(test); saw \(seen) → \(result)" }
    }

    /// The verdict on one movie or episode.
    public func evaluate(_ condition: CleanupCondition, item: CleanupFacts) -> (Tri, [Step]) {
        var steps: [Step] = []
        let result = evaluate(condition, episodes: [item], path: "if", steps: &steps)
        return (result, steps)
    }

    /// The verdict on a show or season, from its episodes.
    public func evaluate(_ condition: CleanupCondition, episodes: [CleanupFacts]) -> (Tri, [Step]) {
        var steps: [Step] = []
        guard episodes.contains(where: { !$0.item.files.isEmpty }) else {
            steps.append(Step(path: "scope", test: "at least one episode with a file", seen: "none", result: .no))
            return (.no, steps)
        }
        let result = evaluate(condition, episodes: episodes, path: "if", steps: &steps)
        return (result, steps)
    }

    private func evaluate(
        _ condition: CleanupCondition, episodes: [CleanupFacts], path: String, steps: inout [Step]
    ) -> Tri {
        switch condition {
        case .all(let children), .any(let children):
            // Short-circuits like the logic it computes: all stops at a false, any at a true.
            let isAll = if case .all = condition { true } else { false }
            var results: [Tri] = []
            for (index, child) in children.enumerated() {
                let result = evaluate(
                    child, episodes: episodes, path: "\(path).\(isAll ? "all" : "any")[\(index)]",
                    steps: &steps)
                results.append(result)
                if result == (isAll ? .no : .yes) { break }
            }
            return isAll ? Tri.all(results) : Tri.any(results)
        case .not(let child):
            return !evaluate(child, episodes: episodes, path: "\(path).not", steps: &steps)
        case .leaf(let field, let test):
            // A show or season reads show-level fields from its first episode.
            let value = episodes.first.map { $0.value(field) } ?? .missing
            let result = check(test, value)
            steps.append(
                Step(path: path, test: "\(field.rawValue) \(Self.describe(test))", seen: "\(value)", result: result))
            return result
        case .aggregate(let function, let field, let filter, let test):
            var chosen = episodes
            if let filter {
                var results: [Tri] = []
                var ignored: [Step] = []
                chosen = episodes.filter { episode in
                    let result = evaluate(filter, episodes: [episode], path: path, steps: &ignored)
                    results.append(result)
                    return result == .yes
                }
                if results.contains(.unknown) {
                    steps.append(
                        Step(path: path, test: "\(function.rawValue) where …", seen: "unknown", result: .unknown))
                    return .unknown
                }
            }
            let value = aggregate(function, field, chosen, all: episodes.count)
            let result = check(test, value)
            let label = "\(function.rawValue)(\(field?.rawValue ?? "episodes"))\(filter == nil ? "" : " where …")"
            steps.append(
                Step(
                    path: path, test: "\(label) \(Self.describe(test))", seen: "\(value) of \(chosen.count)",
                    result: result))
            return result
        }
    }

    private func aggregate(
        _ function: Aggregation, _ field: CleanupField?, _ episodes: [CleanupFacts], all: Int
    )
        -> CleanupValue
    {
        switch function {
        case .count:
            return .number(Double(episodes.count))
        case .any:
            return episodes.isEmpty ? .missing : .flag(true)
        case .all:
            return all == 0 ? .missing : .flag(episodes.count == all)
        case .max, .min, .sum:
            guard let field else { return .missing }
            let values = episodes.map { $0.value(field) }
            if values.contains(.unknown) { return .unknown }
            var dates: [Date] = []
            var numbers: [Double] = []
            for value in values {
                if case .date(let date) = value { dates.append(date) }
                if case .number(let number) = value { numbers.append(number) }
            }
            if !dates.isEmpty {
                guard function != .sum else { return .missing }
                return .date(function == .max ? dates.max()! : dates.min()!)
            }
            guard !numbers.isEmpty else { return .missing }
            switch function {
            case .max: return .number(numbers.max()!)
            case .min: return .number(numbers.min()!)
            default: return .number(numbers.reduce(0, +))
            }
        }
    }

    func check(_ test: CleanupTest, _ value: CleanupValue) -> Tri {
        if value == .unknown { return .unknown }
        if case .missing(let wanted) = test { return Tri(value == .missing ? wanted : !wanted) }
        switch (test, value) {
        case (.olderThan(let days), .date(let date)): return Tri(Self.age(of: date, at: now) > days * 86_400)
        case (.newerThan(let days), .date(let date)): return Tri(Self.age(of: date, at: now) < days * 86_400)
        case (.before(let day), .date(let date)): return midnight(day).map { Tri(date < $0) } ?? .no
        case (.since(let day), .date(let date)): return midnight(day).map { Tri(date >= $0) } ?? .no
        case (.lessThan(let limit), .number(let number)): return Tri(number < limit)
        case (.atMost(let limit), .number(let number)): return Tri(number <= limit)
        case (.greaterThan(let limit), .number(let number)): return Tri(number > limit)
        case (.atLeast(let limit), .number(let number)): return Tri(number >= limit)
        case (.equals(let text), .texts(let texts)):
            return Tri(texts.contains { $0.caseInsensitiveCompare(text) == .orderedSame })
        case (.oneOf(let options), .texts(let texts)):
            return Tri(texts.contains { text in options.contains { $0.caseInsensitiveCompare(text) == .orderedSame } })
        case (.contains(let part), .texts(let texts)):
            return Tri(texts.contains { $0.localizedCaseInsensitiveContains(part) })
        case (.isTrue(let wanted), .flag(let flag)): return Tri(flag == wanted)
        default: return .no
        }
    }

    /// Local midnight of a calendar date in the configured zone (DST-aware).
    func midnight(_ day: DateComponents) -> Date? {
        var components = day
        components.hour = 0
        components.minute = 0
        components.second = 0
        return calendar.date(from: components)
    }

    static func describe(_ test: CleanupTest) -> String {
        switch test {
        case .olderThan(let days): "older_than \(days)d"
        case .newerThan(let days): "newer_than \(days)d"
        case .before(let day): "before \(day.year ?? 0)-\(day.month ?? 0)-\(day.day ?? 0)"
        case .since(let day): "since \(day.year ?? 0)-\(day.month ?? 0)-\(day.day ?? 0)"
        case .lessThan(let value): "lt \(value)"
        case .atMost(let value): "lte \(value)"
        case .greaterThan(let value): "gt \(value)"
        case .atLeast(let value): "gte \(value)"
        case .equals(let text): "equals \(text)"
        case .oneOf(let options): "in [\(options.joined(separator: ", "))]"
        case .contains(let text): "contains \(text)"
        case .isTrue(let flag): "is \(flag)"
        case .missing(let flag): "missing \(flag)"
        }
    }
}
