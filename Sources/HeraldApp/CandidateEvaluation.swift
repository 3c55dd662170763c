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

        /// Subjects flagged for the first time by this run.
        public var newlyFlagged: [CandidateMatch] { changes.flagged }
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
        let facts = try await loadFacts()
        let decision = try await decide(rule, facts: facts, budget: true)
        let changes = try await database.recordCandidates(
            rule: rule, matches: decision.matches, unknown: decision.unknown, now: now())
        return Outcome(
            matched: decision.matches.count, unknown: decision.unknown.count, excluded: decision.excluded.count,
            changes: changes)
    }

    /// What is known of every item now: the inventory with its watch statistics and which sources failed.
    public func loadFacts() async throws -> [CleanupFacts] {
        let inventory = try await database.inventory()
        let stats = try await database.watchStats()
        let historyUnknown = try await database.watchHistoryUnknown()
        return inventory.map {
            CleanupFacts(
                item: $0.item, watch: stats[$0.item.guid], inventoryUnknown: $0.unknown, historyUnknown: historyUnknown)
        }
    }

    /// The rule's verdicts over `facts`, with what people chose to keep taken out (never flagged,
    /// whatever the rules say). Without `budget`, every match counts (the re-check at action time).
    public func decide(_ rule: CleanupRule, facts: [CleanupFacts], budget: Bool) async throws -> Decision {
        let kept = try await database.keptSubjects()
        var decision = Self.evaluate(rule, facts: facts, now: now(), zone: zone, budget: budget)
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

    /// The movies or episodes a subject stands for.
    public static func members(of subject: String, scope: CleanupRule.Scope, facts: [CleanupFacts]) -> [InventoryItem] {
        let kind: InventoryItem.Kind = scope == .movie ? .movie : .episode
        return facts.lazy.map(\.item).filter { $0.kind == kind && Self.subject(of: $0, scope: scope) == subject }
    }

    /// Pure: which subjects a rule matches, which are unknown, which were excluded.
    public static func evaluate(
        _ rule: CleanupRule, facts: [CleanupFacts], now: Date, zone: TimeZone, budget applyBudget: Bool = true
    ) -> Decision {
        let evaluator = CleanupEvaluator(now: now, zone: zone)
        var matches: [CandidateMatch] = []
        var unknown: Set<String> = []
        var excluded: [String: String] = [:]
        var keys: [String: (added: Date?, watched: Date?)] = [:]
        func consider(subject: String, title: String, members: [CleanupFacts]) {
            // An excluded member protects the whole group (an episode protects its season and show).
            for member in members {
                if let reason = rule.exclusions.reason(for: member.item) {
                    excluded[subject] = members.count > 1 ? "\(member.item.title): \(reason)" : reason
                    return
                }
            }
            let (result, steps) =
                rule.scope == .show || rule.scope == .season
                ? evaluator.evaluate(rule.condition, episodes: members)
                : evaluator.evaluate(rule.condition, item: members[0])
            switch result {
            case .yes:
                keys[subject] = (
                    members.compactMap(\.item.addedAt).min(), members.compactMap { $0.watch?.lastWatched }.max()
                )
                matches.append(
                    CandidateMatch(
                        subject: subject, title: title, size: members.map(\.item.size).reduce(0, +),
                        reason: steps.map(\.description).joined(separator: "; ")))
            case .unknown: unknown.insert(subject)
            case .no: break
            }
        }
        switch rule.scope {
        case .movie, .episode:
            let kind: InventoryItem.Kind = rule.scope == .movie ? .movie : .episode
            for fact in facts where fact.item.kind == kind {
                let item = fact.item
                let title =
                    kind == .movie
                    ? item.title + (item.year.map { " (\($0))" } ?? "")
                    : "\(item.show ?? "?") S\(item.season ?? 0)E\(item.episode ?? 0) \(item.title)"
                consider(subject: Self.subject(of: item, scope: rule.scope), title: title, members: [fact])
            }
        case .show, .season:
            var groups: [String: [CleanupFacts]] = [:]
            var order: [String] = []
            for fact in facts where fact.item.kind == .episode {
                let key = Self.subject(of: fact.item, scope: rule.scope)
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append(fact)
            }
            for key in order {
                let members = groups[key] ?? []
                let first = members[0].item
                let title =
                    rule.scope == .show ? (first.show ?? key) : "\(first.show ?? "?") season \(first.season ?? 0)"
                consider(subject: key, title: title, members: members)
            }
        }
        if applyBudget, let budget = rule.budget {
            matches = Self.apply(budget, to: matches, keys: keys)
        }
        return Decision(matches: matches, unknown: unknown, excluded: excluded)
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
