import Foundation
import HeraldConfig
import HeraldCore
import HeraldPlex
import HeraldStore
import Logging
import ServiceLifecycle

/// Issues queued Plex scans when they are due: one lane per server, so a server that is down or
/// slow never delays another.
///
/// Each lane takes the most urgent due scan of its server, holds everything while an anchor file
/// is missing, resolves folders queued without a section (refreshing the section list), sends the
/// refresh, and records the outcome: issued, retried later with backoff, or failed. Every outcome
/// is also an internal event in the journal (`herald.scan.issued`, `.failed`, `.unmatched`,
/// `.held`), so rules can react to it.
struct ScanWorker: Service {
    let database: AppDatabase
    let journal: any EventJournal
    let servers: [PlexServerSettings]
    let clients: [String: any PlexServerClient]
    let signals: [String: WakeSignal]
    let logger: Logger
    let now: @Sendable () -> Date
    let random: @Sendable () -> Double

    func run() async throws {
        guard !servers.isEmpty else {
            // Nothing to scan; stay up until the group shuts down (a returning service ends the group).
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for server in servers {
                    guard let client = clients[server.name], let signal = signals[server.name] else { continue }
                    var verifications: ScanVerifier.Queue?
                    if let settings = server.verification {
                        let queue = ScanVerifier.Queue()
                        verifications = queue
                        group.addTask {
                            await ScanVerifier(
                                worker: self, server: server, client: client, settings: settings, queue: queue
                            ).run()
                        }
                    }
                    group.addTask {
                        await ScanLane(
                            worker: self, server: server, client: client, signal: signal, verifications: verifications
                        ).run()
                    }
                }
            }
        }
    }

    /// Journals an internal scan event; a failure is logged, never thrown (the scan itself is recorded).
    func emit(_ kind: String, server: String, section: String, folder: String, detail: [String: String]) async {
        var fields = detail
        fields["server"] = server
        fields["section"] = section
        fields["folder"] = folder
        let raw = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data()
        let event = Event(
            receivedAt: now(), source: .herald, kind: kind, paths: folder.isEmpty ? [] : [folder], raw: raw)
        do {
            _ = try await journal.append(event)
        } catch {
            logger.error("internal event not journalled", metadata: ["event.kind": "\(kind)", "error": "\(error)"])
        }
    }
}

/// One server's lane of the scan worker.
struct ScanLane {
    let worker: ScanWorker
    let server: PlexServerSettings
    let client: any PlexServerClient
    let signal: WakeSignal
    /// Where issued scans are handed to the verifier, when the server asks for verification.
    let verifications: ScanVerifier.Queue?
    var logger: Logger { worker.logger }

    /// What this lane knows of its server's section list.
    struct SectionList {
        /// When the list was last read successfully.
        var fetched: Date?
        /// Why the last read failed, while reads fail: the list is then unknown, not empty.
        var failure: String?
        var failures = 0
        /// No read before this (a failed read backs off; a good one is not repeated within 2 s).
        var nextAttempt: Date?
        /// Whether the current run of failures was announced (`herald.scan.failed`, once).
        var reported = false
    }

