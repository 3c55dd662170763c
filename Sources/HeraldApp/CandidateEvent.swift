import Foundation
import HeraldCore
import Logging

/// The `herald.candidate.*` events, one shape for all of them: the body is a flat JSON object with
/// the rule, subject, title and size (plus what the kind adds: reason, due date, error, action id),
/// which notification templates read as `detail.*`.
enum CandidateEvent {
    static func journal(
        _ kind: String, rule: String, subject: String, title: String, size: Int64, paths: [String] = [],
        fields: [String: String] = [:], at time: Date, to journal: any EventJournal, logger: Logger
    ) async {
        var fields = fields
        fields["rule"] = rule
        fields["subject"] = subject
        fields["title"] = title
        fields["size"] = String(size)
        let raw = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data()
        let event = Event(
            receivedAt: time, source: .herald, kind: kind, paths: paths, media: MediaInfo(title: title), raw: raw)
        do {
            _ = try await journal.append(event)
        } catch {
            logger.error("event not journalled", metadata: ["event.kind": "\(kind)", "error": "\(error)"])
        }
    }
}
