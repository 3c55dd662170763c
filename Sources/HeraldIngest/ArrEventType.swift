import HeraldCore

/// Names of the *arr apps' `eventType` values as Herald event kinds.
///
/// Sonarr, Radarr and Lidarr send PascalCase names (`EpisodeFileDelete`); Herald kinds are dotted
/// and snake_case (`sonarr.episode_file_delete`), so rules read `sonarr.download`, `radarr.rename`.
enum ArrEventType {
    /// `EpisodeFileDelete` → `episode_file_delete`; anything that is not a plain name → nil.
    static func snakeCase(_ eventType: String) -> String? {
        let name = eventType.utf8
        guard !name.isEmpty, name.allSatisfy({ $0 < 0x80 && (isUpper($0) || isLower($0) || isDigit($0)) }) else {
            return nil
        }
        var output: [UInt8] = []
        output.reserveCapacity(name.count + 4)
        for byte in name {
            if isUpper(byte) {
                if !output.isEmpty { output.append(UInt8(ascii: "_")) }
                output.append(byte | 0x20)
            } else {
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func isUpper(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "A") < 26 }
    private static func isLower(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "a") < 26 }
    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// The kind and, for test pings and unknown types, why the event is only journalled.
    static func classify(
        app: String, eventType: String, known: Set<String>
    ) throws(WebhookError) -> (
        kind: String, ignoredReason: String?
    ) {
        guard let name = snakeCase(eventType) else {
            throw .malformed("\(app) body has an invalid 'eventType' '\(eventType.prefix(64))'")
        }
        if eventType == "Test" { return ("\(app.lowercased()).test", "test event from \(app)") }
        let reason = known.contains(eventType) ? nil : "unknown \(app) event type '\(eventType)'"
        return ("\(app.lowercased()).\(name)", reason)
    }
}