    func run() async {
        var sections = SectionList()
        var held = false
        await refreshSections(&sections)
        while !Task.isCancelled {
            let now = worker.now()
            let due =
                sections.failure != nil
                ? sections.nextAttempt.map { now >= $0 } ?? true
                : sections.fetched.map { now.timeIntervalSince($0) >= server.sectionsRefresh.timeInterval } ?? true
            if due { await refreshSections(&sections) }
            let job: ScanJob?
            do {
                job = try await worker.database.dueScan(server: server.name, now: now)
            } catch {
                logger.error("scan queue unreadable", metadata: ["plex.server": "\(server.name)", "error": "\(error)"])
                await signal.wait(for: .seconds(5))
                continue
            }
            guard let job else {
                let next = (try? await worker.database.nextScanDate(server: server.name)) ?? nil
                let delay = next.map { max(0, min($0.timeIntervalSince(now), 5)) } ?? 5
                await signal.wait(for: .milliseconds(Int64(delay * 1000)))
                continue
            }
            if let missing = server.anchors.first(where: { !FileManager.default.fileExists(atPath: $0) }) {
                if !held {
                    held = true
                    logger.warning(
                        "scans held: an anchor file is missing (is the media mount down?)",
                        metadata: ["plex.server": "\(server.name)", "anchor": "\(missing)"])
                    await worker.emit(
                        "herald.scan.held", server: server.name, section: "", folder: "", detail: ["anchor": missing])
                }
                await signal.wait(for: .seconds(5))
                continue
            }
            if held {
                held = false
                logger.notice("anchors are back: scans resume", metadata: ["plex.server": "\(server.name)"])
            }
            if job.scan.section.isEmpty {
                await resolveSection(job, &sections)
                continue
            }
            if let gate = server.gate, await holdAtGate(job, gate) { continue }
            await issue(job)
            // The least time between two requests to this server: a plain sleep, which a wake-up
            // (every dispatch sends one) must not cut short.
            try? await Task.sleep(for: server.pacing)
        }
    }

    private func refreshSections(_ list: inout SectionList) async {
        let now = worker.now()
        do {
            let sections = try await client.sections()
            try await worker.database.saveSections(sections, server: server.name, now: now)
            if list.failure != nil {
                logger.notice("Plex sections readable again", metadata: ["plex.server": "\(server.name)"])
            }
            list = SectionList(fetched: now, nextAttempt: now.addingTimeInterval(2))
            logger.debug(
                "Plex sections refreshed", metadata: ["plex.server": "\(server.name)", "sections": "\(sections.count)"])
        } catch {
            // Unknown, not empty: scans that need the list wait, and the read is retried with backoff.
            list.failures += 1
            list.failure = "\(error)"
            let delay = server.retry.delay(afterFailures: list.failures, random: worker.random())
            list.nextAttempt = now.addingTimeInterval(delay)
            if list.failures == 1 {
                logger.warning(
                    "cannot list Plex sections; scans that need them wait",
                    metadata: ["plex.server": "\(server.name)", "error": "\(error)", "retry.in_s": "\(Int(delay))"])
            }
        }
    }

    /// A folder queued without a known section: the list is read again unless it was read after
    /// the scan was queued (a library added in Plex a moment ago is found), then the scan is
    /// assigned, dropped as unmatched, or held while the list cannot be read (unknown is not
    /// empty: a wrong token must not drop every scan as "unmatched").
    private func resolveSection(_ job: ScanJob, _ list: inout SectionList) async {
        guard let id = job.scan.id else { return }
        func isFresh() -> Bool { list.fetched.map { $0 >= job.scan.firstSeen } ?? false }
        do {
            var stored = try await worker.database.sections(server: server.name)
            var matched = ScanPlanner.sections(for: job.scan.folder, in: stored).map(\.key)
            if matched.isEmpty, !isFresh(), list.nextAttempt.map({ worker.now() >= $0 }) ?? true {
                await refreshSections(&list)
                stored = try await worker.database.sections(server: server.name)
                matched = ScanPlanner.sections(for: job.scan.folder, in: stored).map(\.key)
            }
            if !matched.isEmpty {
                try await worker.database.assignSections(job, sections: matched, now: worker.now())
            } else if isFresh() {
                let compared = stored.map { "\($0.key) \($0.title) (\($0.locations.joined(separator: ", ")))" }
                let reason =
                    "no section of \(server.name) contains \(job.scan.folder)"
                    + (compared.isEmpty ? " (it lists none)" : "; compared with: " + compared.joined(separator: "; "))
                try await worker.database.resolveScan(id: id, .unmatched(reason: reason))
                logger.warning("scan dropped: \(reason)", metadata: ["plex.server": "\(server.name)"])
                await worker.emit(
                    "herald.scan.unmatched", server: server.name, section: "", folder: job.scan.folder,
                    detail: ["reason": reason, "rule": job.rule ?? ""])
            } else {
                let until = list.nextAttempt ?? worker.now().addingTimeInterval(2)
                let reason =
                    list.failure.map { "the section list of \(server.name) cannot be read: \($0)" }
                    ?? "waiting to read the section list of \(server.name) again"
                try await worker.database.resolveScan(id: id, .gateWait(until: until, reason: reason))
                if list.failure != nil, !list.reported {
                    list.reported = true
                    logger.error("scans held: \(reason)", metadata: ["plex.server": "\(server.name)"])
                    await worker.emit(
                        "herald.scan.failed", server: server.name, section: "", folder: job.scan.folder,
                        detail: ["reason": reason, "rule": job.rule ?? "", "cause": job.eventID ?? ""])
                }
            }
        } catch {
            logger.error(
                "cannot resolve a scan's section", metadata: ["plex.server": "\(server.name)", "error": "\(error)"])
            await signal.wait(for: .seconds(5))
        }
    }

