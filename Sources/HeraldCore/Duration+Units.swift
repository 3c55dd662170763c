import Foundation

extension Duration {
    /// Short human form: `500ms`, `30s`, `10m`, `1h30m`.
    public var shortDescription: String {
        let (seconds, attoseconds) = components
        if seconds == 0 || attoseconds != 0 { return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)ms" }
        var parts = ""
        var rest = seconds
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60)] where rest >= size {
            parts += "\(rest / size)\(unit)"
            rest %= size
        }
        return rest > 0 || parts.isEmpty ? parts + "\(rest)s" : parts
    }

    /// Whole nanoseconds (metrics and client timeouts).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Whole milliseconds.
    public var milliseconds: Int64 { nanoseconds / 1_000_000 }

    /// Seconds as a `TimeInterval`.
    public var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
