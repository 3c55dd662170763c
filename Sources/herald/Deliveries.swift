import ArgumentParser
import Foundation
import HeraldApp
import HeraldConfig
import HeraldCore
import HeraldStore

/// `herald deliveries`: the notification outbox, newest first; `--retry ID` sends a dead or
/// expired message again.
struct Deliveries: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List notification deliveries, newest first.")

    @OptionGroup var options: ConfigOption

    @Option(help: "Only deliveries in this state: pending, sending, sent, dead, expired.")
    var state: String?

    @Option(help: "Only deliveries to this channel.")
    var channel: String?

    @Option(help: "How many deliveries to show.")
    var limit: Int = 50

    @Option(help: "Send this dead or expired delivery again (the daemon picks it up at once).")
    var retry: Int64?

    @Flag(help: "Print one JSON object per line.")
    var json = false

    func run() async throws {
        let configuration = try options.load()
        guard FileManager.default.fileExists(atPath: configuration.databasePath) else {
            printError(
                "no database at \(configuration.databasePath) yet: has 'herald serve' run with this configuration?")
            throw ExitCode.failure
        }
        let database =
            retry == nil
            ? try AppDatabase.openReadOnly(path: configuration.databasePath)
            : try AppDatabase.openForCommand(path: configuration.databasePath)
        if let retry {
            let ttl = try await database.delivery(id: retry).flatMap {
                configuration.notifications.channel(named: $0.channel)?.ttl
            }
            guard try await database.replayDelivery(id: retry, now: Date(), ttl: ttl ?? .seconds(86_400)) else {
                printError("delivery \(retry) is not dead or expired (or does not exist)")
                throw ExitCode.failure
            }
            say("delivery \(retry) is pending again")
            return
        }
        var filter: Delivery.State?
        if let state {
            guard let parsed = Delivery.State(rawValue: state) else {
                throw ValidationError(
                    "--state must be one of \(Delivery.State.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter = parsed
        }
        for delivery in try await database.deliveries(state: filter, channel: channel, limit: limit) {
            if json {
                let data =
                    (try? JSONSerialization.data(withJSONObject: delivery.jsonObject, options: [.sortedKeys])) ?? Data()
                print(String(decoding: data, as: UTF8.self))
            } else {
                say(delivery.summaryLine)
            }
        }
    }
}
