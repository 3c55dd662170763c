import Foundation

/// A shell-style glob: `*` (within a path component), `**` (across components), `?`, `[abc]`,
/// `{a,b}`. With no separator (event kinds), `*` matches anything.
public struct Glob: Sendable, Equatable {
    public struct SyntaxError: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    public let pattern: String
    private let regex: RegexPattern

    /// - Parameters:
    ///   - pattern: The glob.
    ///   - separator: The path separator `*` does not cross, or nil.
    public init(_ pattern: String, separator: Character? = "/") throws(SyntaxError) {
        self.pattern = pattern
        var output = "^"
        var braceDepth = 0
        var index = pattern.startIndex
        let notSeparator = separator.map { "[^" + NSRegularExpression.escapedPattern(for: String($0)) + "]" } ?? "."
        while index < pattern.endIndex {
            let character = pattern[index]
            let next = pattern.index(after: index)
            switch character {
            case "*":
                if next < pattern.endIndex, pattern[next] == "*" {
                    var after = pattern.index(after: next)
                    // `**/` matches zero or more whole directories.
                    if let separator, after < pattern.endIndex, pattern[after] == separator {
                        after = pattern.index(after: after)
                        output += "(?:.*" + NSRegularExpression.escapedPattern(for: String(separator)) + ")?"
                    } else {
                        output += ".*"
                    }
                    index = after
                    continue
                }
                output += notSeparator + "*"
            case "?":
                output += notSeparator
            case "[":
                guard let close = pattern[next...].firstIndex(of: "]") else {
                    throw SyntaxError(description: "unclosed '[' in glob '\(pattern)'")
                }
                var set = String(pattern[next..<close])
                if set.hasPrefix("!") { set = "^" + set.dropFirst() }
                output += "[" + set.replacingOccurrences(of: "\\", with: "\\\\") + "]"
                index = pattern.index(after: close)
                continue
            case "{":
                braceDepth += 1
                output += "(?:"
            case "}" where braceDepth > 0:
                braceDepth -= 1
                output += ")"
            case "," where braceDepth > 0:
                output += "|"
            default:
                output += NSRegularExpression.escapedPattern(for: String(character))
            }
            index = next
        }
        guard braceDepth == 0 else { throw SyntaxError(description: "unclosed '{' in glob '\(pattern)'") }
        do {
            regex = try RegexPattern(output + "$")
        } catch {
            throw SyntaxError(description: "invalid glob '\(pattern)'")
        }
    }

    public func matches(_ text: String) -> Bool { regex.matches(text) }

    public static func == (left: Glob, right: Glob) -> Bool { left.pattern == right.pattern }
}
