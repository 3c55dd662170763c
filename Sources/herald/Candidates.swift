import ArgumentParser
import Foundation
import HeraldApp
import HeraldConfig
import HeraldCore
import HeraldStore
import Logging

/// `herald candidates`: what the cleanup rules flag, with why and when it is due.
struct Candidates: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deletion candidates: list, evaluate, approve, keep, postpone; archived items: actions, restore.",
        subcommands: [
            CandidatesList.self, CandidatesEvaluate.self, CandidatesApprove.self, CandidatesKeep.self,
            CandidatesPostpone.self, CandidatesActions.self, CandidatesRestore.self,
        ],
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
        let database = try AppDatabase.openForCommand(path: configuration.databasePath)
        let format = ISO8601DateFormatter()
        for candidate in try await database.candidates(rule: rule) {
            let size = ByteSize.text(candidate.size)
            let due =
                CandidateState(rawValue: candidate.state)?.isOpen == true
                ? "  due \(format.string(from: candidate.dueAt))" : ""
            let age = candidate.addedAt.map { "  added \(Int(Date().timeIntervalSince($0) / 86_400))d ago" } ?? ""
            say(
                "\(candidate.rule)  \(candidate.state)  \(candidate.title)  \(size)\(age)"
                    + "  flagged \(format.string(from: candidate.flaggedAt))\(due)"
                    + (candidate.approvedAt == nil ? "" : "  approved"))
            if why { say("    subject \(candidate.subject): \(candidate.reason)") }
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
        let database = try AppDatabase.openForCommand(path: configuration.databasePath)
        let evaluation = CandidateEvaluation(database: database, zone: configuration.timeZone ?? .current)
        for rule in configuration.cleanupRules where rule.enabled {
            let outcome = try await evaluation.run(rule)
            if let skipped = outcome.skipped {
                say("\(rule.name): not evaluated: \(skipped)")
                continue
            }
            say(
                "\(rule.name): \(outcome.matched) matching (\(outcome.changes.flagged.count) newly flagged, "
                    + "\(outcome.changes.unflagged.count) unflagged), "
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
        let database = try AppDatabase.openForCommand(path: configuration.databasePath)
        let removed = try await database.keep(subject: subject, note: note, now: Date())
        say("\(subject) is kept from now on" + (removed ? " (its candidates were removed)" : ""))
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
        let database = try AppDatabase.openForCommand(path: configuration.databasePath)
        guard try await database.postpone(subject: subject, by: delay) else {
            printError("no candidate \(subject)")
            throw ExitCode.failure
        }
        say("\(subject) postponed by \(by)")
    }
}

struct CandidatesApprove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Let a live rule act on a candidate now (the rest of its grace is skipped; re-checks still apply).")

    @OptionGroup var options: ConfigOption

    @Argument(help: "The candidate's subject.")
    var subject: String

    func run() async throws {
        let configuration = try options.load()
        let database = try AppDatabase.openForCommand(path: configuration.databasePath)
        guard try await database.approve(subject: subject, now: Date()) else {
            printError("no open candidate \(subject)")
            throw ExitCode.failure
        }
        say("\(subject) approved: the daemon acts on it at its next check if it still qualifies")
    }
}

struct CandidatesActions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actions", abstract: "What cleanup rules archived or deleted, newest first.")

    @OptionGroup var options: ConfigOption

    @Option(help: "How many to show.")
    var limit = 50

    @Flag(help: "Also list each file and where it went.")
    var files = false

    func run() async throws {
        let configuration = try options.load()
        let database = try AppDatabase.openForCommand(path: configuration.databasePath)
        let format = ISO8601DateFormatter()
        for record in try await database.cleanupActions(limit: limit) {
            let size = ByteSize.text(record.size)
            say(
                "#\(record.id)  \(record.action.rawValue)  \(record.state.rawValue)  \(record.title)  \(size)"
                    + "  \(format.string(from: record.startedAt))  rule \(record.rule)"
                    + (record.error.map { "  error: \($0)" } ?? ""))
            if files {
                for file in record.files { say("    \(file.from)" + (file.to.map { " -> \($0)" } ?? " (deleted)")) }
            }
        }
    }
}

struct CandidatesRestore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put an archived item's files back, keep it from every rule, and queue Plex scans of its folders.")

    @OptionGroup var options: ConfigOption

    @Argument(help: "The action's number, as `herald candidates actions` shows it.")
    var id: Int64

    func run() async throws {
        let configuration = try options.load()
        let database = try AppDatabase.openForCommand(path: configuration.databasePath)
        let evaluation = CandidateEvaluation(database: database, zone: configuration.timeZone ?? .current)
        let actions = CleanupActions(
            database: database, settings: configuration.cleanup, evaluation: evaluation, clients: [:],
            journal: DatabaseJournal(database: database), logger: Logger(label: "herald"), now: { Date() })
        switch try await actions.restore(id: id) {
        case .success(let record):
            say("restored \(record.title): \(record.files.count) file(s) back in place; Plex scans are queued")
        case .failure(let failure):
            printError(failure.description)
            throw ExitCode.failure
        }
    }
}
