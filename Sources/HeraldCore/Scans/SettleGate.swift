import Foundation

/// The optional gate before a scan: the folder must exist on this machine and nothing in it may
/// have changed for `stableFor` (a download still arriving keeps changing). Checks are bounded:
/// after `maxChecks` the scan is sent anyway, so a file that never settles cannot hold it forever.
public struct SettleGate: Sendable, Equatable {
    public var stableFor: Duration
    public var maxChecks: Int

    public init(stableFor: Duration = .seconds(5), maxChecks: Int = 12) {
        self.stableFor = stableFor
        self.maxChecks = maxChecks
    }

    public enum Decision: Sendable, Equatable {
        case open
        /// Check again at the given time.
        case wait(until: Date, reason: String)
        /// Too many checks: send the scan anyway, and say why.
        case giveUp(reason: String)
    }

    /// Decides from what the folder looks like now.
    ///
    /// - Parameters:
    ///   - exists: Whether the folder exists on this machine.
    ///   - newestChange: The most recent modification time of the folder or anything in it.
    ///   - checks: How many times this scan has been held by the gate already.
    public func decide(exists: Bool, newestChange: Date?, checks: Int, now: Date) -> Decision {
        let reason: String
        let retryAt: Date
        if !exists {
            reason = "the folder does not exist (yet) on this machine"
            retryAt = now.addingTimeInterval(stableFor.timeInterval)
        } else if let newestChange, now.timeIntervalSince(newestChange) < stableFor.timeInterval {
            reason = "files changed \(Int(now.timeIntervalSince(newestChange) * 1000)) ms ago"
            retryAt = newestChange.addingTimeInterval(stableFor.timeInterval)
        } else {
            return .open
        }
        return checks >= maxChecks ? .giveUp(reason: reason) : .wait(until: retryAt, reason: reason)
    }
}
