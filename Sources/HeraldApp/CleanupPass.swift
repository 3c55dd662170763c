import Foundation
import HeraldCore
import HeraldStore

/// One streaming evaluation of cleanup rules over the library: facts are fed one at a time and
/// only verdicts are kept, so a pass over 220,000 items needs the memory of one show, not of the
/// library. Pure: no I/O, the time is given.
///
/// Movie and episode rules judge each item as it comes. Show and season rules judge a show's
/// episodes together, so episodes must arrive grouped by show GUID (the inventory is read in that
/// order); episodes without a show GUID are gathered apart and judged at `finish`.
struct CleanupPass: Sendable {
    let rules: [CleanupRule]
    let evaluator: CleanupEvaluator
    let applyBudget: Bool
    /// Subjects whose members are kept (the candidates an action pass may act on).
    let wanted: Set<String>

    private var decisions: [CandidateEvaluation.Decision]
    private var keys: [[String: (added: Date?, watched: Date?)]]
    private(set) var members: [String: [InventoryItem]] = [:]
    private var showKey: String?
    private var show: [CleanupFacts] = []
    private var stragglers: [String: [CleanupFacts]] = [:]
    private var stragglerOrder: [String] = []
    private let grouped: Bool

    init(rules: [CleanupRule], now: Date, zone: TimeZone, budget: Bool, wanted: Set<String> = []) {
        self.rules = rules
        evaluator = CleanupEvaluator(now: now, zone: zone)
        applyBudget = budget
        self.wanted = wanted
        decisions = rules.map { _ in CandidateEvaluation.Decision(matches: [], unknown: [], excluded: [:]) }
        keys = rules.map { _ in [:] }
        grouped = rules.contains { $0.scope == .show || $0.scope == .season }
    }

    mutating func add(_ fact: CleanupFacts) {
        for (index, rule) in rules.enumerated() {
            switch rule.scope {
            case .movie where fact.item.kind == .movie:
                judge(rule: index, subject: CandidateEvaluation.subject(of: fact.item, scope: .movie), members: [fact])
            case .episode where fact.item.kind == .episode:
                judge(
                    rule: index, subject: CandidateEvaluation.subject(of: fact.item, scope: .episode), members: [fact])
            default: continue
            }
        }
        guard grouped, fact.item.kind == .episode else { return }
        guard let key = fact.item.showGUID else {
            let title = fact.item.show ?? ""
            if stragglers[title] == nil { stragglerOrder.append(title) }
            stragglers[title, default: []].append(fact)
            return
        }
        if key != showKey {
            flushShow()
            showKey = key
        }
        show.append(fact)
    }

    /// Judges what is still gathered and returns each rule's decision, in `rules` order.
    mutating func finish() -> [CandidateEvaluation.Decision] {
        flushShow()
        for title in stragglerOrder { judgeShow(stragglers[title] ?? []) }
        stragglers = [:]
        if applyBudget {
            for (index, rule) in rules.enumerated() {
                if let budget = rule.budget {
                    decisions[index].matches = CandidateEvaluation.apply(
                        budget, to: decisions[index].matches, keys: keys[index])
                }
            }
        }
        return decisions
    }

    private mutating func flushShow() {
        guard !show.isEmpty else { return }
        judgeShow(show)
        show.removeAll(keepingCapacity: true)
    }

    /// The show and season rules over one show's episodes (seasons in the order they first appear).
    private mutating func judgeShow(_ episodes: [CleanupFacts]) {
        for (index, rule) in rules.enumerated() {
            switch rule.scope {
            case .show:
                judge(
                    rule: index, subject: CandidateEvaluation.subject(of: episodes[0].item, scope: .show),
                    members: episodes)
            case .season:
                var seasons: [String: [CleanupFacts]] = [:]
                var order: [String] = []
                for episode in episodes {
                    let key = CandidateEvaluation.subject(of: episode.item, scope: .season)
                    if seasons[key] == nil { order.append(key) }
                    seasons[key, default: []].append(episode)
                }
                for key in order { judge(rule: index, subject: key, members: seasons[key] ?? []) }
            default: continue
            }
        }
    }

    private mutating func judge(rule index: Int, subject: String, members: [CleanupFacts]) {
        let rule = rules[index]
        if wanted.contains(subject), !members.isEmpty { self.members[subject] = members.map(\.item) }
        // An excluded member protects the whole group (an episode protects its season and show).
        for member in members {
            if let reason = rule.exclusions.reason(for: member.item) {
                decisions[index].excluded[subject] = members.count > 1 ? "\(member.item.title): \(reason)" : reason
                return
            }
        }
        let (result, steps) =
            rule.scope == .show || rule.scope == .season
            ? evaluator.evaluate(rule.condition, episodes: members)
            : evaluator.evaluate(rule.condition, item: members[0])
        switch result {
        case .yes:
            let added = members.compactMap(\.item.addedAt).min()
            if rule.budget != nil {
                keys[index][subject] = (added, members.compactMap { $0.watch?.lastWatched }.max())
            }
            decisions[index].matches.append(
                CandidateMatch(
                    subject: subject, title: Self.title(rule.scope, members[0].item, subject: subject),
                    size: members.map(\.item.size).reduce(0, +),
                    reason: steps.map(\.description).joined(separator: "; "), addedAt: added))
        case .unknown: decisions[index].unknown.insert(subject)
        case .no: break
        }
    }

    static func title(_ scope: CleanupRule.Scope, _ item: InventoryItem, subject: String) -> String {
        switch scope {
        case .movie: item.title + (item.year.map { " (\($0))" } ?? "")
        case .episode: "\(item.show ?? "?") S\(item.season ?? 0)E\(item.episode ?? 0) \(item.title)"
        case .show: item.show ?? subject
        case .season: "\(item.show ?? "?") season \(item.season ?? 0)"
        }
    }
}
