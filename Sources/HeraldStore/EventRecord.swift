import Foundation
import GRDB
import HeraldCore

/// The journal row of an event. Kept apart from `Event` so the schema can evolve independently.
struct EventRecord: Codable, FetchableRecord, MutablePersistableRecord {
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
    var dispatchedAt: Double?

    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    init(_ event: Event) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        sequence = nil
        id = event.id
        receivedAt = event.receivedAt.timeIntervalSince1970
        source = event.source.rawValue
        kind = event.kind
        paths = String(decoding: try encoder.encode(event.paths), as: UTF8.self)
        previousPaths = String(decoding: try encoder.encode(event.previousPaths), as: UTF8.self)
        media = String(decoding: try encoder.encode(event.media), as: UTF8.self)
        user = event.user
        player = event.player
        ignoredReason = event.ignoredReason
        endpoint = event.endpoint
        raw = event.raw
        dispatchedAt = nil
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        sequence = inserted.rowID
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
