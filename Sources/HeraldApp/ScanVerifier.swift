import Foundation
import HeraldCore
import HeraldPlex
import Logging
import Synchronization

/// Follows issued scans of one server until Plex has finished them and shows their folders.
///
/// All scans in flight are checked together on each poll: one `/library/sections` for the
/// `refreshing` flags, and, when some scans have ended, one `/library/recentlyAdded` to find their
/// folders. A scan whose section stopped refreshing and whose folder holds a recently added file
/// is `herald.scan.completed`; one whose folder is gone locally (a deletion) is completed once the
/// section is idle; anything else at the timeout is `herald.scan.unverified` with the reason.
/// Verification is best effort and in memory: after a restart, scans issued before it are not
/// followed (they were issued; only the confirmation is lost).
struct ScanVerifier {
    struct Job: Sendable {
        var section: String
        /// Plex's path of the folder.
        var folder: String
        /// Herald's path of the same folder.
        var localFolder: String
        var issuedAt: Date
        var rule: String
        var cause: String
    }

    let worker: ScanWorker
    let server: PlexServerSettings
    let client: any PlexServerClient
    let settings: ScanVerification
    let queue: Queue

    /// Where the scan lane hands over issued scans.
    final class Queue: Sendable {
        private let jobs = Mutex<[Job]>([])
        let signal = WakeSignal()

        func add(_ job: Job) {
            jobs.withLock { $0.append(job) }
            signal.wake()
        }

        func take() -> [Job] {
            jobs.withLock { jobs in
                defer { jobs.removeAll() }; return jobs
            }
        }
    }

    func run() async {
        var active: [Job] = []
        while !Task.isCancelled {
            active += queue.take()
            if active.isEmpty {
                await queue.signal.wait(for: .seconds(60))
                continue
            }
            // Give Plex a moment to start (and gather the scans issued meanwhile).
            try? await Task.sleep(for: settings.interval)
            active += queue.take()
            active = await poll(active)
        }
    }

    /// Checks every active job once; returns those still waiting.
    private func poll(_ active: [Job]) async -> [Job] {
        let now = worker.now()
        let refreshing: Set<String>
        do {
            refreshing = try await client.refreshingSections()
        } catch {
            return await timeOut(active, now: now, reason: "Plex could not be asked whether it is scanning: \(error)")
        }
        var waiting: [Job] = []
        var ended: [Job] = []
        for job in active {
            if refreshing.contains(job.section) { waiting.append(job) } else { ended.append(job) }
        }
        if !ended.isEmpty {
            let files: [String]
            do {
                files = try await client.recentlyAddedFiles()
            } catch {
                return await timeOut(
                    active, now: now, reason: "Plex's recently added items could not be read: \(error)")
            }
            for job in ended {
                let gone = !FileManager.default.fileExists(atPath: job.localFolder)
                if gone || files.contains(where: { PathMatching.isUnder($0, job.folder) }) {
                    await emit("herald.scan.completed", job, detail: gone ? "folder removed; Plex rescanned it" : "")
                } else if now.timeIntervalSince(job.issuedAt) >= settings.timeout.timeInterval {
                    await emit(
                        "herald.scan.unverified", job,
                        detail:
                            "Plex finished scanning but shows nothing under \(job.folder) among its recently added items"
                    )
                } else {
                    waiting.append(job)  // Plex may not have started yet, or is still importing.
                }
            }
        }
        return await timeOut(waiting, now: now, reason: "Plex was still scanning the section")
    }

    /// Reports the jobs past the timeout as unverified; returns the others.
    private func timeOut(_ jobs: [Job], now: Date, reason: String) async -> [Job] {
        var left: [Job] = []
        for job in jobs {
            if now.timeIntervalSince(job.issuedAt) >= settings.timeout.timeInterval {
                await emit(
                    "herald.scan.unverified", job, detail: "\(reason) after \(settings.timeout.shortDescription)")
            } else {
                left.append(job)
            }
        }
        return left
    }

    private func emit(_ kind: String, _ job: Job, detail: String) async {
        var fields = ["rule": job.rule, "cause": job.cause]
        if !detail.isEmpty { fields["reason"] = detail }
        worker.logger.log(
            level: kind == "herald.scan.completed" ? .info : .warning,
            kind == "herald.scan.completed" ? "scan verified" : "scan not verified",
            metadata: [
                "plex.server": "\(server.name)", "plex.section": "\(job.section)", "scan.folder": "\(job.folder)",
                "reason": "\(detail)",
            ])
        await worker.emit(kind, server: server.name, section: job.section, folder: job.folder, detail: fields)
    }
}
