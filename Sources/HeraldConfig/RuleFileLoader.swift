import Foundation
import HeraldCore
import Yams

/// Loads rule files (`*.yml`, `*.yaml`, in name order) from the rules directory.
///
/// Every problem is reported with `file:line:column`: unknown fields and operators, operators that
/// do not apply to a field's type, bad globs and regular expressions, unknown Plex servers.
/// The rules of a rules directory: event rules (`on:`) and library-scope cleanup rules (`scope:`).
public struct RuleSet: Sendable, Equatable {
    public var rules: [Rule] = []
    public var cleanup: [CleanupRule] = []

    public init(rules: [Rule] = [], cleanup: [CleanupRule] = []) {
        self.rules = rules
        self.cleanup = cleanup
    }
}

public enum RuleFileLoader {
    /// - Parameters:
    ///   - directory: The rules directory.
    ///   - knownServers: Names of the configured Plex servers, which `scan` actions may name.
    ///   - knownChannels: Names of the configured notification channels, which `notify` actions may name.
    ///   - knownTemplates: Template names `notify` actions may name (nil: not checked).
    ///   - environment: For `${NAME}` expansion in values.
    public static func load(
        directory: String, knownServers: Set<String>, knownChannels: Set<String> = [],
        knownTemplates: Set<String>? = nil, environment: [String: String] = [:]
    )
        throws(ConfigError) -> [Rule]
    {
        try loadSet(
            directory: directory, knownServers: knownServers, knownChannels: knownChannels,
            knownTemplates: knownTemplates, environment: environment
        ).rules
    }

    /// `load`, with the cleanup rules too.
    public static func loadSet(
        directory: String, knownServers: Set<String>, knownChannels: Set<String> = [],
        knownTemplates: Set<String>? = nil, environment: [String: String] = [:]
    )
        throws(ConfigError) -> RuleSet
    {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()
        } catch {
            throw ConfigError(diagnostics: [
                ConfigDiagnostic(file: directory, line: 0, column: 0, message: "cannot read the rules directory")
            ])
        }
        var set = RuleSet()
        var diagnostics: [ConfigDiagnostic] = []
        for file in files {
            let path = directory + "/" + file
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            do {
                let parsed = try parseSet(
                    yaml: text, file: path, knownServers: knownServers, knownChannels: knownChannels,
                    knownTemplates: knownTemplates, environment: environment)
                set.rules += parsed.rules
                set.cleanup += parsed.cleanup
            } catch {
                diagnostics += error.diagnostics
            }
        }
        var seen: [String: SourceLocation] = [:]
        let named = set.rules.map { ($0.name, $0.location) } + set.cleanup.map { ($0.name, $0.location) }
        for (name, location) in named {
            if let first = seen[name] {
                diagnostics.append(
                    ConfigDiagnostic(
                        file: location.file, line: location.line, column: 1,
                        message: "rule name '\(name)' is already used at \(first)"))
            } else {
                seen[name] = location
            }
        }
        if !diagnostics.isEmpty { throw ConfigError(diagnostics: diagnostics) }
        return set
    }

    /// Parses one rules file: a list of rules.
    public static func parse(
        yaml: String, file: String, knownServers: Set<String>, knownChannels: Set<String> = [],
        knownTemplates: Set<String>? = nil, environment: [String: String] = [:]
    ) throws(ConfigError) -> [Rule] {
        try parseSet(
            yaml: yaml, file: file, knownServers: knownServers, knownChannels: knownChannels,
            knownTemplates: knownTemplates, environment: environment
        ).rules
    }

    /// `parse`, with the cleanup rules too.
    public static func parseSet(
        yaml: String, file: String, knownServers: Set<String>, knownChannels: Set<String> = [],
        knownTemplates: Set<String>? = nil, environment: [String: String] = [:]
    ) throws(ConfigError) -> RuleSet {
        let reader = ConfigReader(file: file, environment: environment)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml, ConfigReader.resolver)
        } catch let error as YamlError {
            throw ConfigError(diagnostics: [ConfigReader.diagnostic(for: error, file: file)])
        } catch {
            throw ConfigError(diagnostics: [ConfigDiagnostic(file: file, line: 0, column: 0, message: "\(error)")])
        }
        guard let root else { return RuleSet() }
        guard let list = root.sequence else {
            reader.error("a rules file is a list of rules (each starting with '- name:')", at: root)
            throw ConfigError(diagnostics: reader.diagnostics)
        }
        let parser = RuleParser(
            reader: reader, knownServers: knownServers, knownChannels: knownChannels, knownTemplates: knownTemplates)
        var set = RuleSet()
        let cleanup = CleanupRuleParser(reader: reader)
        for (index, node) in list.enumerated() {
            // A rule with `scope:` is a library-scope cleanup rule; any other is an event rule.
            if let mapping = node.mapping, mapping.keys.contains(where: { $0.scalar?.string == "scope" }) {
                guard let map = reader.mapping(node, path: "rule #\(index + 1)") else { continue }
                guard let name = map.string("name"), !name.isEmpty else {
                    reader.error("every rule needs a 'name'", at: node)
                    continue
                }
                if let rule = cleanup.rule(map, name: name, node: node) { set.cleanup.append(rule) }
            } else if let rule = parser.rule(node, index: index) {
                set.rules.append(rule)
            }
        }
        if !reader.diagnostics.isEmpty { throw ConfigError(diagnostics: reader.diagnostics) }
        return set
    }
}
