import Foundation
import GRDB
import HeraldCore

/// The journal row of an event. Kept apart from `Event` so the schema can evolve independently.
struct EventRecord: FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "event"

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

    func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["received_at"] = receivedAt
        container["source"] = source
        container["kind"] = kind
        container["paths"] = paths
        container["previous_paths"] = previousPaths
        container["media"] = media
        container["user"] = user
        container["player"] = player
        container["ignored_reason"] = ignoredReason
        container["endpoint"] = endpoint
        container["raw"] = raw
        container["thumb"] = thumb
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        sequence = inserted.rowID
    }

    /// Inserts the events in order and returns their sequence numbers (row ids).
    static func insert(_ events: some Collection<Event>, _ db: Database) throws -> [Int64] {
        try events.map { event in
            var record = EventRecord(event)
            try record.insert(db)
            return record.sequence ?? db.lastInsertedRowID
        }
    }

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
            sequence: sequence, event: event, dispatchedAt: dispatchedAt.map(Date.init(timeIntervalSince1970:)))
    }
}
