import Foundation

/// What the settle gate needs to know of a folder on this machine.
enum FolderActivity {
    /// Whether the folder exists, and the newest modification time of it and of everything in it
    /// (two levels deep, at most 10,000 entries: enough for a season or a film with extras).
    static func inspect(_ path: String) -> (exists: Bool, newestChange: Date?) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return (false, nil)
        }
        var newest = (try? manager.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? nil
        var seen = 0
        var pending: [(String, Int)] = [(path, 0)]
        while let (folder, depth) = pending.popLast(), seen < 10_000 {
            for name in (try? manager.contentsOfDirectory(atPath: folder)) ?? [] {
                seen += 1
                let child = folder + "/" + name
                guard let attributes = try? manager.attributesOfItem(atPath: child) else { continue }
                if let modified = attributes[.modificationDate] as? Date, modified > (newest ?? .distantPast) {
                    newest = modified
                }
                if attributes[.type] as? FileAttributeType == .typeDirectory, depth < 1 {
                    pending.append((child, depth + 1))
                }
            }
        }
        return (true, newest)
    }
}
