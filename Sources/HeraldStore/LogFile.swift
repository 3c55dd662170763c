#if canImport(Glibc)
    import Glibc
#endif

/// The database's write-ahead log, opened to be fsynced outside SQLite's commit.
///
/// Why: the journal writer commits its batches without SQLite's fsync and flushes the log here, on
/// a thread of its own, while it already writes the next batch. A commit is durable once its
/// frames are on disk, which is all SQLite's `synchronous = FULL` does at the end of a commit:
/// `fdatasync` on the log. Any descriptor of the file flushes the same pages.
final class LogFile: Sendable {
    private let descriptor: Int32
    let path: String

    /// Opens the log (it must exist: the pool creates it when it opens) and flushes its directory
    /// once, so the file's own entry is durable, as SQLite does at a new log's first sync.
    ///
    /// - Throws: `StoreError.logFile` when the file or its directory cannot be opened or flushed.
    init(path: String) throws(StoreError) {
        self.path = path
        descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { throw .logFile(path: path, operation: "open", errno: errno) }
        let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))
        let directoryPath = slash.map { String(path[..<$0]) } ?? "."
        let directory = open(directoryPath.isEmpty ? "/" : directoryPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else {
            let code = errno
            closeDescriptor(descriptor)
            throw .logFile(path: directoryPath, operation: "open", errno: code)
        }
        defer { closeDescriptor(directory) }
        guard fsync(directory) == 0 else {
            let code = errno
            closeDescriptor(descriptor)
            throw .logFile(path: directoryPath, operation: "fsync", errno: code)
        }
    }

    deinit {
        closeDescriptor(descriptor)
    }

    /// Puts everything written to the log so far on disk.
    func sync() throws(StoreError) {
        while fdatasync(descriptor) != 0 {
            guard errno == EINTR else { throw .logFile(path: path, operation: "fdatasync", errno: errno) }
        }
    }
}

private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
