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

    /// Separators unified to `/`, repeated ones collapsed (but a leading `//`, a network share,
    /// is kept), trailing ones removed (but `/` stays `/`).
    public static func normalised(_ path: String) -> String {
        let bytes = path.utf8
        let hasBackslash = bytes.contains(backslash)
        let last = bytes.last
        guard hasBackslash || (bytes.count > 1 && (last == slash || last == backslash)) || hasRepeatedSlash(bytes)
        else { return path }
        var output = Array(bytes)
        normalise(&output, from: 0)
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether a path has `//` anywhere after its first byte.
    private static func hasRepeatedSlash(_ bytes: String.UTF8View) -> Bool {
        var previous: UInt8 = 0
        for (offset, byte) in bytes.enumerated() {
            if byte == slash, previous == slash, offset > 1 { return true }
            previous = byte
        }
        return false
    }

    /// `normalised`, in place, for a path appended to `bytes` at `start`.
    static func normalise(_ bytes: inout [UInt8], from start: Int) {
        for index in start..<bytes.count where bytes[index] == backslash { bytes[index] = slash }
        // Collapse runs of separators after the first two bytes (`//nas/share` stays a share).
        var write = min(bytes.count, start + 2)
        if write < bytes.count {
            for read in write..<bytes.count {
                if bytes[read] == slash, bytes[write - 1] == slash { continue }
                bytes[write] = bytes[read]
                write += 1
            }
            bytes.removeLast(bytes.count - write)
        }
        while bytes.count - start > 1, bytes.last == slash { bytes.removeLast() }
    }

    /// `fileExtension`, appended to `bytes` without making a string; false when there is none.
    static func appendFileExtension(of path: String, to bytes: inout [UInt8]) -> Bool {
        guard let range = extensionRange(path) else { return false }
        for byte in path.utf8[range] { bytes.append(byte >= 65 && byte <= 90 ? byte + 32 : byte) }
        return true
    }

    /// The lower-cased extension of a path's last component (`mkv`), or nil when it has none.
    public static func fileExtension(_ path: String) -> String? {
        guard let range = extensionRange(path) else { return nil }
        let suffix = path.utf8[range]
        // Usually already lower case, and short enough to be stored inline: no allocation.
        if !suffix.contains(where: { $0 >= 65 && $0 <= 90 }) { return String(Substring(suffix)) }
        return String(decoding: suffix.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// Where the extension of a path's last component lies (after the dot). A leading dot
    /// (`.hidden`) is a name, not an extension; so is a trailing one.
    private static func extensionRange(_ path: String) -> Range<String.Index>? {
        var view = path.utf8[...]
        while let last = view.last, last == slash || last == backslash { view = view.dropLast() }
        guard let dot = view.lastIndex(of: UInt8(ascii: ".")) else { return nil }
        let nameStart =
            view.lastIndex(where: { $0 == slash || $0 == backslash }).map { view.index(after: $0) } ?? view.startIndex
        guard dot > nameStart, view.index(after: dot) < view.endIndex else { return nil }
        return view.index(after: dot)..<view.endIndex
    }
}
