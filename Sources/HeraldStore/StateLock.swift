import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a state directory (`herald.lock` beside the journal), held by a running
/// daemon for its lifetime: a second daemon on the same journal refuses to start, and a command
/// of a newer Herald does not migrate the schema under a daemon that expects the old one.
///
/// `flock` locks belong to the open file: the kernel releases them when the process ends,
/// however it ends, so a crash never leaves a stale lock behind.
public final class StateLock: Sendable {
    /// The lock file's descriptor while the lock is held; -1 once released.
    private let descriptor: Mutex<Int32>

    private init(descriptor: Int32) {
        self.descriptor = Mutex(descriptor)
    }

    deinit { release() }

    /// Lets the lock go (the daemon does so once its journal is closed); safe to call twice.
    public func release() {
        descriptor.withLock { descriptor in
            guard descriptor >= 0 else { return }
            close(descriptor)
            descriptor = -1
        }
    }

    /// The lock file of the database at `databasePath`.
    static func path(forDatabase databasePath: String) -> String {
        (databasePath as NSString).deletingLastPathComponent + "/herald.lock"
    }

    /// Takes the lock of the database's directory, or says who holds it.
    public static func acquire(forDatabase databasePath: String) throws(StoreError) -> StateLock {
        let path = path(forDatabase: databasePath)
        // The state directory is made here when it is new, as the database would make it.
        try? FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw .stateLocked(reason: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw .stateLocked(reason: "another herald is running with the journal in this directory (\(path))")
        }
        return StateLock(descriptor: descriptor)
    }

    /// Whether a daemon holds the lock of the database's directory now.
    public static func isHeld(forDatabase databasePath: String) -> Bool {
        let descriptor = open(path(forDatabase: databasePath), O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }
}
