import Foundation
import HeraldCore
import Yams

/// Turns the YAML of one rule into a `Rule`, recording every problem through the reader.
struct RuleParser {
    let reader: ConfigReader
    let knownServers: Set<String>
    let knownChannels: Set<String>
    /// nil when template names are not checked.
    let knownTemplates: Set<String>?

    func location(_ node: Node) -> SourceLocation {
        SourceLocation(file: reader.file, line: node.mark?.line ?? 0)
    }

    func rule(_ node: Node, index: Int) -> Rule? {
        guard let map = reader.mapping(node, path: "rule #\(index + 1)") else { return nil }
        guard let name = map.string("name"), !name.isEmpty else {
            reader.error("every rule needs a 'name'", at: node)
            return nil
        }
        let context = "rule '\(name)'"
        var kinds: [KindPattern] = []
        if let onNode = map.value("on") {
            for (text, item) in strings(onNode, path: "\(context): on") {
                do {
                    kinds.append(try KindPattern(text))
                } catch {
                    reader.error("\(context): \(error)", at: item)
                }
            }
        } else {
            reader.error(
                "\(context) needs 'on' (the event kinds it applies to, such as [sonarr.download, fs.*])", at: node)
        }
        let condition = map.value("if").flatMap { self.condition($0, path: "\(context): if") } ?? .all([])
        var actions: [RuleAction] = []
        if let doNode = map.value("do") {
            actions = (doNode.sequence.map(Array.init) ?? [doNode]).compactMap { action($0, context: context) }
        } else {
            reader.error("\(context) needs 'do' (the actions to take)", at: node)
        }
        let rule = Rule(
            name: name, on: kinds, condition: condition, actions: actions, stop: map.bool("stop") ?? false,
            enabled: map.bool("enabled") ?? true, location: location(node))
        map.finish()
        return rule
    }

    // MARK: - Conditions

    func condition(_ node: Node, path: String) -> Condition? {
        ConditionTreeReader<Condition>(
            reader: reader, expected: "all, any, not, or a single field test such as path: {under: /mnt}",
            all: Condition.all, any: Condition.any, not: Condition.not
        ) { key, keyNode, value, path in
            guard let field = EventField(name: key) else {
                let names = EventField.allCases.map(\.name).joined(separator: ", ")
                reader.error("\(path): unknown field '\(key)' (fields: \(names); or all, any, not)", at: keyNode)
                return nil
            }
            return leaf(field, value, path: "\(path).\(key)", at: keyNode).map(Condition.leaf)
        }.read(node, path: path)
    }

    func leaf(_ field: EventField, _ node: Node, path: String, at keyNode: Node) -> Leaf? {
        guard let mapping = node.mapping, mapping.count == 1, let (operatorNode, operand) = mapping.first,
            let name = operatorNode.scalar?.string
        else {
            reader.error(
                "\(path) takes exactly one operator, such as {\(Self.operators(for: field.valueType)[0]): …}", at: node)
            return nil
        }
        guard Self.operators(for: field.valueType).contains(name) else {
            let accepted = Self.operators(for: field.valueType).joined(separator: ", ")
            reader.error(
                "\(path): '\(name)' does not apply to \(field.name) (\(field.valueType.rawValue)); use one of \(accepted)",
                at: operatorNode)
            return nil
        }
        guard let test = LeafOperandParser(reader: reader, path: "\(path).\(name)").test(name, operand, field.valueType)
        else { return nil }
        return Leaf(field: field, test: test, location: location(keyNode))
    }

    static func operators(for type: EventField.ValueType) -> [String] {
        switch type {
        case .string: ["equals", "in", "contains", "prefix", "suffix", "glob", "regex", "exists"]
        case .path: ["under", "glob", "regex", "equals", "in", "prefix", "suffix", "exists"]
        case .integer: ["equals", "in", "lt", "lte", "gt", "gte", "between", "exists"]
        case .timeOfDay: ["between"]
        case .weekday: ["in", "equals"]
        }
    }

    // MARK: - Actions

