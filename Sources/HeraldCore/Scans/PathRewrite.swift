import Foundation

/// One path rewrite from Herald's view of the disk to Plex's (`^/mnt/media/(.*)$` → `/data/$1`).
///
/// Rewrites are tried in order and the first whose pattern matches wins; a path no rewrite matches
/// is sent unchanged. Capture groups are referenced as `$1`, `$2`.
public struct PathRewrite: Sendable, Equatable {
    public let from: RegexPattern
    public let to: String

    public init(from: RegexPattern, to: String) {
        self.from = from
        self.to = to
    }

    /// The rewritten path, or nil when the pattern does not match.
    public func apply(_ path: String) -> String? {
        let range = NSRange(path.startIndex..., in: path)
        guard let match = from.expression.firstMatch(in: path, range: range) else { return nil }
        let replaced = from.expression.replacementString(for: match, in: path, offset: 0, template: to)
        guard let matchRange = Range(match.range, in: path) else { return nil }
        return path.replacingCharacters(in: matchRange, with: replaced)
    }

    /// Applies the first matching rewrite of a list. A folder is tried as written and with a
    /// trailing separator, so `^/TV/(.*)$` (the form autoscan users bring) also rewrites `/TV`
    /// itself, the library root a deleted show's folder is in.
    public static func apply(_ rewrites: [PathRewrite], to path: String) -> String {
        for rewrite in rewrites {
            if let rewritten = rewrite.apply(path) { return rewritten }
            if !path.hasSuffix("/"), let rewritten = rewrite.apply(path + "/") { return rewritten }
        }
        return path
    }
}
