import AsyncHTTPClient
import Foundation
import HeraldCore
import NIOCore
import NIOHTTP1

/// Talks to a real Plex Media Server over HTTP with its token.
///
/// Refreshes are sent as `GET` (current servers answer 404 to `PUT`), with the folder
/// percent-encoded, and every request has a timeout and a cap on the body read.
public struct LivePlexClient: PlexServerClient {
    let http: HTTPClient
    let settings: PlexServerSettings

    public init(http: HTTPClient, settings: PlexServerSettings) {
        self.http = http
        self.settings = settings
    }

    public func sections() async throws(PlexError) -> [PlexSection] {
        let body = try await get("/library/sections", expectBody: true)
        do {
            let container = try JSONDecoder().decode(SectionsResponse.self, from: body)
            return (container.MediaContainer.Directory ?? []).map { directory in
                PlexSection(
                    key: directory.key, title: directory.title ?? directory.key, type: directory.type ?? "",
                    locations: (directory.Location ?? []).map(\.path))
            }
        } catch {
            throw .malformed("GET /library/sections: \(error)")
        }
    }

    public func refresh(section: String, folder: String) async throws(PlexError) -> Int {
        let path = "/library/sections/\(Self.encode(section))/refresh?path=\(Self.encode(folder))"
        do {
            _ = try await get(path, expectBody: false)
            return 200
        } catch .status(let code) {
            return code
        }
    }

    public func refreshingSections() async throws(PlexError) -> Set<String> {
        let body = try await get("/library/sections", expectBody: true)
        do {
            let container = try JSONDecoder().decode(SectionsResponse.self, from: body)
            return Set((container.MediaContainer.Directory ?? []).filter { $0.refreshing == true }.map(\.key))
        } catch {
            throw .malformed("GET /library/sections: \(error)")
        }
    }

    public func recentlyAddedFiles() async throws(PlexError) -> [String] {
        let body = try await get(
            "/library/recentlyAdded?X-Plex-Container-Start=0&X-Plex-Container-Size=200", expectBody: true)
        do {
            let container = try JSONDecoder().decode(MetadataResponse.self, from: body)
            return (container.MediaContainer.Metadata ?? []).flatMap { item in
                (item.Media ?? []).flatMap { ($0.Part ?? []).compactMap(\.file) }
            }
        } catch {
            throw .malformed("GET /library/recentlyAdded: \(error)")
        }
    }

    public func sessions() async throws(PlexError) -> [PlexSession] {
        let body = try await get("/status/sessions", expectBody: true)
        do {
            let container = try JSONDecoder().decode(SessionsResponse.self, from: body)
            return (container.MediaContainer.Metadata ?? []).map { item in
                PlexSession(
                    guids: [item.guid, item.parentGuid, item.grandparentGuid].compactMap { $0 },
                    files: (item.Media ?? []).flatMap { ($0.Part ?? []).compactMap(\.file) },
                    title: [item.grandparentTitle, item.title].compactMap { $0 }.joined(separator: " - "),
                    user: item.User?.title)
            }
        } catch {
            throw .malformed("GET /status/sessions: \(error)")
        }
    }

    /// One page of a section's movies (`kind: .movie`, Plex type 1) or episodes (type 4), with their
    /// GUIDs, paged with `X-Plex-Container-Start` / `-Size`.
    public func libraryPage(
        section: String, kind: InventoryItem.Kind, start: Int, size: Int, updatedAfter: Date? = nil
    ) async throws(PlexError)
        -> PlexLibraryListing.Page
    {
        let type = kind == .movie ? 1 : 4
        // Plex's media-query "greater than" for dates is `>>=`, with a Unix time.
        let filter = updatedAfter.map { "&updatedAt%3E%3E=\(Int($0.timeIntervalSince1970))" } ?? ""
        let body = try await get(
            "/library/sections/\(Self.encode(section))/all?type=\(type)&includeGuids=1\(filter)"
                + "&X-Plex-Container-Start=\(start)&X-Plex-Container-Size=\(size)",
            expectBody: true, headers: [("X-Plex-Container-Start", "\(start)"), ("X-Plex-Container-Size", "\(size)")])
        do {
            return try PlexLibraryListing.decode(body, server: settings.name, section: section)
        } catch {
            throw .malformed("GET /library/sections/\(section)/all: \(error)")
        }
    }

    private func get(_ path: String, expectBody: Bool, headers: [(String, String)] = []) async throws(PlexError) -> Data
    {
        var request = HTTPClientRequest(url: settings.url + path)
        request.method = .GET
        request.headers.add(name: "X-Plex-Token", value: settings.token.value)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "X-Plex-Client-Identifier", value: "herald")
        request.headers.add(name: "X-Plex-Product", value: "Herald")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(settings.timeout.nanoseconds))
            let body = try await response.body.collect(upTo: expectBody ? 32 << 20 : 1 << 20)
            guard (200..<300).contains(Int(response.status.code)) else {
                throw PlexError.status(Int(response.status.code))
            }
            return Data(body.readableBytesView)
        } catch let error as PlexError {
            throw error
        } catch {
            throw .transport("\(error)")
        }
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters (so `/`, `&`, `#`, spaces and
    /// non-ASCII letters all survive the query string).
    public static func encode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.append(Character(UnicodeScalar(byte)))
            default:
                output += String(format: "%%%02X", byte)
            }
        }
        return output
    }
}

/// `GET /library/sections` as JSON; Plex's capitalised keys are kept.
// swift-format-ignore: AlwaysUseLowerCamelCase
struct SectionsResponse: Decodable {
    struct Container: Decodable { var Directory: [Directory]? }
    struct Directory: Decodable {
        var key: String
        var title: String?
        var type: String?
        var refreshing: Bool?
        var Location: [Location]?
    }
    struct Location: Decodable { var path: String }

    var MediaContainer: Container
}

/// A `MediaContainer` of items (`/library/recentlyAdded`, `/library/metadata/…`), reduced to their files.
// swift-format-ignore: AlwaysUseLowerCamelCase
struct MetadataResponse: Decodable {
    struct Container: Decodable { var Metadata: [Item]? }
    struct Item: Decodable { var Media: [Media]? }
    struct Media: Decodable { var Part: [Part]? }
    struct Part: Decodable { var file: String? }

    var MediaContainer: Container
}

/// `GET /status/sessions`: the items being played, with their GUIDs, files and users.
// swift-format-ignore: AlwaysUseLowerCamelCase
struct SessionsResponse: Decodable {
    struct Container: Decodable { var Metadata: [Item]? }
    struct Item: Decodable {
        var guid: String?
        var parentGuid: String?
        var grandparentGuid: String?
        var title: String?
        var grandparentTitle: String?
        var Media: [MetadataResponse.Media]?
        var User: User?
    }
    struct User: Decodable { var title: String? }

    var MediaContainer: Container
}
