import Foundation
import HeraldCore
import HeraldStore

extension JournalEntry {
    /// The entry as a JSON object for `/api/events` and `herald events --json`.
    ///
    /// `raw` is embedded as JSON when the body was JSON, otherwise given as base64 in `raw_base64`.
    public var jsonObject: [String: Any] {
        var object: [String: Any] = [
            "sequence": sequence,
            "id": event.id,
            "received_at": Self.timestamp(event.receivedAt),
            "source": event.source.rawValue,
            "kind": event.kind,
            "paths": event.paths,
        ]
        if !event.previousPaths.isEmpty { object["previous_paths"] = event.previousPaths }
        if let media = try? JSONSerialization.jsonObject(with: JSONEncoder().encode(event.media)) {
            object["media"] = media
        }
        if let user = event.user { object["user"] = user }
        if let player = event.player { object["player"] = player }
        if let reason = event.ignoredReason { object["ignored"] = reason }
        if let endpoint = event.endpoint { object["endpoint"] = endpoint }
        object["dispatched_at"] = dispatchedAt.map(Self.timestamp) ?? NSNull()
        object["dispatch_failure"] = dispatchFailure ?? NSNull()
        if let raw = try? JSONSerialization.jsonObject(with: event.raw, options: [.fragmentsAllowed]) {
            object["raw"] = raw
        } else {
            object["raw_base64"] = event.raw.base64EncodedString()
        }
        return object
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
