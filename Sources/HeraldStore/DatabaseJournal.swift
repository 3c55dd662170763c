import HeraldCore

/// An `EventJournal` that writes each event in its own transaction: for command-line tools that
/// record what they did (`herald candidates restore`) while the daemon, which batches through
/// `JournalWriter`, may be running on the same database.
public struct DatabaseJournal: EventJournal {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public func append(_ event: Event) async throws -> Int64 {
        try await database.appendEvents([event])[0]
    }
}
