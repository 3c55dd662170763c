import ArgumentParser

/// The `herald` command line: a thin layer over HeraldApp.
@main
struct Herald: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "Turns Plex, Tautulli, Sonarr, Radarr and Lidarr webhooks into durable, explainable actions.",
        version: HeraldVersion.line,
        subcommands: [
            Serve.self, Check.self, Events.self, Rules.self, Notify.self, Deliveries.self, Inventory.self,
            Candidates.self, Version.self,
        ]
    )
}

enum HeraldVersion {
    static let string = "0.1.0"
    /// What `herald --version` and `herald version` both print.
    static let line = "herald \(string)"
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print Herald's version.")

    func run() {
        print(HeraldVersion.line)
    }
}
