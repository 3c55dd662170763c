/// A declarative rule: which events it looks at (`on`), a condition tree (`if`), and actions (`do`).
///
/// Rules are loaded from YAML files in the rules directory and evaluated by `RuleEngine` for every
/// dispatched event, in file order. A matching rule with `stop` ends the evaluation for that event.
public struct Rule: Sendable, Equatable {
    public var name: String
    /// Event kinds, exact or glob (`sonarr.*`, `fs.*`, `*`).
    public var on: [KindPattern]
    public var condition: Condition
    public var actions: [RuleAction]
    /// When true and the rule matches, later rules are not evaluated for the event.
    public var stop: Bool
    public var enabled: Bool
    /// Where the rule was written, for traces and messages.
    public var location: SourceLocation

    public init(
        name: String, on: [KindPattern], condition: Condition = .all([]), actions: [RuleAction], stop: Bool = false,
        enabled: Bool = true, location: SourceLocation = SourceLocation(file: "", line: 0)
    ) {
        self.name = name
        self.on = on
        self.condition = condition
        self.actions = actions
        self.stop = stop
        self.enabled = enabled
        self.location = location
    }
}

/// A position in a rules file.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}

/// An event-kind pattern: `sonarr.download`, `sonarr.*`, `*.download`, `*`.
///
/// Exact names, `*`, `prefix.*` and `*.suffix` are compared as strings (they are evaluated for
/// every rule and every event); anything else goes through a glob.
public struct KindPattern: Sendable, Equatable, CustomStringConvertible {
    private enum Matcher: Sendable {
        case any
        case exact(String)
        case prefix(String)
        case suffix(String)
        case glob(Glob)
    }

    public let text: String
    private let matcher: Matcher

    public init(_ text: String) throws(Glob.SyntaxError) {
        self.text = text
        let special: Set<Character> = ["*", "?", "[", "{"]
        let body = text.filter { special.contains($0) }
        if text == "*" {
            matcher = .any
        } else if body.isEmpty {
            matcher = .exact(text)
        } else if body == "*", text.hasSuffix("*") {
            matcher = .prefix(String(text.dropLast()))
        } else if body == "*", text.hasPrefix("*") {
            matcher = .suffix(String(text.dropFirst()))
        } else {
            matcher = .glob(try Glob(text, separator: nil))
        }
    }

    public func matches(_ kind: String) -> Bool {
        switch matcher {
        case .any: true
        case .exact(let name): kind == name
        case .prefix(let prefix): kind.hasPrefix(prefix)
        case .suffix(let suffix): kind.hasSuffix(suffix)
        case .glob(let glob): glob.matches(kind)
        }
    }

    public var description: String { text }

    public static func == (left: KindPattern, right: KindPattern) -> Bool { left.text == right.text }
}
