import Foundation

/// Component-wise path comparison: `/tv` contains `/tv/Show` but not `/tv-4k/Show`.
public enum PathMatching {
    /// True when `path` is `root` itself or inside it. Trailing separators are ignored; `\` and `/`
    /// are the same separator (Windows libraries); a root of `/` contains every absolute path.
    public static func isUnder(_ path: String, _ root: String) -> Bool {
        let path = normalised(path)
        let root = normalised(root)
        if root == "/" { return path.hasPrefix("/") }
        return path == root || path.hasPrefix(root + "/")
    }

    /// Separators unified to `/`, trailing ones removed (but `/` stays `/`).
    public static func normalised(_ path: String) -> String {
        var text = path.contains("\\") ? path.replacingOccurrences(of: "\\", with: "/") : path
        while text.count > 1, text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
