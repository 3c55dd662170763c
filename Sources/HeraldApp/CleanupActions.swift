import Foundation
import HeraldCore
import HeraldPlex
import HeraldStore
import Logging

/// Carries out cleanup rules once their candidates are due: checks everything again, archives or
/// deletes the files with a crash-safe record, asks Plex to scan the folders, and journals what
/// happened (`herald.candidate.archived`, `.deleted`, `.unflagged`, `.failed`, `.restored`).
///
/// Safety first: a dry-run rule never acts; a candidate acts only if, at that moment, the rule still
/// matches it on fresh data, every input is known, nothing protects it and Plex says nobody is
/// playing it. Any doubt waits for the next pass.
public struct CleanupActions: Sendable {
    let database: AppDatabase
    let settings: CleanupSettings
    let evaluation: CandidateEvaluation
    let clients: [String: any PlexServerClient]
    let journal: any EventJournal
    let logger: Logger
    let now: @Sendable () -> Date
    /// Wakes the scan lane of a server once its scans are queued.
    let wakeScans: @Sendable (String) -> Void
    /// How the folder scans after an action are queued: soon, coalesced with other pending scans.
    var scanSpec = ScanActionSpec(wait: .seconds(5), maxWait: .seconds(60))
    /// A failed action is tried again this much later.
    var retryDelay: Duration = .seconds(86_400)

    public init(
        database: AppDatabase, settings: CleanupSettings, evaluation: CandidateEvaluation,
        clients: [String: any PlexServerClient], journal: any EventJournal, logger: Logger,
        now: @escaping @Sendable () -> Date, wakeScans: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.database = database
        self.settings = settings
        self.evaluation = evaluation
        self.clients = clients
        self.journal = journal
        self.logger = logger
        self.now = now
        self.wakeScans = wakeScans
    }

    /// What one pass over a rule's due candidates did.
    public struct Pass: Sendable, Equatable {
        public var acted: [String] = []
        public var waiting: [String: String] = [:]
        public var unflagged: [String: String] = [:]
        public var failed: [String: String] = [:]
    }

    /// Acts on a live rule's due candidates.
    @discardableResult
    public func runDue(_ rule: CleanupRule) async throws -> Pass {
        var pass = Pass()
        guard rule.enabled, !rule.dryRun else { return pass }
        let due = try await database.dueCandidates(rule: rule.name, now: now())
        guard !due.isEmpty else { return pass }
        // Everything is decided again on the data as it is now, budget aside (it chose what to flag).
        let (decisions, found) = try await evaluation.decide(
            [rule], budget: false, wanted: Set(due.map(\.subject)))
        let decision = decisions[0]
        let matching = Set(decision.matches.map(\.subject))
        var sessions: [String: [PlexSession]?] = [:]
        for candidate in due {
            let members = found[candidate.subject] ?? []
            let recheck: CandidateRecheck =
                if let why = decision.excluded[candidate.subject] {
                    .protected(why)
                } else if decision.unknown.contains(candidate.subject) {
                    .unknown
                } else if matching.contains(candidate.subject) {
                    .matches
                } else {
                    .noLongerMatches
                }
            var playing: Bool? = false
            if settings.checkSessions, recheck == .matches {
                playing = await isPlaying(members, cache: &sessions)
            }
            let verdict = CandidateLifecycle.verdict(
                dryRun: rule.dryRun, state: CandidateState(rawValue: candidate.state) ?? .acting,
                dueAt: candidate.dueAt, approvedAt: candidate.approvedAt, requiresApproval: rule.requiresApproval,
                now: now(), recheck: recheck, playing: playing)
            switch verdict {
            case .wait(let why):
                pass.waiting[candidate.subject] = why
                logger.info(
                    "cleanup action waits",
                    metadata: ["rule.name": "\(rule.name)", "candidate": "\(candidate.title)", "reason": "\(why)"])
            case .unflag(let why):
                try await database.unflag(rule: rule.name, subject: candidate.subject)
                pass.unflagged[candidate.subject] = why
                await announce("herald.candidate.unflagged", candidate: candidate, detail: ["reason": why])
            case .act:
                switch try await act(on: candidate, rule: rule, members: members) {
                case .success: pass.acted.append(candidate.subject)
                case .failure(let failure): pass.failed[candidate.subject] = failure.description
                }
            }
        }
        return pass
    }

    /// Finishes the actions and restores a crash interrupted (the files end where the record says).
    @discardableResult
    public func recover() async throws -> Int {
        let unfinished = try await database.unfinishedCleanupActions()
        for record in unfinished {
            logger.warning(
                "finishing a cleanup action interrupted by a stop",
                metadata: [
                    "action.id": "\(record.id)", "action": "\(record.action.rawValue)",
                    "action.state": "\(record.state)",
                ])
            if record.state == .restoring {
                _ = try await completeRestore(record)
            } else {
                _ = try await execute(record, recovering: true)
            }
        }
        return unfinished.count
    }

