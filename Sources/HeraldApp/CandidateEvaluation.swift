import Foundation
import HeraldCore
import HeraldStore

#if canImport(Glibc)
    import Glibc
#endif

/// Runs cleanup rules over the stored inventory and records their candidates (nothing is
/// archived or deleted here: `CleanupActions` does that once they are due).
public struct CandidateEvaluation: Sendable {
    let database: AppDatabase
    let zone: TimeZone
    let now: @Sendable () -> Date

    public init(database: AppDatabase, zone: TimeZone, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.zone = zone
        self.now = now
    }

    public struct Outcome: Sendable, Equatable {
        public var matched: Int
        public var unknown: Int
        public var excluded: Int
        public var changes: CandidateChanges
        /// Why the rule did not run (its disk gate), or nil.
        public var skipped: String? = nil

    }

    public func run(_ rule: CleanupRule) async throws -> Outcome {
        if let gate = rule.diskGate {
            // Only while the disk is full enough; a disk that cannot be read decides nothing.
            var info = statvfs()
            guard statvfs(gate.path, &info) == 0 else {
                return Outcome(
                    matched: 0, unknown: 0, excluded: 0, changes: CandidateChanges(),
                    skipped: "cannot read the disk of \(gate.path)")
            }
            let free = Int64(info.f_bavail) * Int64(info.f_frsize)
            let total = Int64(info.f_blocks) * Int64(info.f_frsize)
            guard gate.allows(free: free, total: total) else {
                return Outcome(
                    matched: 0, unknown: 0, excluded: 0, changes: CandidateChanges(),
                    skipped: "\(gate.path) has \(free) bytes free of \(total): above the threshold")
            }
        }
        let decision = try await decide([rule], budget: true).decisions[0]
        let changes = try await database.recordCandidates(
            rule: rule, matches: decision.matches, unknown: decision.unknown, now: now())
        return Outcome(
            matched: decision.matches.count, unknown: decision.unknown.count, excluded: decision.excluded.count,
            changes: changes)
    }

    /// The rules' verdicts from one pass over the stored library, with what people chose to keep
    /// taken out (never flagged, whatever the rules say). Without `budget`, every match counts
    /// (the re-check at action time). The items of the `wanted` subjects are returned too.
    public func decide(
        _ rules: [CleanupRule], budget: Bool, wanted: Set<String> = []
    ) async throws -> (decisions: [Decision], members: [String: [InventoryItem]]) {
        let kept = try await database.keptSubjects()
        var pass = try await database.reduceCleanupFacts(
            into: CleanupPass(rules: rules, now: now(), zone: zone, budget: budget, wanted: wanted)
        ) { pass, fact in pass.add(fact) }
        let decisions = pass.finish().map { Self.removing(kept, from: $0) }
        return (decisions, pass.members)
    }

    private static func removing(_ kept: Set<String>, from decision: Decision) -> Decision {
        var decision = decision
        decision.matches.removeAll { match in
            guard kept.contains(match.subject) else { return false }
            decision.excluded[match.subject] = "kept by a person"
            return true
        }
        return decision
    }

    /// Which subjects a rule matches, which are unknown, which were excluded and why.
    public struct Decision: Sendable {
        public var matches: [CandidateMatch]
        public var unknown: Set<String>
        /// Subject → why it is protected.
        public var excluded: [String: String]
    }

    /// The subject a candidate of `scope` has for an item: `guid@section` for movies and episodes,
    /// the show's or season's GUID for groups.
    public static func subject(of item: InventoryItem, scope: CleanupRule.Scope) -> String {
        switch scope {
        case .movie, .episode: "\(item.guid)@\(item.section)"
        case .show: item.showGUID ?? item.show ?? ""
        case .season: item.seasonGUID ?? "\(item.show ?? "")/\(item.season ?? 0)"
        }
    }

    /// Pure: which subjects a rule matches, which are unknown, which were excluded, over facts in
    /// any order (a show's episodes are brought together first).
    public static func evaluate(
        _ rule: CleanupRule, facts: [CleanupFacts], now: Date, zone: TimeZone, budget: Bool = true
    ) -> Decision {
        var pass = CleanupPass(rules: [rule], now: now, zone: zone, budget: budget)
        var shows: [String: [Int]] = [:]
        var order: [String] = []
        for (index, fact) in facts.enumerated() {
            guard fact.item.kind == .episode, let show = fact.item.showGUID else {
                pass.add(fact)
                continue
            }
            if shows[show] == nil { order.append(show) }
            shows[show, default: []].append(index)
        }
        for show in order {
            for index in shows[show] ?? [] { pass.add(facts[index]) }
        }
        return pass.finish()[0]
    }

    /// The matches a budget keeps: in its order, up to `max_items` and `max_bytes`.
    static func apply(
        _ budget: CleanupBudget, to matches: [CandidateMatch], keys: [String: (added: Date?, watched: Date?)]
    ) -> [CandidateMatch] {
        let ordered = matches.sorted { left, right in
            switch budget.order {
            case .largest:
                return left.size != right.size ? left.size > right.size : left.subject < right.subject
            case .oldest:
                let a = keys[left.subject]?.added ?? .distantFuture
                let b = keys[right.subject]?.added ?? .distantFuture
                return a != b ? a < b : left.subject < right.subject
            case .leastRecentlyWatched:
                let a = keys[left.subject]?.watched ?? .distantPast
                let b = keys[right.subject]?.watched ?? .distantPast
                return a != b ? a < b : left.subject < right.subject
            }
        }
        var kept: [CandidateMatch] = []
        var bytes: Int64 = 0
        for match in ordered {
            if let limit = budget.maxItems, kept.count >= limit { break }
            if let limit = budget.maxBytes, bytes + match.size > limit { continue }
            kept.append(match)
            bytes += match.size
        }
        return kept
    }
}
