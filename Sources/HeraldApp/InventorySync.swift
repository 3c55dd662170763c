import Foundation
import HeraldCore
import HeraldPlex
import HeraldStore
import Logging

/// Syncs one Plex server's movies and episodes into the inventory, section by section.
///
/// Each section and kind is one run: pages are stored as they arrive; a run that completes
/// removes what Plex no longer lists, a run that fails keeps the previous items and marks them
/// unknown (so cleanup never acts on data that is missing because a request failed).
public struct InventorySync: Sendable {
    public struct Report: Sendable, Equatable {
        public var section: String
        public var kind: InventoryItem.Kind
        public var items: Int
        public var skipped: Int
        public var error: String?
    }

    let database: AppDatabase
    let client: any PlexServerClient
    let server: String
    let pageSize: Int
    let now: @Sendable () -> Date

    public init(
        database: AppDatabase, client: any PlexServerClient, server: String, pageSize: Int = 500,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.client = client
        self.server = server
        self.pageSize = pageSize
        self.now = now
    }

    /// Syncs every movie and show section (`sections` limits it to some keys).
    public func run(sections keys: Set<String>? = nil) async throws -> [Report] {
        let sections = try await client.sections()
        var reports: [Report] = []
        for section in sections where keys?.contains(section.key) ?? true {
            switch section.type {
            case "movie": reports.append(try await sync(section: section.key, kind: .movie))
            case "show": reports.append(try await sync(section: section.key, kind: .episode))
            default: continue
            }
        }
        return reports
    }

    /// Fetches only what Plex changed after `since` in every movie and show section and stores it.
    /// Nothing is removed (only a full sync learns what Plex no longer lists), and a failure leaves
    /// the stored data as it was.
    public func runIncremental(since: Date) async throws -> [Report] {
        let sections = try await client.sections()
        var reports: [Report] = []
        for section in sections {
            let kind: InventoryItem.Kind
            switch section.type {
            case "movie": kind = .movie
            case "show": kind = .episode
            default: continue
            }
            var stored = 0
            var skipped = 0
            do {
                try await pageThrough(
                    section: section.key, kind: kind, updatedAfter: since, stored: &stored, skipped: &skipped
                ) { try await database.storeChangedInventoryItems($0) }
                reports.append(Report(section: section.key, kind: kind, items: stored, skipped: skipped, error: nil))
            } catch {
                reports.append(
                    Report(section: section.key, kind: kind, items: stored, skipped: skipped, error: "\(error)"))
            }
        }
        return reports
    }

    func sync(section: String, kind: InventoryItem.Kind) async throws -> Report {
        let run = try await database.beginInventorySync(server: server, section: section, kind: kind, now: now())
        var stored = 0
        var skipped = 0
        do {
            try await pageThrough(section: section, kind: kind, updatedAfter: nil, stored: &stored, skipped: &skipped) {
                try await database.storeInventoryPage($0, run: run)
            }
            try await database.finishInventorySync(run: run, items: stored, error: nil, now: now())
            return Report(section: section, kind: kind, items: stored, skipped: skipped, error: nil)
        } catch {
            let reason = "\(error)"
            try await database.finishInventorySync(run: run, items: stored, error: reason, now: now())
            return Report(section: section, kind: kind, items: stored, skipped: skipped, error: reason)
        }
    }

    /// Reads a section's listing page by page, handing each page to `store` and counting what was
    /// stored and skipped (the counts stay right when a page fails half-way).
    private func pageThrough(
        section: String, kind: InventoryItem.Kind, updatedAfter: Date?, stored: inout Int, skipped: inout Int,
        store: ([InventoryItem]) async throws -> Void
    ) async throws {
        var start = 0
        while true {
            let page = try await client.libraryPage(
                section: section, kind: kind, start: start, size: pageSize, updatedAfter: updatedAfter)
            try await store(page.items)
            stored += page.items.count
            skipped += page.skipped
            let received = page.items.count + page.skipped
            start += received
            if received == 0 || received < pageSize || (page.total.map { start >= $0 } ?? false) { return }
        }
    }
}
