import Foundation
import HeraldCore

#if canImport(Glibc)
    import Glibc
#endif

/// A directory tree scanned periodically, for mounts inotify cannot see.
///
/// A directory whose modification time has not changed since the last scan has the same entries,
/// so its listing is reused (listing is what is slow on network mounts); its files are still
/// stat'ed, because writing into an existing file does not touch the directory.
struct PolledTree {
    let root: String
    let interval: Duration
    var nextScan: Date
    private(set) var snapshot: [String: FileState] = [:]
    private var listings: [String: (modified: Int64, files: [String], directories: [String])] = [:]

    init(root: String, interval: Duration, now: Date) {
        self.root = root
        self.interval = interval
        self.nextScan = now.addingTimeInterval(interval.timeInterval)
    }

    /// Scans the tree and returns what changed since the previous scan.
    mutating func scan(excluding excludes: (String) -> Bool, now: Date) -> TreeDiff {
        var current: [String: FileState] = [:]
        var stack = [root]
        while let directory = stack.popLast() {
            var info = stat()
            guard stat(directory, &info) == 0 else { continue }
            let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            var files: [String]
            var directories: [String]
            if let listing = listings[directory], listing.modified == modified {
                (files, directories) = (listing.files, listing.directories)
            } else {
                files = []
                directories = []
                for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
                    let path = directory + "/" + name
                    if excludes(path) { continue }
                    var entry = stat()
                    guard lstat(path, &entry) == 0 else { continue }
                    if (entry.st_mode & S_IFMT) == S_IFDIR { directories.append(path) } else { files.append(path) }
                }
                listings[directory] = (modified, files, directories)
            }
            for file in files {
                var entry = stat()
                guard stat(file, &entry) == 0 else { continue }
                current[file] = FileState(
                    size: Int64(entry.st_size),
                    modified: Int64(entry.st_mtim.tv_sec) * 1_000_000_000 + Int64(entry.st_mtim.tv_nsec),
                    inode: UInt64(entry.st_ino))
            }
            stack += directories
        }
        let diff = TreeDiff.between(snapshot, current)
        snapshot = current
        nextScan = now.addingTimeInterval(interval.timeInterval)
        return diff
    }
}
