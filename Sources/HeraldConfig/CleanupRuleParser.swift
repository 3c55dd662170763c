import Foundation
import HeraldCore
import Yams

/// Turns the YAML of a library-scope rule (one with `scope:`) into a `CleanupRule`.
///
/// ```yaml
/// - name: films nobody watched in a year
///   scope: movie
///   every: 1d
///   if:
///     all:
///       - added: {older_than: 365d}
///       - last_watched: {missing: true}
///   exclude: {labels: [keep], collections: [Favourites], guids: [], paths: [/mnt/media/kids]}
///   grace: 14d
///   action: delete
///   dry_run: true
/// ```
/// Show and season rules aggregate their episodes with `episodes:`, such as
/// `episodes: {max: last_watched, older_than: 180d}`, `episodes: {count: true, where: {…}, gte: 3}`
/// or `episodes: {all: {last_watched: {missing: true}}}`.
struct CleanupRuleParser {
    let reader: ConfigReader

    func rule(_ map: ConfigMapping, name: String, node: Node) -> CleanupRule? {
        let context = "rule '\(name)'"
        let scope = map.choice("scope", as: CleanupRule.Scope.self)
        let every = map.duration("every") ?? .seconds(86_400)
        var cron: CronSchedule?
        if let cronNode = map.value("cron"), let text = map.string("cron") {
            do {
                cron = try CronSchedule(text)
            } catch {
                reader.error("\(context): \(error.description)", at: cronNode)
            }
            if map.value("every") != nil {
                reader.error("\(context): give 'every' or 'cron', not both", at: cronNode)
            }
        }
        let grace = map.duration("grace")
        if map.value("grace") == nil {
            reader.error(
                "\(context) needs 'grace' (how long items stay 'leaving soon' before anything happens, such as 14d)",
                at: node)
        }
        let action = map.choice("action", as: CleanupRule.Action.self)
        if map.value("action") == nil { reader.error("\(context) needs 'action' (archive or delete)", at: node) }
        let dryRun = map.bool("dry_run") ?? true
        let requiresApproval = map.bool("require_approval") ?? false
        let enabled = map.bool("enabled") ?? true
        let grouped = scope == .show || scope == .season
        let tree = map.value("if").flatMap { self.condition($0, path: "\(context): if", grouped: grouped) } ?? .all([])
        var exclusions = CleanupExclusions()
        if let exclude = map.mapping("exclude") {
            exclusions.guids = Set(strings(exclude, "guids"))
            exclusions.paths = strings(exclude, "paths").map(PathMatching.normalised)
            exclusions.labels = Set(strings(exclude, "labels"))
            exclusions.collections = Set(strings(exclude, "collections"))
            exclude.finish()
        }
        var gate: DiskGate?
        if let when = map.mapping("when_free_below") {
            let path = when.string("path")
            let text = when.string("free") ?? ""
            var threshold: DiskGate.Threshold?
            if text.hasSuffix("%"), let percent = Double(text.dropLast()), (0...100).contains(percent) {
                threshold = .percent(percent)
            } else if let bytes = ConfigValueParser.byteSize(text) {
                threshold = .bytes(Int64(bytes))
            }
            if path == nil {
                reader.error("\(context): when_free_below needs 'path' (a folder on the disk to watch)", at: when.node)
            }
            if threshold == nil {
                reader.error(
                    "\(context): when_free_below.free must be a percentage (10%) or a size (200GiB)", at: when.node)
            }
            when.finish()
            if let path, let threshold { gate = DiskGate(path: path, threshold: threshold) }
        }
        var budget: CleanupBudget?
        let maxItems = map.int("max_items", in: 1...1_000_000)
        let maxBytes = map.byteSize("max_bytes").map(Int64.init)
        let order = map.choice("order", as: CleanupBudget.Order.self)
        if maxItems != nil || maxBytes != nil {
            if order == nil {
                reader.error(
                    "\(context): a budget (max_items, max_bytes) needs 'order' (largest, oldest or least_recently_watched)",
                    at: node)
            }
            budget = CleanupBudget(maxItems: maxItems, maxBytes: maxBytes, order: order ?? .largest)
        }
        _ = map.value("name")
        map.finish()
        guard let scope, let grace, let action else { return nil }
        var rule = CleanupRule(
            name: name, scope: scope, every: every, condition: tree, exclusions: exclusions, grace: grace,
            action: action, dryRun: dryRun, enabled: enabled,
            location: SourceLocation(file: reader.file, line: node.mark?.line ?? 0))
        rule.diskGate = gate
        rule.requiresApproval = requiresApproval
        rule.cron = cron
        rule.budget = budget
        return rule
    }

    private func strings(_ map: ConfigMapping, _ key: String) -> [String] {
        guard let node = map.value(key) else { return [] }
        return (node.sequence.map(Array.init) ?? [node]).compactMap { reader.string($0, path: "\(map.path).\(key)") }
    }

