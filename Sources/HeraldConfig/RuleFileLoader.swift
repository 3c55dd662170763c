import Foundation
import HeraldCore
import Yams

/// Loads rule files (`*.yml`, `*.yaml`, in name order) from the rules directory.
///
/// Every problem is reported with `file:line:column`: unknown fields and operators, operators that
/// do not apply to a field's type, bad globs and regular expressions, unknown Plex servers.
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
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()
        } catch {
            throw ConfigError(diagnostics: [
                ConfigDiagnostic(file: directory, line: 0, column: 0, message: "cannot read the rules directory")
            ])
        }
        var rules: [Rule] = []
        var diagnostics: [ConfigDiagnostic] = []
        for file in files {
            let path = directory + "/" + file
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            do {
                rules += try parse(
                    yaml: text, file: path, knownServers: knownServers, knownChannels: knownChannels,
                    knownTemplates: knownTemplates, environment: environment)
            } catch {
                diagnostics += error.diagnostics
            }
        }
        var seen: [String: SourceLocation] = [:]
        for rule in rules {
            if let first = seen[rule.name] {
                diagnostics.append(
                    ConfigDiagnostic(
                        file: rule.location.file, line: rule.location.line, column: 1,
                        message: "rule name '\(rule.name)' is already used at \(first)"))
            } else {
                seen[rule.name] = rule.location
            }
        }
        if !diagnostics.isEmpty { throw ConfigError(diagnostics: diagnostics) }
        return rules
    }

    /// Parses one rules file: a list of rules.
    public static func parse(
        yaml: String, file: String, knownServers: Set<String>, knownChannels: Set<String> = [],
        knownTemplates: Set<String>? = nil, environment: [String: String] = [:]
    ) throws(ConfigError) -> [Rule] {
        let reader = ConfigReader(file: file, environment: environment)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigError(diagnostics: [ConfigReader.diagnostic(for: error, file: file)])
        } catch {
            throw ConfigError(diagnostics: [ConfigDiagnostic(file: file, line: 0, column: 0, message: "\(error)")])
        }
        guard let root else { return [] }
        guard let list = root.sequence else {
            reader.error("a rules file is a list of rules (each starting with '- name:')", at: root)
            throw ConfigError(diagnostics: reader.diagnostics)
        }
        let parser = RuleParser(
            reader: reader, knownServers: knownServers, knownChannels: knownChannels, knownTemplates: knownTemplates)
        let rules = list.enumerated().compactMap { parser.rule($1, index: $0) }
        if !reader.diagnostics.isEmpty { throw ConfigError(diagnostics: reader.diagnostics) }
        return rules
    }
}