    /// True when the settle gate holds the scan (it is then rescheduled); false to send it now.
    private func holdAtGate(_ job: ScanJob, _ gate: SettleGate) async -> Bool {
        guard let id = job.scan.id else { return false }
        let (exists, newest) = FolderActivity.inspect(job.scan.localFolder)
        let metadata: Logger.Metadata = ["plex.server": "\(server.name)", "scan.folder": "\(job.scan.localFolder)"]
        switch gate.decide(exists: exists, newestChange: newest, checks: job.gateChecks, now: worker.now()) {
        case .open:
            return false
        case .giveUp(let reason):
            logger.warning("scan sent although its folder has not settled: \(reason)", metadata: metadata)
            return false
        case .wait(let until, let reason):
            logger.debug("scan held until its folder settles: \(reason)", metadata: metadata)
            do {
                try await worker.database.resolveScan(id: id, .gateWait(until: until, reason: reason))
            } catch {
                logger.error("cannot record a held scan", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                await signal.wait(for: .seconds(1))
            }
            return true
        }
    }

    private func issue(_ job: ScanJob) async {
        guard let id = job.scan.id else { return }
        let outcome: ScanOutcome
        do {
            let status = try await client.refresh(section: job.scan.section, folder: job.scan.folder)
            outcome = ScanOutcome.classify(status: status)
        } catch {
            outcome = ScanOutcome.classify(status: nil, transportError: "\(error)")
        }
        let metadata: Logger.Metadata = [
            "plex.server": "\(server.name)", "plex.section": "\(job.scan.section)", "scan.folder": "\(job.scan.folder)",
            "scan.attempt": "\(job.attempts + 1)",
        ]
        let detail = ["rule": job.rule ?? "", "cause": job.eventID ?? "", "attempts": "\(job.attempts + 1)"]
        do {
            switch outcome {
            case .done:
                try await worker.database.resolveScan(id: id, .issued(at: worker.now()))
                logger.info("scan issued", metadata: metadata)
                await worker.emit(
                    "herald.scan.issued", server: server.name, section: job.scan.section, folder: job.scan.folder,
                    detail: detail)
                verifications?.add(
                    ScanVerifier.Job(
                        section: job.scan.section, folder: job.scan.folder, localFolder: job.scan.localFolder,
                        issuedAt: worker.now(), rule: job.rule ?? "", cause: job.eventID ?? ""))
            case .retry(let reason) where job.attempts + 1 < server.maxAttempts:
                let delay = server.retry.delay(afterFailures: job.attempts + 1, random: worker.random())
                try await worker.database.resolveScan(
                    id: id, .retry(at: worker.now().addingTimeInterval(delay), reason: reason))
                logger.warning(
                    "scan will be retried",
                    metadata: metadata.merging(["reason": "\(reason)", "retry.in_s": "\(Int(delay))"]) { $1 })
            case .retry(let reason), .failed(let reason):
                try await worker.database.resolveScan(id: id, .failed(reason: reason))
                logger.error("scan failed", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
                await worker.emit(
                    "herald.scan.failed", server: server.name, section: job.scan.section, folder: job.scan.folder,
                    detail: detail.merging(["reason": reason]) { $1 })
            }
        } catch {
            logger.error("cannot record a scan's outcome", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
    }
}
