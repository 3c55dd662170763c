import ArgumentParser
import Foundation
import HeraldApp
import HeraldConfig
import HeraldCore
import HeraldStore

/// `herald candidates`: what the cleanup rules flag, with why and when it is due.
struct Candidates: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List deletion candidates (dry run: nothing is archived or deleted yet).",
        subcommands: [CandidatesList.self, CandidatesEvaluate.self, CandidatesKeep.self, CandidatesPostpone.self],
        defaultSubcommand: CandidatesList.self)
}

struct CandidatesList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Candidates, soonest due first.")

    @OptionGroup var options: ConfigOption

    @Option(help: "Only this rule's candidates.")
    var rule: String?

    @Flag(help: "Also print why each one matched.")
    var why = false

    func run() async throws {
        let configuration = try options.load()
        let database = try AppDatabase.open(path: configuration.databasePath)
        let format = ISO8601DateFormatter()
        for candidate in try await database.candidates(rule: rule) {
            let size = ByteCountFormatter.string(fromByteCount: candidate.size, countStyle: .binary)
            print(
                "\(candidate.rule)  \(candidate.title)  \(size)  flagged \(format.string(from: candidate.flaggedAt))"
                    + "  due \(format.string(from: candidate.dueAt))")
            if why { print("    subject \(candidate.subject): \(candidate.reason)") }
        }
    }
}

struct CandidatesEvaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Run the cleanup rules over the stored inventory now and record candidates.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load()
        guard !configuration.cleanupRules.isEmpty else {
            throw ValidationError("no cleanup rule (a rule with scope:) in the rules directory")
        }
        let database = try AppDatabase.open(path: configuration.databasePath)
        let evaluation = CandidateEvaluation(database: database, zone: configuration.timeZone ?? .current)
        for rule in configuration.cleanupRules where rule.enabled {
            let outcome = try await evaluation.run(rule)
            if let skipped = outcome.skipped {
                print("\(rule.name): not evaluated: \(skipped)")
                continue
            }
            print(
                "\(rule.name): \(outcome.matched) matching (\(outcome.newlyFlagged.count) newly flagged), "
                    + "\(outcome.unknown) unknown (left as they were), \(outcome.excluded) excluded"
                    + (rule.dryRun ? "; dry run" : ""))
        }
    }
}

struct CandidatesKeep: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keep", abstract: "Keep an item (or show, or season) out of every cleanup rule from now on.")

    @OptionGroup var options: ConfigOption

    @Argument(help: "The candidate's subject, as `herald candidates list --why` shows it (guid@section or a GUID).")
    var subject: String

    @Option(help: "Why, for the record.")
    var note: String?

    func run() async throws {
        let configuration = try options.load()
        let database = try AppDatabase.open(path: configuration.databasePath)
        let removed = try await database.keep(subject: subject, note: note, now: Date())
        print("\(subject) is kept from now on" + (removed ? " (its candidates were removed)" : ""))
    }
}

struct CandidatesPostpone: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postpone", abstract: "Move a candidate's due date later.")

    @OptionGroup var options: ConfigOption

    @Argument(help: "The candidate's subject.")
    var subject: String

    @Option(help: "By how long (7d, 12h).")
    var by: String

    func run() async throws {
        let configuration = try options.load()
        guard let delay = ConfigValueParser.duration(by), delay > .zero else {
            throw ValidationError("--by must be a duration such as 7d or 12h")
        }
        let database = try AppDatabase.open(path: configuration.databasePath)
        guard try await database.postpone(subject: subject, by: delay) else {
            printError("no candidate \(subject)")
            throw ExitCode.failure
        }
        print("\(subject) postponed by \(by)")
    }
}