    func action(_ node: Node, context: String) -> RuleAction? {
        guard let mapping = node.mapping, mapping.count == 1, let (keyNode, value) = mapping.first,
            let name = keyNode.scalar?.string
        else {
            reader.error("\(context): each action is one of scan: {…}, notify: {…} or log: {…}", at: node)
            return nil
        }
        switch name {
        case "scan":
            let map =
                value.mapping == nil && value.scalar?.string.isEmpty != false
                ? nil : reader.mapping(value, path: "\(context): scan")
            var spec = ScanActionSpec()
            if let map {
                if let servers = map.value("server") {
                    spec.servers = strings(servers, path: "\(context): scan.server").map(\.0)
                    for (server, item) in strings(servers, path: "") where !knownServers.contains(server) {
                        let known = knownServers.sorted().joined(separator: ", ")
                        reader.error(
                            "\(context): no Plex server named '\(server)' in the configuration (configured: \(known.isEmpty ? "none" : known))",
                            at: item)
                    }
                }
                if let wait = map.duration("wait") { spec.wait = wait }
                if let maxWait = map.duration("max_wait") { spec.maxWait = maxWait }
                if let priority = map.int("priority", in: -1000...1000) { spec.priority = priority }
                if spec.maxWait < spec.wait {
                    reader.error("\(context): scan.max_wait must not be shorter than scan.wait", at: value)
                }
                map.finish()
            }
            return .scan(spec)
        case "log":
            guard let map = reader.mapping(value, path: "\(context): log") else { return nil }
            let message = map.string("message") ?? ""
            let level = map.string("level") ?? "info"
            if !["trace", "debug", "info", "notice", "warning", "error"].contains(level) {
                reader.error("\(context): log.level must be trace, debug, info, notice, warning or error", at: value)
            }
            map.finish()
            return .log(LogActionSpec(message: message, level: level))
        case "notify":
            return notify(value, context: context).map(RuleAction.notify)
        default:
            reader.error("\(context): unknown action '\(name)' (actions: scan, notify, log)", at: keyNode)
            return nil
        }
    }

    /// `notify: { to: [discord, mail], template: new-media, severity: info, group_by: season, window: 5m,
    /// cooldown: 1h, ttl: 1d }`
    func notify(_ value: Node, context: String) -> NotifyActionSpec? {
        guard let map = reader.mapping(value, path: "\(context): notify") else { return nil }
        var spec = NotifyActionSpec(channels: [])
        if let to = map.value("to") {
            for (channel, item) in strings(to, path: "\(context): notify.to") {
                spec.channels.append(channel)
                if !knownChannels.contains(channel) {
                    let known = knownChannels.sorted().joined(separator: ", ")
                    reader.error(
                        "\(context): no notification channel named '\(channel)' (configured: \(known.isEmpty ? "none" : known))",
                        at: item)
                }
            }
        } else {
            reader.error("\(context): notify needs 'to' (the channels to send to)", at: value)
        }
        if let templateNode = map.value("template"), let template = map.string("template") {
            spec.template = template
            if let known = knownTemplates, !known.contains(template) {
                reader.error(
                    "\(context): no template named '\(template)' (known: \(known.sorted().joined(separator: ", ")))",
                    at: templateNode)
            }
        }
        spec.severity = map.choice("severity", as: Severity.self)
        if let grouping = map.choice("group_by", as: NotifyActionSpec.Grouping.self) { spec.groupBy = grouping }
        if let window = map.duration("window") { spec.window = window }
        spec.cooldown = map.duration("cooldown")
        spec.ttl = map.duration("ttl")
        if map.value("window") != nil, spec.groupBy == .none {
            reader.error("\(context): notify.window only applies with group_by: show or season", at: value)
        }
        map.finish()
        return spec
    }

    /// A scalar or a list of scalars, with the node of each.
    func strings(_ node: Node, path: String) -> [(String, Node)] {
        let items = node.sequence.map(Array.init) ?? [node]
        return items.compactMap { item in reader.string(item, path: path).map { ($0, item) } }
    }
}
