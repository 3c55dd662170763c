import ArgumentParser
import AsyncHTTPClient
import Foundation
import HeraldConfig
import HeraldCore
import HeraldNotify

/// `herald notify test CHANNEL`: sends a test message now (not through the outbox) and prints
/// what the service answered, so a channel can be checked before any rule relies on it.
struct Notify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work with notification channels.", subcommands: [NotifyTest.self])
}

struct NotifyTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Send a test message to a channel and print the service's answer.")

    @OptionGroup var options: ConfigOption

    @Argument(help: "The channel name, as configured under notifications.channels.")
    var channel: String

    @Option(help: "The template to render (default: test).")
    var template = "test"

    func run() async throws {
        let configuration = try options.load()
        guard let settings = configuration.notifications.channel(named: channel) else {
            let known = configuration.notifications.channels.map(\.name).joined(separator: ", ")
            throw ValidationError("no channel named '\(channel)' (configured: \(known.isEmpty ? "none" : known))")
        }
        let templates = try NotificationTemplates(directory: configuration.notifications.templatesDirectory)
        guard templates.contains(template) else {
            throw ValidationError("no template named '\(template)' (known: \(templates.names.joined(separator: ", ")))")
        }
        let now = Date()
        let item = NotificationItem(
            eventID: EventID.make(), kind: "herald.test", source: "herald", receivedAt: now,
            media: MediaInfo(type: .episode, title: "Pilot", show: "Herald", season: 1, episodes: [1]))
        let content = NotificationRenderer(templates: templates).render(
            template: template, items: [item], severity: .info, rule: "notify test", channel: channel, now: now)
        let message = OutgoingMessage(
            content: content, items: [item], rule: "notify test", channel: channel, key: "test-\(item.eventID)")
        let report: SendReport
        if settings.service == .email {
            report = await SMTPChannelSender().send(message, to: settings, now: now)
        } else {
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .herald)
            report = await HTTPChannelSender(http: http).send(message, to: settings, now: now)
            try await http.shutdown()
        }
        switch report.result {
        case .delivered(let answer):
            print("\(channel): delivered (\(settings.service.rawValue) answered \(answer))")
        case .retry(let after, let reason, _):
            printError(
                "\(channel): not delivered, temporary failure: \(reason)"
                    + (after.map { "; retry after \($0) s" } ?? ""))
            throw ExitCode.failure
        case .permanent(let reason, let disable):
            printError("\(channel): not delivered: \(reason)" + (disable ? " (the target is gone: fix the URL)" : ""))
            throw ExitCode.failure
        case .migrated(let chat, let reason):
            printError("\(channel): Telegram moved this group to chat id \(chat); update the configuration (\(reason))")
            throw ExitCode.failure
        }
    }
}
