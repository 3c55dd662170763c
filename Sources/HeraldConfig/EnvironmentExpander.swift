/// Expands `${NAME}` and `${NAME:-default}` references in configuration strings.
///
/// Expansion happens on scalar values after YAML parsing, so an environment variable can never
/// change the structure of the file. `$$` stands for a literal `$`.
public struct EnvironmentExpander: Sendable {
    public var variables: [String: String]

    public init(variables: [String: String]) {
        self.variables = variables
    }

    /// The result of expanding one string: the text and the names that were unset with no default.
    public struct Expansion: Equatable, Sendable {
        public var text: String
        public var missing: [String]
        public var malformed: Bool
    }

    public func expand(_ text: String) -> Expansion {
        guard text.contains("$") else { return Expansion(text: text, missing: [], malformed: false) }
        var output = ""
        var missing: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            guard character == "$", next < text.endIndex else {
                output.append(character)
                index = next
                continue
            }
            if text[next] == "$" {
                output.append("$")
                index = text.index(after: next)
                continue
            }
            guard text[next] == "{", let close = text[next...].firstIndex(of: "}") else {
                if text[next] == "{" { return Expansion(text: text, missing: missing, malformed: true) }
                output.append(character)
                index = next
                continue
            }
            let reference = text[text.index(after: next)..<close]
            let parts = reference.split(separator: ":-", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                return Expansion(text: text, missing: missing, malformed: true)
            }
            if let value = variables[name], !(parts.count == 2 && value.isEmpty) {
                output += value
            } else if parts.count == 2 {
                output += parts[1]
            } else {
                missing.append(name)
            }
            index = text.index(after: close)
        }
        return Expansion(text: output, missing: missing, malformed: false)
    }
}
