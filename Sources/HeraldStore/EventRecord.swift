import Foundation
import GRDB
import HeraldCore

/// The journal row of an event. Kept apart from `Event` so the schema can evolve independently.
struct EventRecord: FetchableRecord {
    var sequence: Int64?
    var id: String
    var receivedAt: Double
    var source: String
    var kind: String
    var paths: String
    var previousPaths: String
    var media: String
    var user: String?
    var player: String?
    var ignoredReason: String?
    var endpoint: String?
    var raw: Data
    /// The poster Plex attached, when kept; written, never read back with the row (`thumb(eventID:)`).
    var thumb: Data?
    var dispatchedAt: Double?
    var dispatchFailure: String?

    /// The row of a new event.
    init(_ event: Event) {
        id = event.id
        receivedAt = event.receivedAt.timeIntervalSince1970
        source = event.source.rawValue
        kind = event.kind
        paths = JSONText.array(event.paths)
        previousPaths = JSONText.array(event.previousPaths)
        media = event.media.jsonText
        user = event.user
        player = event.player
        ignoredReason = event.ignoredReason
        endpoint = event.endpoint
        raw = event.raw
        thumb = event.thumb
    }

    /// Inserts the events in order and returns their sequence numbers (row ids).
    ///
    /// One statement, prepared and cached by GRDB, executed with each row's values: a persistable
    /// record's `insert` works its SQL and columns out again per row, which the journal, inserting
    /// every webhook, need not pay.
    static func insert(_ events: some Collection<Event>, _ db: Database) throws -> [Int64] {
        let statement = try db.cachedStatement(sql: insertSQL)
        return try events.map { event in
            let row = EventRecord(event)
            try statement.execute(arguments: [
                row.id, row.receivedAt, row.source, row.kind, row.paths, row.previousPaths, row.media, row.user,
                row.player, row.ignoredReason, row.endpoint, row.raw, row.thumb,
            ])
            return db.lastInsertedRowID
        }
    }

    private static let insertSQL = """
        INSERT INTO event (id, received_at, source, kind, paths, previous_paths, media, user, player,
        ignored_reason, endpoint, raw, thumb) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Decoded by column name directly: Codable decoding with snake-case conversion costs more than
    /// the query when the dispatcher reads thousands of rows back.
    init(row: Row) {
        sequence = row["sequence"]
        id = row["id"]
        receivedAt = row["received_at"]
        source = row["source"]
        kind = row["kind"]
        paths = row["paths"]
        previousPaths = row["previous_paths"]
        media = row["media"]
        user = row["user"]
        player = row["player"]
        ignoredReason = row["ignored_reason"]
        endpoint = row["endpoint"]
        raw = row["raw"]
        // Present only where the query computes it (`AppDatabase.dispatchedAtColumn`).
        dispatchedAt = row.hasColumn("dispatched_at") ? row["dispatched_at"] : nil
        dispatchFailure = row.hasColumn("dispatch_failure") ? row["dispatch_failure"] : nil
    }

    /// Rebuilds the domain value; a row that no longer decodes is a storage error, reported as such.
    func entry() throws -> JournalEntry {
        let decoder = JSONDecoder()
        guard let sequence, let eventSource = EventSource(rawValue: source) else {
            throw StoreError.corruptRow(sequence: sequence ?? -1, reason: "unknown source '\(source)'")
        }
        let event = Event(
            id: id,
            receivedAt: Date(timeIntervalSince1970: receivedAt),
            source: eventSource,
            kind: kind,
            paths: try decoder.decode([String].self, from: Data(paths.utf8)),
            previousPaths: try decoder.decode([String].self, from: Data(previousPaths.utf8)),
            media: try decoder.decode(MediaInfo.self, from: Data(media.utf8)),
            user: user,
            player: player,
            ignoredReason: ignoredReason,
            endpoint: endpoint,
            raw: raw
        )
        return JournalEntry(
            sequence: sequence, event: event, dispatchedAt: dispatchedAt.map(Date.init(timeIntervalSince1970:)),
            dispatchFailure: dispatchFailure)
    }
}
