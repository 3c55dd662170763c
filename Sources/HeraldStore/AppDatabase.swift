import Foundation
import GRDB

/// The one database of the daemon: the event journal now, and later the scan queue, outbox and jobs.
///
/// Wraps any GRDB `DatabaseWriter`: a `DatabasePool` in WAL mode for the real file, a
/// `DatabaseQueue` for quick in-memory tests. Migrations are registered once and never edited
/// after release; new schema goes into new migrations.
public struct AppDatabase: Sendable {
    /// Internal: the store owns its transactions, and callers get values back, never a `Database`.
    let writer: any DatabaseWriter
    /// Set once a commit could lose its fsync without a word (see `relaxedWrite`): from then on
    /// the journal refuses events and `/readyz` says why, until a restart.
    let durability = DurabilityGuard()

    /// Opens (creating if needed) the database and applies pending migrations.
    public init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        let migrates = try writer.read { db in try !Self.migrator.hasCompletedMigrations(db) }
        try Self.migrator.migrate(writer)
        if migrates, writer is DatabasePool {
            // Migrations go through the write-ahead log whole (v16 rebuilds the event table, about
            // twice its size in the log): copy it back and shrink the log now, instead of leaving
            // a file that size behind.
            try writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        }
    }

    /// The page size of a new database file, in bytes.
    static let pageSize = 16_384

    /// Opens the database file in WAL mode.
    ///
    /// - Parameters:
    ///   - path: The SQLite file; its directory is created if missing.
    ///   - fullSync: `true` fsyncs every commit so it survives power loss, `false` (SQLite's
    ///     `NORMAL` in WAL mode) survives process crashes only.
    ///   - backgroundCheckpoints: When true, commits never copy the WAL back into the database
    ///     themselves (SQLite's auto-checkpoint, which put 15–20 ms stalls on the commit path);
    ///     the owner must then run `WALCheckpointer` regularly.
    public static func open(
        path: String, fullSync: Bool = true, backgroundCheckpoints: Bool = false
    ) throws
        -> AppDatabase
    {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // A new file gets 16 KiB pages: a webhook's row (its raw body, ~2 KiB for an *arr
            // import) is alone on a 4 KiB page, so every event wrote a page to the log and another
            // at the checkpoint; six to a page, the journal writes half the bytes in a quarter of the
            // frames. (8 KiB pages write 14 % fewer bytes per webhook but cost more CPU in large
            // commits: BENCHMARKS.md, session 9.) Existing files keep their size (it is fixed once
            // the file has tables).
            try db.execute(sql: "PRAGMA page_size = \(Self.pageSize)")
            if backgroundCheckpoints { try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
            // Reads map the file instead of copying each page through a system call.
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        // Set on the writer once the pool is open: the pool switches its writer to WAL and, with
        // it, to `synchronous = NORMAL` after `prepareDatabase` has run, which would silently drop
        // the fsync of every commit.
        let expected = fullSync ? 2 : 1
        let mode = try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(expected)")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        // Read back: a silent change here loses acknowledged events on power loss.
        guard mode == expected else { throw StoreError.synchronousNotApplied(expected: expected, found: mode) }
        return try AppDatabase(pool)
    }

    /// Opens the database for reading only, as commands that only show things do: it never
    /// migrates, never writes, and refuses a schema it does not know.
    ///
    /// - Throws: `StoreError.schemaMismatch` when the journal was written by an older Herald
    ///   (its daemon migrates it at start) or a newer one (this binary cannot read it).
    public static func openReadOnly(path: String) throws -> AppDatabase {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        let pool = try DatabasePool(path: path, configuration: configuration)
        try pool.read { db in
            if try migrator.hasBeenSuperseded(db) {
                throw StoreError.schemaMismatch(
                    reason: "\(path) was written by a newer Herald than this one; use that version's command")
            }
            if try !migrator.hasCompletedMigrations(db) {
                throw StoreError.schemaMismatch(
                    reason: "\(path) was written by an older Herald; start this version's daemon once to update it")
            }
        }
        return AppDatabase(reading: pool)
    }

    private init(reading writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Opens the database to change it from a command (not the daemon): migrating it is refused
    /// while a daemon holds the state directory, which runs with the schema it started with.
    public static func openForCommand(path: String) throws -> AppDatabase {
        if StateLock.isHeld(forDatabase: path) {
            // The read-only open checks the schema without changing it.
            do {
                _ = try openReadOnly(path: path)
            } catch StoreError.schemaMismatch {
                throw StoreError.schemaMismatch(
                    reason: "the running daemon uses another schema of \(path): restart it with this version "
                        + "(it updates the journal) before using this command")
            }
        }
        return try open(path: path)
    }

    /// An in-memory database, for tests that do not need a file.
    public static func inMemory() throws -> AppDatabase {
        try AppDatabase(DatabaseQueue())
    }

    /// Why the journal refuses events, once it could no longer commit as durably as configured.
    public var durabilityProblem: String? { durability.lostReason }

    /// True when the database answers a trivial query and still commits as durably as
    /// configured (used by `/readyz`).
    public func isHealthy() async -> Bool {
        guard durability.lostReason == nil else { return false }
        return (try? await writer.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    /// Closes the database; later calls fail. Called last during shutdown.
    ///
    /// A file database is first checkpointed and its write-ahead log emptied. GRDB closes the
    /// writer before the readers, so SQLite's own checkpoint at the last close never runs (the
    /// writer is not the last connection, and read-only readers cannot write the file): a stopped
    /// Herald then left up to a second of webhooks, hundreds of MiB after a burst, in the log
    /// beside the database, where a backup copying `herald.sqlite` alone would miss them and the
    /// next start had to read them back. A checkpoint that fails (another process reading the
    /// journal for over a second) loses nothing: the log is kept and read at the next start, and
    /// `StoreError.logKeptAtClose` says so once the database is closed.
    public func close() throws {
        if let pool = writer as? DatabasePool {
            let emptied = Result {
                try pool.writeWithoutTransaction { db in
                    // Emptying the log waits for readers to finish; a stop waits a second at most.
                    try db.execute(sql: "PRAGMA busy_timeout = 1000")
                    _ = try db.checkpoint(.truncate)
                }
            }
            try pool.close()
            if case .failure(let error) = emptied { throw StoreError.logKeptAtClose(reason: "\(error)") }
        } else if let queue = writer as? DatabaseQueue {
            try queue.close()
        }
    }
}
