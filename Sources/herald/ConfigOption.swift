import ArgumentParser
import Foundation
import HeraldConfig

/// `--config FILE`, shared by every command that reads the configuration.
struct ConfigOption: ParsableArguments {
    @Option(name: [.customShort("c"), .long], help: "The configuration file.")
    var config: String = "/etc/herald/herald.yml"

    /// Loads the configuration, printing every problem and exiting 78 (EX_CONFIG) when it is invalid.
    func load() throws -> HeraldConfiguration {
        do {
            return try HeraldConfiguration.load(file: config)
        } catch {
            for diagnostic in error.diagnostics { printError(diagnostic.description) }
            printError("\(config): \(error.diagnostics.count) problem(s); nothing was started")
            throw ExitCode(78)
        }
    }
}

/// Writes a line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
