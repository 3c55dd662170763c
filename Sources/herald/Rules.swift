import ArgumentParser
import AsyncHTTPClient
import Foundation
import HeraldApp
import HeraldConfig
import HeraldCore
import HeraldPlex
import HeraldStore

/// `herald rules …`: work with rule files.
struct Rules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work with rules.", subcommands: [RulesTest.self])
}

/// `herald rules test --event FILE`: explain what the rules make of a webhook body.
struct RulesTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Show the normalised event, every rule's verdict with a per-leaf trace, and the actions, "
            + "including the exact Plex requests.")

    @OptionGroup var options: ConfigOption

    @Option(help: "A webhook body (JSON) as the source would send it.")
    var event: String

    @Option(help: "The sender: plex, tautulli, sonarr, radarr, lidarr or generic (guessed when omitted).")
    var source: String?

    @Flag(help: "Ask Plex for its sections instead of using the list stored by the daemon.")
    var live = false

    func run() async throws {
        let configuration = try options.load()
        guard let body = FileManager.default.contents(atPath: event) else {
            throw ValidationError("cannot read \(event)")
        }
        let decoded: Event
        do {
            decoded = try RulesExplainer.decode(body, source: source)
        } catch {
            printError("\(event): \(error)")
            throw ExitCode.failure
        }
        let sections = await knownSections(configuration)
        print(RulesExplainer(configuration: configuration, sections: sections).explain(decoded), terminator: "")
    }

    /// Each server's sections: stored by the daemon, or (with `--live`, or when none is stored) asked of Plex.
    private func knownSections(_ configuration: HeraldConfiguration) async -> [String: [PlexSection]] {
        var result: [String: [PlexSection]] = [:]
        if !live, FileManager.default.fileExists(atPath: configuration.databasePath),
            let database = try? AppDatabase.openReadOnly(path: configuration.databasePath)
        {
            for server in configuration.plexServers {
                if let stored = try? await database.sections(server: server.name), !stored.isEmpty {
                    result[server.name] = stored
                }
            }
        }
        for server in configuration.plexServers where result[server.name] == nil {
            var settings = server
            settings.timeout = .seconds(5)
            if let fetched = try? await LivePlexClient(http: HTTPClient.shared, settings: settings).sections() {
                result[server.name] = fetched
            }
        }
        return result
    }
}
