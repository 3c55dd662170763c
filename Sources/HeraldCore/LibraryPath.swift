import Foundation

/// Path arithmetic for library paths reported by other machines.
///
/// Paths in webhooks come from the sender's filesystem (Linux, a NAS, or Windows for the *arr Test
/// event), so they are handled as text, never through the local filesystem.
public enum LibraryPath {
    /// Joins a folder and a relative path with the folder's own separator, without doubling it.
    ///
    /// `join("/tv/Show", "Season 1/x.mkv")` is `/tv/Show/Season 1/x.mkv`; a Windows folder
    /// (`C:\tv`) joins with a backslash. An empty relative path yields the folder itself.
    public static func join(_ folder: String, _ relative: String) -> String {
        let separator: Character = folder.contains("\\") && !folder.contains("/") ? "\\" : "/"
        var base = Substring(folder)
        while base.count > 1, base.last == separator { base = base.dropLast() }
        var tail = Substring(relative)
        while tail.first == "/" || tail.first == "\\" { tail = tail.dropFirst() }
        if tail.isEmpty { return String(base) }
        let normalisedTail = separator == "\\" ? String(tail) : tail.replacingOccurrences(of: "\\", with: "/")
        return base.last == separator ? base + normalisedTail : base + String(separator) + normalisedTail
    }

    /// The folder holding a file path (`/tv/Show/Season 1/x.mkv` → `/tv/Show/Season 1`).
    public static func parent(of path: String) -> String {
        let bytes = path.utf8
        guard let index = bytes.lastIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") }) else {
            return path
        }
        if index == bytes.startIndex { return String(path[index...index]) }
        return String(path[..<index])
    }
}
