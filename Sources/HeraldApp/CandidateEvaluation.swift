import Foundation
import HeraldCore
import HeraldStore

#if canImport(Glibc)
    import Glibc
#endif

/// Runs cleanup rules over the stored inventory and records their candidates (flagging only:
/// nothing is archived or deleted here).
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
        public var newlyFlagged: [CandidateMatch]
        /// Why the rule did not run (its disk gate), or nil.
        public var skipped: String? = nil
    }

    public func run(_ rule: CleanupRule) async throws -> Outcome {
        if let gate = rule.diskGate {
            // Only while the disk is full enough; a disk that cannot be read decides nothing.
            var info = statvfs()
            guard statvfs(gate.path, &info) == 0 else {
                return Outcome(
                    matched: 0, unknown: 0, excluded: 0, newlyFlagged: [],
                    skipped: "cannot read the disk of \(gate.path)")
            }
            let free = Int64(info.f_bavail) * Int64(info.f_frsize)
            let total = Int64(info.f_blocks) * Int64(info.f_frsize)
            guard gate.allows(free: free, total: total) else {
                return Outcome(
                    matched: 0, unknown: 0, excluded: 0, newlyFlagged: [],
                    skipped: "\(gate.path) has \(free) bytes free of \(total): above the threshold")
            }
        }
        let inventory = try await database.inventory()
        let stats = try await database.watchStats()
        let historyUnknown = try await database.watchHistoryUnknown()
        let facts = inventory.map {
            CleanupFacts(
                item: $0.item, watch: stats[$0.item.guid], inventoryUnknown: $0.unknown, historyUnknown: historyUnknown)
        }
        let kept = try await database.keptSubjects()
        var decision = Self.evaluate(rule, facts: facts, now: now(), zone: zone)
        // What people chose to keep is never flagged, whatever the rules say.
        let before = decision.matches.count
        decision.matches.removeAll { kept.contains($0.subject) }
        decision.excluded += before - decision.matches.count
        let flagged = try await database.recordCandidates(
            rule: rule, matches: decision.matches, unknown: decision.unknown, now: now())
        return Outcome(
            matched: decision.matches.count, unknown: decision.unknown.count, excluded: decision.excluded,
            newlyFlagged: flagged)
    }

    /// Pure: which subjects a rule matches, which are unknown, how many were excluded.
    public static func evaluate(
        _ rule: CleanupRule, facts: [CleanupFacts], now: Date, zone: TimeZone
    )
        -> (matches: [CandidateMatch], unknown: Set<String>, excluded: Int)
    {
        let evaluator = CleanupEvaluator(now: now, zone: zone)
        var matches: [CandidateMatch] = []
        var unknown: Set<String> = []
        var excluded = 0
        var keys: [String: (added: Date?, watched: Date?)] = [:]
        func consider(subject: String, title: String, members: [CleanupFacts]) {
            // An excluded member protects the whole group (an episode protects its season and show).
            if members.contains(where: { rule.exclusions.reason(for: $0.item) != nil }) {
                excluded += 1
                return
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
                consider(subject: "\(item.guid)@\(item.section)", title: title, members: [fact])
            }
        case .show, .season:
            var groups: [String: [CleanupFacts]] = [:]
            var order: [String] = []
            for fact in facts where fact.item.kind == .episode {
                let key =
                    rule.scope == .show
                    ? (fact.item.showGUID ?? fact.item.show ?? "")
                    : (fact.item.seasonGUID ?? "\(fact.item.show ?? "")/\(fact.item.season ?? 0)")
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
        if let budget = rule.budget {
            matches = Self.apply(budget, to: matches, keys: keys)
        }
        return (matches, unknown, excluded)
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
