import Foundation
import HeraldCore
import HeraldStore
import Logging
import ServiceLifecycle

/// Runs the cleanup lifecycle: finishes actions a crash interrupted, evaluates each enabled rule on
/// its schedule (the first time after `firstDelay`, so the inventory can sync first), journals
/// `herald.candidate.flagged`, `.leaving_soon` and `.unflagged`, and every `check_every` acts on
/// the live rules' due candidates through `CleanupActions`.
struct CleanupService: Service {
    let evaluation: CandidateEvaluation
    let actions: CleanupActions
    let rules: [CleanupRule]
    let checkEvery: Duration
    let journal: any EventJournal
    let logger: Logger
    let now: @Sendable () -> Date
    /// The zone cron schedules are read in.
    let zone: TimeZone
    /// Wakes the action pass early (an approval through the API).
    let wake: WakeSignal
    var firstDelay: Duration = .seconds(120)

    func run() async throws {
        do {
            try await actions.recover()
        } catch {
            logger.error("interrupted cleanup actions could not be finished", metadata: ["error": "\(error)"])
        }
        let enabled = rules.filter(\.enabled)
        guard !enabled.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        let live = enabled.filter { !$0.dryRun }
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for rule in enabled {
                    group.addTask {
                        // `every` rules start after the first delay; cron rules at their first time after it.
                        try? await Task.sleep(for: firstDelay)
                        if rule.cron != nil, !(await sleepUntilNextRun(of: rule)) { return }
                        while !Task.isCancelled {
                            await evaluate(rule)
                            guard await sleepUntilNextRun(of: rule) else { return }
                        }
                    }
                }
                if !live.isEmpty {
                    group.addTask {
                        try? await Task.sleep(for: firstDelay)
                        while !Task.isCancelled {
                            for rule in live { await act(rule) }
                            await wake.wait(for: checkEvery)
                        }
                    }
                }
            }
        }
    }

    /// Sleeps until the rule's next run; false when it has none (a cron date that never comes) or
    /// the service is stopping.
    private func sleepUntilNextRun(of rule: CleanupRule) async -> Bool {
        let start = now()
        guard let next = rule.nextRun(after: start, zone: zone) else {
            logger.warning("cleanup rule never runs again", metadata: ["rule.name": "\(rule.name)"])
            return false
        }
        // Slept in slices of at most an hour, so a wall clock that jumps (NTP, suspend) is caught up with.
        while !Task.isCancelled {
            let left = next.timeIntervalSince(now())
            if left <= 0 { return true }
            try? await Task.sleep(for: .seconds(min(left, 3600)))
        }
        return false
    }

    private func act(_ rule: CleanupRule) async {
        do {
            let pass = try await actions.runDue(rule)
            if !pass.acted.isEmpty || !pass.failed.isEmpty || !pass.unflagged.isEmpty {
                logger.info(
                    "cleanup actions",
                    metadata: [
                        "rule.name": "\(rule.name)", "acted": "\(pass.acted.count)", "failed": "\(pass.failed.count)",
                        "unflagged": "\(pass.unflagged.count)", "waiting": "\(pass.waiting.count)",
                    ])
            }
        } catch {
            logger.warning("cleanup actions not run", metadata: ["rule.name": "\(rule.name)", "error": "\(error)"])
        }
    }

    private func evaluate(_ rule: CleanupRule) async {
        do {
            let outcome = try await evaluation.run(rule)
            if let skipped = outcome.skipped {
                logger.info(
                    "cleanup rule not evaluated", metadata: ["rule.name": "\(rule.name)", "reason": "\(skipped)"])
                return
            }
            logger.info(
                "cleanup rule evaluated",
                metadata: [
                    "rule.name": "\(rule.name)", "candidates.matching": "\(outcome.matched)",
                    "candidates.new": "\(outcome.changes.flagged.count)", "candidates.unknown": "\(outcome.unknown)",
                    "candidates.excluded": "\(outcome.excluded)", "dry_run": "\(rule.dryRun)",
                ])
            for match in outcome.changes.flagged {
                await announce("herald.candidate.flagged", rule: rule, match: match)
            }
            for match in outcome.changes.leavingSoon {
                await announce("herald.candidate.leaving_soon", rule: rule, match: match)
            }
            for subject in outcome.changes.unflagged {
                await announce(
                    "herald.candidate.unflagged", rule: rule,
                    match: CandidateMatch(subject: subject, title: subject, size: 0, reason: "it no longer matches"))
            }
        } catch {
            logger.warning("cleanup rule not evaluated", metadata: ["rule.name": "\(rule.name)", "error": "\(error)"])
        }
    }

    private func announce(_ kind: String, rule: CleanupRule, match: CandidateMatch) async {
        var fields = ["reason": match.reason, "action": rule.action.rawValue, "dry_run": String(rule.dryRun)]
        if kind == "herald.candidate.leaving_soon" {
            fields["due"] = ISO8601DateFormatter().string(from: now().addingTimeInterval(rule.grace.timeInterval))
        }
        await CandidateEvent.journal(
            kind, rule: rule.name, subject: match.subject, title: match.title, size: match.size, fields: fields,
            at: now(), to: journal, logger: logger)
    }
}
