import ArgumentParser
import HeraldApp
import HeraldConfig
import HeraldCore
import HeraldNotify

/// `herald check`: validate the configuration without starting anything.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate the configuration; exits non-zero and lists every problem with file:line:column."
    )

    @OptionGroup var options: ConfigOption

    @Flag(help: "Print the effective configuration (defaults filled in, secrets redacted).")
    var print = false

    func run() throws {
        let configuration = try options.load()
        do {
            _ = try NotificationTemplates(directory: configuration.notifications.templatesDirectory)
        } catch {
            for problem in error.problems { printError("\(problem)") }
            printError("\(options.config): \(error.problems.count) template problem(s)")
            throw ExitCode(78)
        }
        if print { Swift.print(configuration.effectiveYAML, terminator: "") }
        for source in configuration.openSources {
            printError(
                "warning: \(options.config): source '\(source)' has no credential; anyone who can reach the port may post to it"
            )
        }
        for rule in configuration.cleanupRules where !rule.dryRun && rule.enabled {
            printError(
                "note: \(rule.location): cleanup rule '\(rule.name)' is live (dry_run: false): its due candidates "
                    + "will be \(rule.action == .archive ? "archived" : "DELETED") after \(rule.grace) of grace")
        }
        printError("\(options.config): configuration is valid")
    }
}
