import ArgumentParser
import Foundation
import HeraldApp
import HeraldConfig
import HeraldStore

/// `herald events`: show what arrived, newest first, so a user can see why something happened.
struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List journalled events, newest first.")

    @OptionGroup var options: ConfigOption

    @Option(help: "Only events since a duration ago (2h, 7d) or a date (2026-11-20).")
    var since: String?

    @Option(help: "Only events from this source (plex, tautulli, sonarr, radarr, lidarr, generic, …).")
    var source: String?

    @Option(help: "Only events of this kind, or a prefix ending in '*' (sonarr.*).")
    var kind: String?

    @Option(help: "How many events to show.")
    var limit: Int = 50

    @Flag(help: "Keep running and print new events as they arrive.")
    var follow = false

    @Flag(help: "Print one JSON object per line, raw body included.")
    var json = false

    func run() async throws {
        let configuration = try options.load()
        guard FileManager.default.fileExists(atPath: configuration.databasePath) else {
            printError(
                "no journal at \(configuration.databasePath) yet: has 'herald serve' run with this configuration?")
            throw ExitCode.failure
        }
        let database = try AppDatabase.openReadOnly(path: configuration.databasePath)
        var filter: EventFilter
        do {
            filter = try EventQuery.filter(
                since: since, source: source, kind: kind, after: nil, limit: String(limit), now: Date())
        } catch {
            throw ValidationError("\(error)")
        }
        let entries = try await database.events(matching: filter)
        for entry in entries { output(entry) }
        guard follow else { return }
        var last = entries.first?.sequence ?? 0
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(1))
            filter.afterSequence = last
            filter.limit = 1000
            let fresh = try await database.events(matching: filter)
            for entry in fresh { output(entry) }
            last = fresh.last?.sequence ?? last
        }
    }

    private func output(_ entry: JournalEntry) {
        if json {
            let data = (try? JSONSerialization.data(withJSONObject: entry.jsonObject, options: [.sortedKeys])) ?? Data()
            print(String(decoding: data, as: UTF8.self))
        } else {
            say(entry.summaryLine)
        }
        // A line as each event arrives, also into a pipe (`--follow | grep …`), where output is
        // otherwise flushed only every few KiB (`fflush(nil)` flushes every output stream).
        fflush(nil)
    }
}
