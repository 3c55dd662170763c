import Foundation
import HeraldCore
import HeraldStore

extension Delivery {
    /// The API and `herald deliveries --json` form.
    public var jsonObject: [String: Any] {
        let format = ISO8601DateFormatter()
        var object: [String: Any] = [
            "id": id, "key": key, "channel": channel, "rule": rule, "event_id": eventID, "template": template,
            "severity": severity.rawValue, "state": state.rawValue, "attempts": attempts, "items": items.count,
            "created_at": format.string(from: createdAt), "due_at": format.string(from: dueAt),
            "expires_at": format.string(from: expiresAt),
        ]
        if let groupKey { object["group_key"] = groupKey }
        if let lastError { object["last_error"] = lastError }
        if let finishedAt { object["finished_at"] = format.string(from: finishedAt) }
        return object
    }

    /// One line for `herald deliveries`.
    public var summaryLine: String {
        let time = ISO8601DateFormatter().string(from: createdAt)
        var line = "\(id)  \(time)  \(state.rawValue)  \(channel)  \(rule)  \(template)"
        if items.count > 1 { line += "  (\(items.count) events)" }
        if attempts > 0 { line += "  attempts=\(attempts)" }
        if let lastError { line += "  error: \(lastError)" }
        return line
    }
}