    func condition(_ node: Node, path: String, grouped: Bool) -> CleanupCondition? {
        ConditionTreeReader<CleanupCondition>(
            reader: reader,
            expected: "all, any, not, episodes, or one field test such as added: {older_than: 90d}",
            all: CleanupCondition.all, any: CleanupCondition.any, not: CleanupCondition.not
        ) { key, keyNode, value, path in
            if key == "episodes" {
                guard grouped else {
                    reader.error("\(path): 'episodes' applies to show and season rules only", at: keyNode)
                    return nil
                }
                return aggregate(value, path: "\(path).episodes")
            }
            guard let field = CleanupField(rawValue: key) else {
                let names = CleanupField.allCases.map(\.rawValue).joined(separator: ", ")
                reader.error(
                    "\(path): unknown field '\(key)' (fields: \(names); or all, any, not, episodes)", at: keyNode)
                return nil
            }
            if grouped, field.fromHistory || [.added, .updated, .size].contains(field) {
                reader.error(
                    "\(path): a show or season rule must say how to combine '\(key)' over episodes, such as episodes: {max: \(key), …}",
                    at: keyNode)
                return nil
            }
            guard let (name, operand) = single(value, path: "\(path).\(key)") else { return nil }
            return test(name, operand, field: field, path: "\(path).\(key)").map { .leaf(field, $0) }
        }.read(node, path: path)
    }

    private func aggregate(_ node: Node, path: String) -> CleanupCondition? {
        guard let map = reader.mapping(node, path: path) else { return nil }
        defer { map.finish() }
        let filter = map.value("where").flatMap { condition($0, path: "\(path).where", grouped: false) }
        for function in [Aggregation.any, .all] {
            if let body = map.value(function.rawValue) {
                guard let inner = condition(body, path: "\(path).\(function.rawValue)", grouped: false) else {
                    return nil
                }
                return .aggregate(function, nil, filter: inner, .isTrue(true))
            }
        }
        var chosen: (Aggregation, CleanupField?)?
        for function in [Aggregation.max, .min, .sum] {
            if let fieldNode = map.value(function.rawValue),
                let name = reader.string(fieldNode, path: "\(path).\(function)")
            {
                guard let field = CleanupField(rawValue: name), [.date, .number].contains(field.kind) else {
                    reader.error("\(path).\(function.rawValue): '\(name)' is not a date or number field", at: fieldNode)
                    return nil
                }
                if function == .sum, field.kind == .date {
                    reader.error("\(path).sum: dates cannot be summed; use max or min", at: fieldNode)
                    return nil
                }
                chosen = (function, field)
            }
        }
        if map.bool("count") == true { chosen = (.count, nil) }
        guard let (function, field) = chosen else {
            reader.error(
                "\(path) needs one of max, min, sum (a field), count: true, any or all (a condition)", at: node)
            return nil
        }
        let operators = ["older_than", "newer_than", "before", "since", "lt", "lte", "gt", "gte", "missing"]
        let present = operators.filter { map.value($0) != nil }
        guard present.count == 1, let name = present.first, let operand = map.value(name) else {
            reader.error("\(path) needs exactly one test (\(operators.joined(separator: ", ")))", at: node)
            return nil
        }
        let kindField = field ?? .plays  // count is a number
        return test(name, operand, field: kindField, path: "\(path).\(name)").map {
            .aggregate(function, field, filter: filter, $0)
        }
    }

    private func single(_ node: Node, path: String) -> (String, Node)? {
        guard let mapping = node.mapping, mapping.count == 1, let (nameNode, operand) = mapping.first,
            let name = nameNode.scalar?.string
        else {
            reader.error("\(path) takes exactly one operator, such as {older_than: 90d}", at: node)
            return nil
        }
        return (name, operand)
    }

    func test(_ name: String, _ node: Node, field: CleanupField, path: String) -> CleanupTest? {
        if name == "in", field.kind == .text {
            // A list (or one value): read item by item, not as the single value other operators take.
            let items = (node.sequence.map(Array.init) ?? [node]).compactMap { reader.string($0, path: path) }
            return .oneOf(items)
        }
        let text = reader.string(node, path: path) ?? ""
        func fail(_ message: String) -> CleanupTest? {
            reader.error("\(path) \(message)", at: node)
            return nil
        }
        switch (name, field.kind) {
        case ("missing", _):
            guard let flag = ["true": true, "false": false][text.lowercased()] else {
                return fail("must be true or false")
            }
            return .missing(flag)
        case ("older_than", .date), ("newer_than", .date):
            guard text.hasSuffix("d"), let days = Int(text.dropLast()), days >= 0 else {
                return fail("must be whole days, such as 90d (durations are multiples of 86,400 s)")
            }
            return name == "older_than" ? .olderThan(days: days) : .newerThan(days: days)
        case ("before", .date), ("since", .date):
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else {
                return fail("must be a date such as 2026-01-31 (local midnight in the configured timezone)")
            }
            let day = DateComponents(year: parts[0], month: parts[1], day: parts[2])
            return name == "before" ? .before(day) : .since(day)
        case ("lt", .number), ("lte", .number), ("gt", .number), ("gte", .number):
            let value = field == .size ? ConfigValueParser.byteSize(text).map(Double.init) : Double(text)
            guard let value else { return fail(field == .size ? "must be a size such as 4GiB" : "must be a number") }
            switch name {
            case "lt": return .lessThan(value)
            case "lte": return .atMost(value)
            case "gt": return .greaterThan(value)
            default: return .atLeast(value)
            }
        case ("equals", .text): return .equals(text)
        case ("contains", .text): return .contains(text)
        case ("is", .flag):
            guard let flag = ["true": true, "false": false][text.lowercased()] else {
                return fail("must be true or false")
            }
            return .isTrue(flag)
        default:
            return fail("'\(name)' does not apply to \(field.rawValue) (\(field.kind.rawValue))")
        }
    }
}
