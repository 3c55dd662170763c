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
    var dispatchedAt: Double?

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
