import GRDB
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Copies the journal's write-ahead log back into the database file, off the commit path.
///
/// A passive checkpoint on its own connection copies and fsyncs the pages while webhooks keep
/// being committed. Under steady writes it can never finish (new frames keep arriving), so the log
/// would grow without end; once most of it is copied, a RESTART checkpoint on the writer handles
/// the few remaining frames — a short pause instead of a long one — and lets the log start over.
/// After each pass the pages it appended to the file are released from the page cache
/// (`PageCacheRelease`): they are fsynced, and the journal seldom reads them again.
public final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let database: AppDatabase
    /// The database file, opened read-only to advise the kernel about its cached pages (-1 when it
    /// could not be opened, or once closed: then nothing is released, which costs memory, never
    /// data), and what has been released of it.
    private let pages: Mutex<(file: Int32, release: PageCacheRelease)>

    /// - Parameter keepCached: Bytes at the end of the database file left in the page cache.
    public init(path: String, database: AppDatabase, keepCached: Int64 = 8 << 20) throws {
        self.database = database
        var configuration = Configuration()
        configuration.busyMode = .timeout(1)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        let file = open(path, O_RDONLY | O_CLOEXEC)
        pages = Mutex((file, PageCacheRelease(initialSize: Self.size(of: file) ?? 0, keep: keepCached)))
    }

    /// Runs one passive checkpoint.
    ///
    /// - Returns: Frames in the log and frames copied so far.
    @discardableResult
    public func checkpoint() async throws -> (walFrames: Int, checkpointed: Int) {
        try await connection.writeWithoutTransaction { db in
            let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
            return (row?[1] ?? 0, row?[2] ?? 0)
        }
    }

    /// A passive pass, then a restart of the log when it holds more than `restartAbove` frames,
    /// then the release of the pages the pass appended to the file.
    public func run(restartAbove frames: Int = 2048) async throws {
        let (walFrames, _) = try await checkpoint()
        if walFrames > frames {
            try await database.writer.writeWithoutTransaction { db in
                _ = try db.checkpoint(.restart)
            }
        }
        releaseWrittenPages()
    }

    /// Lets the kernel drop the cached pages the checkpoints appended since the last call.
    func releaseWrittenPages() {
        pages.withLock { pages in
            guard let size = Self.size(of: pages.file), let range = pages.release.range(forFileSize: size) else {
                return
            }
            // Advice only: clean pages are dropped, dirty or mapped ones stay; no error to act on.
            _ = posix_fadvise(pages.file, off_t(range.lowerBound), off_t(range.count), POSIX_FADV_DONTNEED)
        }
    }

    private static func size(of file: Int32) -> Int64? {
        guard file >= 0 else { return nil }
        var status = stat()
        guard fstat(file, &status) == 0 else { return nil }
        return Int64(status.st_size)
    }

    public func close() throws {
        pages.withLock { pages in
            if pages.file >= 0 { _ = Glibc.close(pages.file) }
            pages.file = -1
        }
        try connection.close()
    }
}
