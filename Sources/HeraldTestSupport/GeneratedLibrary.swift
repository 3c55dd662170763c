import Foundation

/// Pages of a generated Plex library, rendered from the listing fixtures.
///
/// The fixture's movie and episode items are turned into text templates once, with markers where
/// the GUID, rating key, title, numbers, dates and file go; each page is then those templates
/// filled in, so a 200,000-item library costs the fake little time compared with the client.
final class GeneratedLibrary: Sendable {
    /// Loaded once; the fixtures ship with the package, so failing to read them is a broken checkout.
    static let shared: GeneratedLibrary = {
        do {
            return try GeneratedLibrary()
        } catch {
            fatalError("the Plex listing fixtures in samples/plex-api cannot be read: \(error)")
        }
    }()

    private let movie: [String]
    private let episode: [String]

    private init() throws {
        movie = try Self.template("plex-library-section-all-movies.json")
        episode = try Self.template("plex-library-section-all-episodes-type4.json")
    }

    private static let markers = [
        "@GUID@", "@KEY@", "@TITLE@", "@YEAR@", "@ADDED@", "@UPDATED@", "@FILE@", "@SHOWGUID@", "@SHOWTITLE@",
        "@SEASONGUID@",
        "@SEASON@", "@EPISODE@",
    ]

    /// The fixture's first item as JSON text split at the markers (in `markers` order of appearance).
    private static func template(_ fixture: String) throws -> [String] {
        let data = try Data(contentsOf: Fixtures.packageRoot.appendingPathComponent("samples/plex-api/\(fixture)"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        var item = ((object?["MediaContainer"] as? [String: Any])?["Metadata"] as? [[String: Any]])?.first ?? [:]
        item["guid"] = "@GUID@"
        item["ratingKey"] = "@KEY@"
        item["title"] = "@TITLE@"
        item["addedAt"] = "@ADDED@"
        item["updatedAt"] = "@UPDATED@"
        if item["type"] as? String == "episode" {
            item["grandparentGuid"] = "@SHOWGUID@"
            item["grandparentTitle"] = "@SHOWTITLE@"
            item["parentGuid"] = "@SEASONGUID@"
            item["parentIndex"] = "@SEASON@"
            item["index"] = "@EPISODE@"
        } else {
            item["year"] = "@YEAR@"
        }
        var media = (item["Media"] as? [[String: Any]])?.first ?? [:]
        var part = (media["Part"] as? [[String: Any]])?.first ?? [:]
        part["file"] = "@FILE@"
        media["Part"] = [part]
        item["Media"] = [media]
        let text = String(
            decoding: try JSONSerialization.data(withJSONObject: item, options: [.sortedKeys]), as: UTF8.self)
        // Split at every marker, keeping the marker names as separate pieces.
        var pieces: [String] = []
        var rest = Substring(text)
        while let range = markers.compactMap({ rest.range(of: "\"\($0)\"") ?? rest.range(of: $0) })
            .min(by: { $0.lowerBound < $1.lowerBound })
        {
            pieces.append(String(rest[..<range.lowerBound]))
            pieces.append(String(rest[range]).trimmingCharacters(in: ["\""]))
            rest = rest[range.upperBound...]
        }
        pieces.append(String(rest))
        return pieces
    }

    /// When items of the generated library were last changed: every item at `base`, those from
    /// index `from` on at `at` (a library where new items arrived).
    struct Updates: Sendable {
        var from: Int
        var at: Int
        static let base = 1_700_000_000

        func updatedAt(_ index: Int) -> Int { index >= from ? at : Self.base }
    }

    /// One page; with `updatedAfter`, of only the items changed after that Unix time (Plex's
    /// `updatedAt>>=` filter), paged within that subset.
    func page(
        episodes: Bool, total: Int, start: Int, size: Int, updates: Updates? = nil, updatedAfter: Int? = nil
    ) throws -> Data {
        var indices = 0..<total
        if let updatedAfter {
            let changes = updates ?? Updates(from: total, at: Updates.base)
            if Updates.base > updatedAfter {
                indices = 0..<total
            } else if changes.at > updatedAfter {
                indices = min(changes.from, total)..<total
            } else {
                indices = 0..<0
            }
        }
        let first = indices.lowerBound + start
        let end = min(indices.upperBound, first + max(0, size))
        var items: [String] = []
        items.reserveCapacity(max(0, end - first))
        for index in stride(from: first, to: max(first, end), by: 1) {
            items.append(
                render(
                    episodes ? episode : movie, index: index, episodes: episodes,
                    updated: (updates ?? Updates(from: total, at: Updates.base)).updatedAt(index)))
        }
        let total = indices.count
        let container =
            "{\"MediaContainer\":{\"offset\":\(start),\"size\":\(items.count),\"totalSize\":\(total),\"Metadata\":["
            + items.joined(separator: ",") + "]}}"
        return Data(container.utf8)
    }

    private func render(_ template: [String], index: Int, episodes: Bool, updated: Int) -> String {
        let show = index / 100
        let season = (index / 10) % 10 + 1
        let number = index % 10 + 1
        var output = ""
        output.reserveCapacity(2048)
        for piece in template {
            switch piece {
            case "@GUID@": output += "\"plex://\(episodes ? "episode" : "movie")/generated\(index)\""
            case "@KEY@": output += "\"\(100_000 + index)\""
            case "@TITLE@": output += episodes ? "\"Episode \(number)\"" : "\"Movie \(index)\""
            case "@YEAR@": output += "\(1950 + index % 70)"
            case "@ADDED@": output += "\(1_700_000_000 - index * 3600)"
            case "@UPDATED@": output += "\(updated)"
            case "@SHOWGUID@": output += "\"plex://show/generated\(show)\""
            case "@SHOWTITLE@": output += "\"Show \(show)\""
            case "@SEASONGUID@": output += "\"plex://season/generated\(show)-\(season)\""
            case "@SEASON@": output += "\(season)"
            case "@EPISODE@": output += "\(number)"
            case "@FILE@":
                output +=
                    episodes
                    ? "\"/storage/media/tv/Show \(show)/Season \(season)/Show \(show) - S\(season)E\(number).mkv\""
                    : "\"/storage/media/movies/Movie \(index)/Movie \(index).mkv\""
            default: output += piece
            }
        }
        return output
    }
}
