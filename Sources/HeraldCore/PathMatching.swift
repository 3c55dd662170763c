/// Component-wise path comparison: `/tv` contains `/tv/Show` but not `/tv-4k/Show`.
///
/// Evaluated for every rule and every event, so it works on UTF-8 bytes and allocates only when a
/// path needs normalising (backslashes or trailing separators).
public enum PathMatching {
    private static let slash = UInt8(ascii: "/")
    private static let backslash = UInt8(ascii: "\\")

    /// True when `path` is `root` itself or inside it. Trailing separators are ignored; `\` and `/`
    /// are the same separator (Windows libraries); a root of `/` contains every absolute path.
    public static func isUnder(_ path: String, _ root: String) -> Bool {
        isUnderNormalised(normalised(path), normalised(root))
    }

    /// `isUnder` for paths already passed through `normalised`.
    public static func isUnderNormalised(_ path: String, _ root: String) -> Bool {
        if root == "/" { return path.utf8.first == slash }
        let pathBytes = path.utf8
        let rootBytes = root.utf8
        guard pathBytes.count >= rootBytes.count, pathBytes.starts(with: rootBytes) else { return false }
        if pathBytes.count == rootBytes.count { return true }
        return pathBytes[pathBytes.index(pathBytes.startIndex, offsetBy: rootBytes.count)] == slash
    }

    /// Separators unified to `/`, trailing ones removed (but `/` stays `/`).
    public static func normalised(_ path: String) -> String {
        let bytes = path.utf8
        let hasBackslash = bytes.contains(backslash)
        let last = bytes.last
        guard hasBackslash || (bytes.count > 1 && (last == slash || last == backslash)) else { return path }
        var output = Array(bytes)
        if hasBackslash {
            for index in output.indices where output[index] == backslash { output[index] = slash }
        }
        while output.count > 1, output.last == slash { output.removeLast() }
        return String(decoding: output, as: UTF8.self)
    }

    /// The lower-cased extension of a path's last component (`mkv`), or nil when it has none.
    public static func fileExtension(_ path: String) -> String? {
        var bytes = path.utf8[...]
        while let last = bytes.last, last == slash || last == backslash { bytes = bytes.dropLast() }
        guard let dot = bytes.lastIndex(of: UInt8(ascii: ".")) else { return nil }
        let nameStart =
            bytes.lastIndex(where: { $0 == slash || $0 == backslash }).map { bytes.index(after: $0) }
            ?? bytes.startIndex
        // A leading dot (`.hidden`) is a name, not an extension; so is a trailing one.
        guard dot > nameStart, bytes.index(after: dot) < bytes.endIndex else { return nil }
        let suffix = bytes[bytes.index(after: dot)...]
        if !suffix.contains(where: { $0 >= 65 && $0 <= 90 }) { return String(Substring(suffix)) }
        return String(decoding: suffix.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
