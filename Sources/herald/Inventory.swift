import ArgumentParser
import AsyncHTTPClient
import Foundation
import HeraldApp
import HeraldConfig
import HeraldCore
import HeraldPlex
import HeraldStore

/// `herald inventory`: what the library inventory holds; `herald inventory sync` fills it now.
struct Inventory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the library inventory (movies and episodes synced from Plex).",
        subcommands: [InventoryShow.self, InventorySyncCommand.self], defaultSubcommand: InventoryShow.self)
}

struct InventoryShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Counts and the latest syncs.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load()
        let database = try AppDatabase.openReadOnly(path: configuration.databasePath)
        let counts = try await database.inventoryCounts()
        say("movies: \(counts[.movie] ?? 0), episodes: \(counts[.episode] ?? 0)")
        for run in try await database.inventorySyncRuns() {
            let error = run.error.map { ": \($0)" } ?? ""
            say(
                "sync \(run.id)  \(run.server)/\(run.section) \(run.kind.rawValue)s  \(run.status.rawValue)  \(run.items) items\(error)"
            )
        }
    }
}

struct InventorySyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Sync the library inventory from Plex now and print what each section gave.")

    @OptionGroup var options: ConfigOption

    @Option(help: "Only this Plex server (default: every configured one).")
    var server: String?

    func run() async throws {
        let configuration = try options.load()
        let servers = configuration.plexServers.filter { server == nil || $0.name == server }
        guard !servers.isEmpty || configuration.tautulli != nil else {
            throw ValidationError("nothing to sync: configure a Plex server under plex: or Tautulli under tautulli:")
        }
        let database = try AppDatabase.openForCommand(path: configuration.databasePath)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        var failed = false
        for settings in servers {
            let sync = InventorySync(
                database: database, client: LivePlexClient(http: http, settings: settings), server: settings.name,
                pageSize: settings.inventory?.pageSize ?? 500)
            do {
                for report in try await sync.run() {
                    let outcome = report.error.map { "FAILED (kept the last data, marked unknown): \($0)" } ?? "ok"
                    say(
                        "\(settings.name)/\(report.section) \(report.kind.rawValue)s: \(report.items) items, \(outcome)"
                    )
                    failed = failed || report.error != nil
                }
            } catch {
                printError("\(settings.name): \(error)")
                failed = true
            }
        }
        if let tautulli = configuration.tautulli {
            let history = HistorySync(
                database: database, client: TautulliClient(http: http, settings: tautulli), pageSize: tautulli.pageSize)
            let report = try await history.run()
            let outcome = report.error.map { "FAILED (watch data is unknown until a sync succeeds): \($0)" } ?? "ok"
            say(
                "tautulli history\(report.incremental ? " (since the last sync)" : ""): \(report.rows) plays, \(outcome)"
            )
            failed = failed || report.error != nil
        }
        try await http.shutdown()
        if failed { throw ExitCode.failure }
    }
}
