#if canImport(Glibc)
    import Glibc
#endif

/// Lists a directory with `readdir`, taking each entry's type from `d_type` so that a walk of a
/// large library needs no `stat` per file (one `lstat` only when the file system does not say).
enum DirectoryListing {
    struct Entry {
        var name: String
        var isDirectory: Bool
    }

    /// The entries of `directory` (without `.` and `..`); empty when it cannot be read.
    static func entries(_ directory: String) -> [Entry] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var entries: [Entry] = []
        while let pointer = readdir(handle) {
            let type = pointer.pointee.d_type
            let name = withUnsafeBytes(of: pointer.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let isDirectory: Bool
            switch Int32(type) {
            case Int32(DT_DIR): isDirectory = true
            case Int32(DT_UNKNOWN):
                var info = stat()
                isDirectory = lstat(directory + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            default: isDirectory = false
            }
            entries.append(Entry(name: name, isDirectory: isDirectory))
        }
        return entries
    }
}
