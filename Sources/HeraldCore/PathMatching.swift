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
        let bytes = Array(path.utf8)
        var end = bytes.count
        var dot: Int?
        var index = end - 1
        while index >= 0 {
            let byte = bytes[index]
            if byte == slash || byte == backslash {
                if index == end - 1 {
                    end = index
                    index -= 1
                    continue
                }
                break
            }
            if byte == UInt8(ascii: "."), dot == nil { dot = index }
            index -= 1
        }
        // A leading dot (`.hidden`) is a name, not an extension; so is a trailing one.
        guard let dot, dot > index + 1, dot < end - 1 else { return nil }
        var extensionBytes = Array(bytes[(dot + 1)..<end])
        for position in extensionBytes.indices where extensionBytes[position] >= 65 && extensionBytes[position] <= 90 {
            extensionBytes[position] += 32
        }
        return String(decoding: extensionBytes, as: UTF8.self)
    }
}
