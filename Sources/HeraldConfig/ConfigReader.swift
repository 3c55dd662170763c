import Foundation
import HeraldCore
import Yams

/// Reads values out of a parsed YAML document strictly, collecting every problem with its position.
///
/// Synthesised `Decodable` stops at the first error and loses line numbers; this reader keeps
/// going, so `herald check` reports all mistakes of a file at once as `file:line:column: message`.
public final class ConfigReader {
    public let file: String
    /// Directory against which relative `*_file` paths are resolved when no credentials directory is set.
    public let baseDirectory: String
    public let expander: EnvironmentExpander
    /// systemd's `$CREDENTIALS_DIRECTORY`, where `*_file` names without a slash are looked up first.
    public let credentialsDirectory: String?
    public private(set) var diagnostics: [ConfigDiagnostic] = []

    public init(file: String, environment: [String: String]) {
        self.file = file
        self.baseDirectory = (file as NSString).deletingLastPathComponent
        self.expander = EnvironmentExpander(variables: environment)
        self.credentialsDirectory = environment["CREDENTIALS_DIRECTORY"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Records a problem at a node's position (or at the top of the file when the node is unknown).
    public func error(_ message: String, at node: Node?) {
        let mark = node?.mark
        diagnostics.append(
            ConfigDiagnostic(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, message: message)
        )
    }

    /// Tags no scalar: every value is read as text and typed by the key that holds it (so `port:
    /// "8765"` and `port: 8765` mean the same, and errors name the key). It also keeps Yams's tag
    /// patterns, regular expressions run on every scalar, out of the start: with them came the ICU
    /// regex engine and its data pages, about 1 MiB of resident memory for nothing Herald reads.
    public static let resolver = Resolver.basic

    /// Parses YAML text into a root mapping view, recording syntax errors.
    public func root(yaml: String) -> ConfigMapping? {
        do {
            guard let node = try Yams.compose(yaml: yaml, Self.resolver) else {
                return ConfigMapping(reader: self, node: Node.mapping(Node.Mapping([])), path: "")
            }
            return mapping(node, path: "")
        } catch let error as YamlError {
            diagnostics.append(Self.diagnostic(for: error, file: file))
            return nil
        } catch {
            self.error("cannot parse YAML: \(error)", at: nil)
            return nil
        }
    }

    /// Views a node as a mapping, or records that a mapping was expected.
    public func mapping(_ node: Node, path: String) -> ConfigMapping? {
        guard node.mapping != nil else {
            error("\(path.isEmpty ? "the document" : "'\(path)'") must be a mapping of keys to values", at: node)
            return nil
        }
        return ConfigMapping(reader: self, node: node, path: path)
    }

    /// Reads a scalar as a string with environment references expanded; nil (with a problem
    /// recorded) for sequences, mappings and failed expansions.
    public func string(_ node: Node, path: String) -> String? {
        guard case .scalar(let scalar) = node else {
            error("'\(path)' must be a single value, not a list or mapping", at: node)
            return nil
        }
        let expansion = expander.expand(scalar.string)
        if expansion.malformed {
            error("'\(path)' has a malformed ${...} reference", at: node)
            return nil
        }
        if !expansion.missing.isEmpty {
            let names = expansion.missing.map { "${\($0)}" }.joined(separator: ", ")
            error("'\(path)' uses \(names), which is not set in the environment (use ${NAME:-default})", at: node)
            return nil
        }
        return expansion.text
    }

    /// Reads a secret from a file named in the configuration: relative names are looked up in the
    /// systemd credentials directory first, then next to the configuration file. One trailing
    /// newline is removed (files written by `echo` end with one).
    public func secretFile(_ name: String, node: Node, path: String) -> Secret? {
        var candidates: [String] = []
        if name.hasPrefix("/") {
            candidates = [name]
        } else {
            if let credentialsDirectory { candidates.append(credentialsDirectory + "/" + name) }
            candidates.append(baseDirectory.isEmpty ? name : baseDirectory + "/" + name)
        }
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate) {
            guard let data = FileManager.default.contents(atPath: candidate),
                var text = String(data: data, encoding: .utf8)
            else {
                error("'\(path)': cannot read \(candidate)", at: node)
                return nil
            }
            if text.hasSuffix("\r\n") { text.removeLast(2) } else if text.hasSuffix("\n") { text.removeLast() }
            if text.isEmpty {
                error("'\(path)': \(candidate) is empty", at: node)
                return nil
            }
            return Secret(text)
        }
        error("'\(path)': no such file: \(candidates.joined(separator: " or "))", at: node)
        return nil
    }

    static func diagnostic(for error: YamlError, file: String) -> ConfigDiagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text) \(problem)" } ?? problem
            return ConfigDiagnostic(
                file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(detail)")
        case .composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text) \(problem)" } ?? problem
            return ConfigDiagnostic(
                file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return ConfigDiagnostic(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "the mapping starting here has \(keys) more than once; each key may appear once")
        default:
            return ConfigDiagnostic(file: file, line: 0, column: 0, message: "invalid YAML: \(error)")
        }
    }
}
