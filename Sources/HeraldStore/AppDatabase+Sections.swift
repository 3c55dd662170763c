import Foundation
import GRDB
import HeraldCore

extension AppDatabase {
    /// Replaces the stored section list of a server (what the dispatcher matches folders against).
    public func saveSections(_ sections: [PlexSection], server: String, now: Date) async throws {
        let encoder = JSONEncoder()
        let rows = try sections.map { ($0, String(decoding: try encoder.encode($0.locations), as: UTF8.self)) }
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM plex_section WHERE server = ?", arguments: [server])
            for (section, locations) in rows {
                try db.execute(
                    sql:
                        "INSERT INTO plex_section (server, key, title, type, locations, fetched_at) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [server, section.key, section.title, section.type, locations, now.timeIntervalSince1970])
            }
        }
    }

    /// The stored section list of a server, read inside a transaction.
    static func sections(_ db: Database, server: String) throws -> [PlexSection] {
        let decoder = JSONDecoder()
        return try Row.fetchAll(
            db, sql: "SELECT * FROM plex_section WHERE server = ? ORDER BY key", arguments: [server]
        )
        .map { row in
            PlexSection(
                key: row["key"], title: row["title"], type: row["type"],
                locations: (try? decoder.decode([String].self, from: Data((row["locations"] as String).utf8))) ?? [])
        }
    }

    public func sections(server: String) async throws -> [PlexSection] {
        try await writer.read { db in try Self.sections(db, server: server) }
    }
}
