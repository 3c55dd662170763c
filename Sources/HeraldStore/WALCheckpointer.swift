import GRDB

/// Copies the journal's write-ahead log back into the database file, off the commit path.
///
/// A passive checkpoint on its own connection copies and fsyncs the pages while webhooks keep
/// being committed. Under steady writes it can never finish (new frames keep arriving), so the log
/// would grow without end; once most of it is copied, a RESTART checkpoint on the writer handles
/// the few remaining frames — a short pause instead of a long one — and lets the log start over.
public final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let database: AppDatabase

    public init(path: String, database: AppDatabase) throws {
        self.database = database
        var configuration = Configuration()
        configuration.busyMode = .timeout(1)
        connection = try DatabaseQueue(path: path, configuration: configuration)
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

    /// A passive pass, then a restart of the log when it holds more than `restartAbove` frames.
    public func run(restartAbove frames: Int = 2048) async throws {
        let (walFrames, _) = try await checkpoint()
        guard walFrames > frames else { return }
        try await database.writer.writeWithoutTransaction { db in
            _ = try db.checkpoint(.restart)
        }
    }

    public func close() throws {
        try connection.close()
    }
}
