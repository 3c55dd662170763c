import Foundation

/// Where a candidate is in its life: flagged by a dry-run rule (a preview, nothing will happen),
/// leaving soon (a live rule's grace period), being acted on, then archived or deleted.
public enum CandidateState: String, Sendable, CaseIterable {
    /// Matched by a dry-run rule: reported, never acted on.
    case flagged
    /// Matched by a live rule: acted on once due (after the grace period) if it still matches.
    case leavingSoon = "leaving_soon"
    /// The action started and its record is written; the files are being moved or deleted.
    case acting
    case archived
    case deleted

    /// States the evaluation manages (flags, unflags); later ones are history it leaves alone.
    public var isOpen: Bool { self == .flagged || self == .leavingSoon }
}

/// What the fresh evaluation at action time says of a due candidate.
public enum CandidateRecheck: Sendable, Equatable {
    case matches
    case noLongerMatches
    /// An input (inventory or watch history) could not be read this time.
    case unknown
    /// Protected by an exclusion or a person's `keep`, with why.
    case protected(String)
}

/// The decision about one candidate when the action pass looks at it.
public enum CandidateVerdict: Sendable, Equatable {
    /// Carry the action out now.
    case act
    /// Leave it as it is and look again at the next pass, with why.
    case wait(String)
    /// It no longer qualifies: remove the candidate, with why.
    case unflag(String)
}

/// The pure rules of the leaving-soon → due → action step. Everything is checked again at action
/// time; any doubt waits, and only a fresh, known, unprotected match that nobody is playing acts.
public enum CandidateLifecycle {
    /// - Parameters:
    ///   - playing: Whether Plex is playing any of the candidate's items; nil when Plex could not say
    ///     (or sessions are not checked: pass false then).
    public static func verdict(
        dryRun: Bool, state: CandidateState, dueAt: Date, approvedAt: Date?, requiresApproval: Bool, now: Date,
        recheck: CandidateRecheck, playing: Bool?
    ) -> CandidateVerdict {
        guard !dryRun else { return .wait("the rule is a dry run") }
        guard state == .leavingSoon else { return .wait("it is \(state.rawValue)") }
        guard dueAt <= now else { return .wait("not due before \(dueAt)") }
        if requiresApproval, approvedAt == nil { return .wait("waiting for approval") }
        switch recheck {
        case .noLongerMatches: return .unflag("it no longer matches the rule")
        case .protected(let why): return .unflag("it is protected: \(why)")
        case .unknown: return .wait("some of its data could not be read this time")
        case .matches: break
        }
        switch playing {
        case nil: return .wait("Plex could not say whether it is being played")
        case true?: return .wait("it is being played right now")
        case false?: return .act
        }
    }
}