    /// Puts an archived item's files back where they were, keeps it from every rule from now on, and
    /// asks Plex to scan the folders.
    public func restore(id: Int64) async throws -> Result<CleanupActionRecord, CleanupFailure> {
        guard let record = try await database.beginRestore(id: id) else {
            let existing = try await database.cleanupAction(id: id)
            let why =
                switch existing {
                case nil: "there is no cleanup action \(id)"
                case let record? where record.action == .delete:
                    "action \(id) deleted its files; they cannot be restored"
                case let record?: "action \(id) is \(record.state.rawValue), not a finished archive"
                }
            return .failure(CleanupFailure(description: why))
        }
        return try await completeRestore(record)
    }

    // MARK: - Acting

    private func act(
        on candidate: Candidate, rule: CleanupRule, members: [InventoryItem]
    ) async throws -> Result<Void, CleanupFailure> {
        let files: [CleanupActionRecord.FileMove]
        let scans: [CleanupActionRecord.ScanTarget]
        switch plan(candidate: candidate, rule: rule, members: members) {
        case .success(let planned): (files, scans) = planned
        case .failure(let failure):
            try await database.reschedule(
                rule: rule.name, subject: candidate.subject, dueAt: now().addingTimeInterval(retryDelay.timeInterval))
            await announce("herald.candidate.failed", candidate: candidate, detail: ["error": failure.description])
            logger.error(
                "cleanup action not carried out",
                metadata: ["rule.name": "\(rule.name)", "candidate": "\(candidate.title)", "error": "\(failure)"])
            return .failure(failure)
        }
        guard
            let record = try await database.beginCleanupAction(
                candidate: candidate, action: rule.action, files: files, scans: scans, now: now())
        else { return .success(()) }
        return try await execute(record, recovering: false)
    }

    /// The files to move or delete (the media and their sidecars, as Herald sees them) and the
    /// folders to scan afterwards.
    private func plan(
        candidate: Candidate, rule: CleanupRule, members: [InventoryItem]
    ) -> Result<([CleanupActionRecord.FileMove], [CleanupActionRecord.ScanTarget]), CleanupFailure> {
        var files: [CleanupActionRecord.FileMove] = []
        var scans: [CleanupActionRecord.ScanTarget] = []
        var missing: [String] = []
        let mediaFiles = Set(members.flatMap(\.files).map(settings.localPath))
        for item in members {
            for plexFile in item.files {
                let local = settings.localPath(plexFile)
                guard FileMover.exists(local) else {
                    missing.append(local)
                    continue
                }
                var paths = [local]
                if settings.sidecars { paths += FileMover.sidecars(of: local, excluding: mediaFiles) }
                for path in paths where !files.contains(where: { $0.from == path }) {
                    if rule.action == .archive {
                        guard let target = settings.archivePath(for: path) else {
                            return .failure(CleanupFailure(description: "no archive path for \(path)"))
                        }
                        files.append(.init(from: path, to: target))
                    } else {
                        files.append(.init(from: path, to: nil))
                    }
                }
                let scan = CleanupActionRecord.ScanTarget(
                    server: item.server, section: item.section, folder: LibraryPath.parent(of: plexFile),
                    localFolder: LibraryPath.parent(of: local))
                if !scans.contains(scan) { scans.append(scan) }
            }
        }
        guard !files.isEmpty else {
            let shown = missing.prefix(3).joined(separator: ", ")
            return .failure(
                CleanupFailure(
                    description:
                        "none of its files exists where Herald looks (\(shown)); check cleanup.paths, which maps Plex's paths to Herald's"
                ))
        }
        return .success((files, scans))
    }

    /// Moves or deletes the record's files, then finishes it. Repeatable: files already handled are
    /// skipped, so a recovery after a crash completes the same record.
    private func execute(
        _ record: CleanupActionRecord, recovering: Bool
    ) async throws -> Result<Void, CleanupFailure> {
        var done: [CleanupActionRecord.FileMove] = []
        do {
            for file in record.files {
                if let target = file.to {
                    if recovering {
                        try FileMover.completeMove(from: file.from, to: target)
                    } else {
                        try FileMover.move(from: file.from, to: target)
                    }
                } else {
                    try FileMover.remove(file.from)
                }
                done.append(file)
            }
        } catch let failure as CleanupFailure {
            // An archive is put back as it was; deleted files cannot be, and the record says which.
            var detail = failure.description
            if record.action == .archive {
                for file in done.reversed() { try? FileMover.move(from: file.to ?? "", to: file.from) }
            } else if !done.isEmpty {
                detail += "; already deleted: " + done.map(\.from).joined(separator: ", ")
            }
            try await database.failCleanupAction(
                record, error: detail, retryAt: now().addingTimeInterval(retryDelay.timeInterval), now: now())
            await announce("herald.candidate.failed", record: record, detail: ["error": detail])
            logger.error(
                "cleanup action failed",
                metadata: ["rule.name": "\(record.rule)", "candidate": "\(record.title)", "error": "\(detail)"])
            return .failure(CleanupFailure(description: detail))
        }
        let finished = try await pruneAndRetarget(record)
        try await database.finishCleanupAction(finished, scanSpec: scanSpec, now: now())
        for server in Set(finished.scans.map(\.server)) { wakeScans(server) }
        let kind = record.action == .archive ? "herald.candidate.archived" : "herald.candidate.deleted"
        await announce(kind, record: finished, detail: [:])
        logger.notice(
            record.action == .archive ? "archived" : "deleted",
            metadata: [
                "rule.name": "\(record.rule)", "candidate": "\(record.title)", "files": "\(record.files.count)",
                "bytes": "\(record.size)",
            ])
        return .success(())
    }

