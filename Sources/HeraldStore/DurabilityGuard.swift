import Synchronization

/// Whether the journal still commits as durably as configured. Once lost it stays lost: the
/// journal refuses events (their senders retry, or the loss is seen) rather than acknowledge
/// them without the fsync the configuration promises.
final class DurabilityGuard: Sendable {
    private let reason = Mutex<String?>(nil)

    var lostReason: String? { reason.withLock { $0 } }

    /// Records the loss (the first reason is kept).
    func lose(_ why: String) {
        reason.withLock { if $0 == nil { $0 = why } }
    }

    /// Throws `StoreError.durabilityLost` once the loss was recorded.
    func check() throws {
        if let why = lostReason { throw StoreError.durabilityLost(reason: why) }
    }
}
