import Foundation
import HeraldCore
import HeraldPlex
import HeraldStore

/// Reads Tautulli's watch history into the inventory's `watch_history`.
///
/// The first sync pages through the whole history; later ones ask only for the days since the
/// newest stored play (one day of overlap: rows are keyed by Tautulli's id, so overlap is free).
/// A failed sync keeps every stored row and is recorded as failed, which makes watch data unknown
/// until a sync succeeds again.
public struct HistorySync: Sendable {
    public struct Report: Sendable, Equatable {
        public var rows: Int
        public var incremental: Bool
        public var error: String?
    }

    let database: AppDatabase
    let client: TautulliClient
    let pageSize: Int
    let now: @Sendable () -> Date

    public init(
        database: AppDatabase, client: TautulliClient, pageSize: Int = 1000,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.client = client
        self.pageSize = pageSize
        self.now = now
    }

    public func run() async throws -> Report {
        let run = try await database.beginHistorySync(now: now())
        var after: String?
        if let latest = try await database.latestWatch() {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "yyyy-MM-dd"
            after = formatter.string(from: latest.addingTimeInterval(-86_400))
        }
        var rows = 0
        var start = 0
        do {
            while true {
                let page = try await client.history(start: start, length: pageSize, after: after)
                try await database.storeWatchRecords(page.records)
                rows += page.records.count
                let received = page.records.count + page.skipped
                start += received
                if received < pageSize || (page.total.map { start >= $0 } ?? false) { break }
            }
            try await database.finishHistorySync(run: run, rows: rows, error: nil, now: now())
            return Report(rows: rows, incremental: after != nil, error: nil)
        } catch {
            try await database.finishHistorySync(run: run, rows: rows, error: "\(error)", now: now())
            return Report(rows: rows, incremental: after != nil, error: "\(error)")
        }
    }
}
