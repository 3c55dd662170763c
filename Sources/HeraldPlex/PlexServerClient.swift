import Foundation
import HeraldCore

/// The port to one Plex Media Server: what the scan worker needs of it.
public protocol PlexServerClient: Sendable {
    /// The library sections with their folders (`GET /library/sections`).
    func sections() async throws(PlexError) -> [PlexSection]
    /// Starts a partial scan of one folder of one section
    /// (`GET /library/sections/{key}/refresh?path=…`); returns the HTTP status.
    func refresh(section: String, folder: String) async throws(PlexError) -> Int
    /// Keys of the sections Plex is scanning right now (their `refreshing` flag in `/library/sections`).
    func refreshingSections() async throws(PlexError) -> Set<String>
    /// The files of Plex's recently added items (`/library/recentlyAdded`, `Media[].Part[].file`).
    func recentlyAddedFiles() async throws(PlexError) -> [String]
    /// What is being played right now (`/status/sessions`).
    func sessions() async throws(PlexError) -> [PlexSession]
    /// One page of a section's movies or episodes (`/library/sections/{key}/all?type=1|4`), only
    /// those Plex changed after `updatedAfter` when it is given (`updatedAt>>=`).
    func libraryPage(
        section: String, kind: InventoryItem.Kind, start: Int, size: Int, updatedAfter: Date?
    ) async throws(PlexError)
        -> PlexLibraryListing.Page
}

/// One playback in progress, reduced to what identifies the item played.
public struct PlexSession: Sendable, Equatable {
    /// The item's GUID, and its season's and show's for an episode.
    public var guids: [String]
    public var files: [String]
    public var title: String
    public var user: String?

    public init(guids: [String], files: [String], title: String, user: String? = nil) {
        self.guids = guids
        self.files = files
        self.title = title
        self.user = user
    }

    /// Whether this playback is of any of these GUIDs or files.
    public func involves(guids wanted: Set<String>, files wantedFiles: Set<String>) -> Bool {
        guids.contains(where: wanted.contains) || files.contains(where: wantedFiles.contains)
    }
}

/// A failure talking to Plex.
public enum PlexError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Plex answered with a status that is not 2xx.
    case status(Int)
    /// No answer: connection refused, timeout, TLS failure.
    case transport(String)
    /// An answer that could not be understood.
    case malformed(String)

    public var description: String {
        switch self {
        case .status(let code): "Plex answered \(code)"
        case .transport(let detail): "Plex could not be reached: \(detail)"
        case .malformed(let detail): "Plex's answer could not be read: \(detail)"
        }
    }
}
