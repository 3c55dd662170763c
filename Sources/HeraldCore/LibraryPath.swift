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
        let slash = UInt8(ascii: "/")
        let backslash = UInt8(ascii: "\\")
        let windows = folder.utf8.contains(backslash) && !folder.utf8.contains(slash)
        let separator = windows ? backslash : slash
        var base = folder.utf8[...]
        while base.count > 1, base.last == separator { base = base.dropLast() }
        var tail = relative.utf8[...]
        while let first = tail.first, first == slash || first == backslash { tail = tail.dropFirst() }
        if tail.isEmpty { return String(Substring(base)) }
        let addsSeparator = base.last != separator
        return String(unsafeUninitializedCapacity: base.count + 1 + tail.count) { buffer in
            var index = buffer.initialize(fromContentsOf: base)
            if addsSeparator {
                buffer[index] = separator
                index += 1
            }
            let start = index
            index = buffer[start...].initialize(fromContentsOf: tail)
            // A Windows-style relative path joined to a POSIX folder gets POSIX separators.
            if !windows {
                for position in start..<index where buffer[position] == backslash { buffer[position] = slash }
            }
            return index
        }
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
