import Foundation
import HeraldCore
import HeraldStore
import Logging
import ServiceLifecycle

/// Evaluates each enabled cleanup rule on its schedule (the first time two minutes after start,
/// so the inventory can sync first) and journals `herald.candidate.flagged` for new candidates.
/// Flagging only: archive and delete actions are not carried out yet.
struct CleanupService: Service {
    let evaluation: CandidateEvaluation
    let rules: [CleanupRule]
    let journal: any EventJournal
    let logger: Logger
    let now: @Sendable () -> Date
    var firstDelay: Duration = .seconds(120)

    func run() async throws {
        let enabled = rules.filter(\.enabled)
        guard !enabled.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for rule in enabled {
                    group.addTask {
                        try? await Task.sleep(for: firstDelay)
                        while !Task.isCancelled {
                            await evaluate(rule)
                            try? await Task.sleep(for: rule.every)
                        }
                    }
                }
            }
        }
    }

    private func evaluate(_ rule: CleanupRule) async {
        do {
            let outcome = try await evaluation.run(rule)
            logger.info(
                "cleanup rule evaluated",
                metadata: [
                    "rule.name": "\(rule.name)", "candidates.matching": "\(outcome.matched)",
                    "candidates.new": "\(outcome.newlyFlagged.count)", "candidates.unknown": "\(outcome.unknown)",
                    "candidates.excluded": "\(outcome.excluded)", "dry_run": "\(rule.dryRun)",
                ])
            for match in outcome.newlyFlagged {
                let detail = [
                    "rule": rule.name, "subject": match.subject, "title": match.title, "size": String(match.size),
                    "reason": match.reason,
                ]
                let raw = (try? JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys])) ?? Data()
                let event = Event(
                    receivedAt: now(), source: .herald, kind: "herald.candidate.flagged",
                    media: MediaInfo(title: match.title),
                    raw: raw)
                _ = try? await journal.append(event)
            }
        } catch {
            logger.warning("cleanup rule not evaluated", metadata: ["rule.name": "\(rule.name)", "error": "\(error)"])
        }
    }
}
