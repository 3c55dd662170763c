import Foundation
import HeraldCore
import Synchronization

/// The Standard Webhooks ids seen recently, per endpoint: a sender retries a delivery with the
/// same `webhook-id`, and a signature stays valid for its whole tolerance, so the same request can
/// arrive twice inside it. Ids are kept for twice the tolerance (a timestamp may be that far off
/// either way) and forgotten after.
final class ReplayGuard: Sendable {
    private let seen = Mutex<[String: Date]>([:])

    /// Whether this delivery is new (and records it); false for a replay.
    func firstDelivery(endpoint: String, id: String, now: Date, window: Duration) -> Bool {
        let key = endpoint + "\u{0}" + id
        let keep = 2 * window.timeInterval
        return seen.withLock { seen in
            if seen.count > 10_000 { seen = seen.filter { now.timeIntervalSince($0.value) < keep } }
            if let first = seen[key], now.timeIntervalSince(first) < keep { return false }
            seen[key] = now
            return true
        }
    }
}