    /// Removes the folders the action emptied (never a media root or a folder of a Plex section, as
    /// Herald sees them) and points each scan at the nearest folder that still exists.
    private func pruneAndRetarget(_ record: CleanupActionRecord) async throws -> CleanupActionRecord {
        var updated = record
        var roots = Set(settings.mediaRoots).union(["/"])
        for server in Set(record.scans.map(\.server)) {
            for section in try await database.sections(server: server) {
                roots.formUnion(section.locations.map { PathMatching.normalised(settings.localPath($0)) })
            }
        }
        updated.scans = record.scans.map { scan in
            let kept = FileMover.pruneEmptyFolders(from: scan.localFolder, stopAt: Array(roots))
            var folder = scan.folder
            var local = scan.localFolder
            while local != kept, local.count > kept.count {
                local = LibraryPath.parent(of: local)
                folder = LibraryPath.parent(of: folder)
            }
            return CleanupActionRecord.ScanTarget(
                server: scan.server, section: scan.section, folder: folder, localFolder: local)
        }
        return updated
    }

    private func completeRestore(
        _ record: CleanupActionRecord
    ) async throws -> Result<CleanupActionRecord, CleanupFailure> {
        do {
            for file in record.files {
                guard let archived = file.to else { continue }
                try FileMover.completeMove(from: archived, to: file.from)
            }
        } catch let failure as CleanupFailure {
            try await database.failRestore(record, error: failure.description)
            logger.error(
                "restore failed", metadata: ["action.id": "\(record.id)", "error": "\(failure.description)"])
            return .failure(failure)
        }
        if let archiveRoot = settings.archiveRoot {
            for file in record.files {
                guard let archived = file.to else { continue }
                _ = FileMover.pruneEmptyFolders(from: LibraryPath.parent(of: archived), stopAt: [archiveRoot, "/"])
            }
        }
        // The record keeps the folders of the files as they were (the scans before any pruning):
        // they exist again now.
        var restored = record
        try await database.finishRestore(restored, scanSpec: scanSpec, now: now())
        for server in Set(restored.scans.map(\.server)) { wakeScans(server) }
        await announce("herald.candidate.restored", record: restored, detail: [:])
        logger.notice("restored", metadata: ["action.id": "\(record.id)", "candidate": "\(record.title)"])
        restored.state = .restored
        return .success(restored)
    }

    // MARK: - Sessions and events

    /// Whether Plex plays any of these items now; nil when a server could not say.
    private func isPlaying(_ members: [InventoryItem], cache: inout [String: [PlexSession]?]) async -> Bool? {
        var guids = Set<String>()
        var files = Set<String>()
        for item in members {
            guids.formUnion([item.guid, item.seasonGUID, item.showGUID].compactMap { $0 })
            files.formUnion(item.files)
        }
        for server in Set(members.map(\.server)).sorted() {
            if cache[server] == nil {
                guard let client = clients[server] else {
                    cache[server] = .some(nil)
                    continue
                }
                do {
                    cache[server] = .some(try await client.sessions())
                } catch {
                    logger.warning(
                        "cannot read Plex's sessions", metadata: ["plex.server": "\(server)", "reason": "\(error)"])
                    cache[server] = .some(nil)
                }
            }
            guard let sessions = cache[server] ?? nil else { return nil }
            if sessions.contains(where: { $0.involves(guids: guids, files: files) }) { return true }
        }
        return false
    }

    private func announce(_ kind: String, candidate: Candidate, detail: [String: String]) async {
        await CandidateEvent.journal(
            kind, rule: candidate.rule, subject: candidate.subject, title: candidate.title, size: candidate.size,
            fields: detail, at: now(), to: journal, logger: logger)
    }

    private func announce(_ kind: String, record: CleanupActionRecord, detail: [String: String]) async {
        await CandidateEvent.journal(
            kind, rule: record.rule, subject: record.subject, title: record.title, size: record.size,
            paths: record.files.map(\.from), fields: detail.merging(["action_id": String(record.id)]) { $1 }, at: now(),
            to: journal, logger: logger)
    }
}
