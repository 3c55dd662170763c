import AsyncHTTPClient
import Foundation
import HeraldApp
import HeraldCore
import HeraldPlex
import HeraldStore
import HeraldTestSupport
import Logging
import Synchronization
import Testing

/// The cleanup lifecycle on real files in temporary directories: leaving soon → due → re-checks →
/// archive or delete → folder scan → restore, with a fake Plex answering `/status/sessions`.
@Suite(.serialized) struct CleanupActionTests {
    static let day = 86_400.0
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    /// A library on disk (Plex sees it under /data), an archive folder, a fake Plex and a clock.
    final class Setup: Sendable {
        let database: AppDatabase
        let media: TemporaryDirectory
        let archive: TemporaryDirectory
        let plex: FakePlexServer
        let journal = RecordingJournal()
        let clock = Mutex(CleanupActionTests.start)

        init() async throws {
            database = try AppDatabase.inMemory()
            media = try TemporaryDirectory(prefix: "herald-media")
            archive = try TemporaryDirectory(prefix: "herald-archive")
            plex = try FakePlexServer()
            var settings = CleanupSettings()
            settings.archiveRoot = archive.path
            settings.mediaRoots = [media.path]
            settings.paths = [PathRewrite(from: try RegexPattern("^/data/"), to: media.path + "/")]
            self.settings = settings
            try await plex.start()
            plex.setSessions([])
        }

        func close() async {
            await plex.stop()
            media.remove()
            archive.remove()
        }

        var now: Date { clock.withLock { $0 } }
        func advance(days: Double) { clock.withLock { $0 = $0.addingTimeInterval(days * CleanupActionTests.day) } }

        let settings: CleanupSettings

        func actions(_ settings: CleanupSettings? = nil) -> CleanupActions {
            let plexSettings = PlexServerSettings(name: "home", url: plex.url, token: Secret(plex.token))
            return CleanupActions(
                database: database, settings: settings ?? self.settings, evaluation: evaluation,
                clients: ["home": LivePlexClient(http: .shared, settings: plexSettings)], journal: journal,
                logger: Logger(label: "cleanup-test"), now: { self.now })
        }

        var evaluation: CandidateEvaluation {
            CandidateEvaluation(database: database, zone: TimeZone(identifier: "UTC")!, now: { self.now })
        }

        /// Writes a film's file (and a subtitle beside it) and stores it in the inventory, added two years ago.
        @discardableResult
        func film(_ id: Int, title: String) async throws -> InventoryItem {
            let folder = "films/\(title)"
            try FileManager.default.createDirectory(
                atPath: media.path + "/" + folder, withIntermediateDirectories: true)
            try Data(repeating: UInt8(id), count: 4096).write(
                to: URL(fileURLWithPath: "\(media.path)/\(folder)/\(title).mkv"))
            try "1\n00:00:01,000 --> 00:00:02,000\nhello\n".write(
                toFile: "\(media.path)/\(folder)/\(title).en.srt", atomically: true, encoding: .utf8)
            return InventoryItem(
                guid: "plex://movie/\(id)", kind: .movie, server: "home", section: "1", ratingKey: "\(id)",
                title: title, addedAt: now.addingTimeInterval(-730 * CleanupActionTests.day),
                media: [MediaVersion(parts: [MediaPart(file: "/data/\(folder)/\(title).mkv", size: 4096)])])
        }

        func storeInventory(_ items: [InventoryItem], historyError: String? = nil) async throws {
            try await database.saveSections(
                [PlexSection(key: "1", title: "Films", type: "movie", locations: ["/data/films"])], server: "home",
                now: now)
            let run = try await database.beginInventorySync(server: "home", section: "1", kind: .movie, now: now)
            try await database.storeInventoryPage(items, run: run)
            try await database.finishInventorySync(run: run, items: items.count, error: nil, now: now)
            let history = try await database.beginHistorySync(now: now)
            try await database.finishHistorySync(run: history, rows: 0, error: historyError, now: now)
        }

        func exists(_ relative: String, in directory: TemporaryDirectory) -> Bool {
            FileManager.default.fileExists(atPath: directory.path + "/" + relative)
        }

        func kinds() -> [String] { journal.events.map(\.kind) }
    }

    static func rule(action: CleanupRule.Action, dryRun: Bool = false, approval: Bool = false) -> CleanupRule {
        var rule = CleanupRule(
            name: "unwatched films", scope: .movie, every: .seconds(86_400),
            condition: .all([.leaf(.added, .olderThan(days: 365)), .leaf(.lastWatched, .missing(true))]),
            exclusions: CleanupExclusions(labels: ["keep"]), grace: .seconds(14 * 86_400), action: action,
            dryRun: dryRun)
        rule.requiresApproval = approval
        return rule
    }

    @Test func anArchiveWaitsForTheGraceMovesFilesAndSidecarsScansTheFolderAndRestoresExactly() async throws {
        let setup = try await Setup()
        let item = try await setup.film(1, title: "Old Film (2001)")
        try await setup.storeInventory([item])
        let rule = Self.rule(action: .archive)
        let actions = setup.actions()

        let outcome = try await setup.evaluation.run(rule)
        #expect(outcome.changes.leavingSoon.map(\.subject) == ["plex://movie/1@1"])
        #expect(try await setup.database.candidates().map(\.state) == ["leaving_soon"])

        // One second before the grace ends nothing moves.
        setup.advance(days: 14 - 1 / Self.day)
        var pass = try await actions.runDue(rule)
        #expect(pass.acted.isEmpty)
        #expect(setup.exists("films/Old Film (2001)/Old Film (2001).mkv", in: setup.media))

        setup.advance(days: 1 / Self.day)
        pass = try await actions.runDue(rule)
        #expect(pass.acted == ["plex://movie/1@1"], "\(pass)")
        #expect(setup.exists("films/Old Film (2001)/Old Film (2001).mkv", in: setup.archive))
        #expect(setup.exists("films/Old Film (2001)/Old Film (2001).en.srt", in: setup.archive))
        #expect(!setup.exists("films/Old Film (2001)", in: setup.media), "the emptied folder is removed")
        #expect(setup.exists("films", in: setup.media), "a section's folder is never removed")
        #expect(try await setup.database.candidates().map(\.state) == ["archived"])
        #expect(setup.kinds() == ["herald.candidate.archived"])
        // Plex is asked to scan the nearest folder that still exists, in the item's section.
        let scans = try await setup.database.scanRequests(server: "home")
        #expect(scans.map(\.scan.folder) == ["/data/films"])
        #expect(scans.map(\.scan.section) == ["1"])
        #expect(scans.map(\.status) == ["pending"])

        // Evaluating again leaves the archived record alone (the item is still in the inventory).
        _ = try await setup.evaluation.run(rule)
        #expect(try await setup.database.candidates().map(\.state) == ["archived"])

        let record = try #require(try await setup.database.cleanupActions().first)
        #expect(record.state == .done && record.files.count == 2)
        let restored = try actions.restoreResult(try await actions.restore(id: record.id))
        #expect(restored.state == .restored)
        let back = try Data(
            contentsOf: URL(fileURLWithPath: "\(setup.media.path)/films/Old Film (2001)/Old Film (2001).mkv"))
        #expect(back == Data(repeating: 1, count: 4096))
        #expect(setup.exists("films/Old Film (2001)/Old Film (2001).en.srt", in: setup.media))
        #expect(!setup.exists("films", in: setup.archive), "the archive's emptied folders are removed")
        #expect(try await setup.database.candidates().isEmpty)
        #expect(try await setup.database.keptSubjects() == ["plex://movie/1@1"], "a restored item is kept from then on")
        #expect(setup.kinds() == ["herald.candidate.archived", "herald.candidate.restored"])
        // The folder's scan is pending: queued, or covered by the pending scan of its parent.
        let pending = try await setup.database.scanRequests(server: "home").filter { $0.status == "pending" }
        #expect(pending.contains { PathMatching.isUnder("/data/films/Old Film (2001)", $0.scan.folder) })
        // Restoring twice is refused with the reason.
        guard case .failure(let failure) = try await actions.restore(id: record.id) else {
            Issue.record("a second restore was accepted")
            return
        }
        #expect(failure.description == "action \(record.id) is restored, not a finished archive")
        _ = try await setup.evaluation.run(rule)
        #expect(try await setup.database.candidates().isEmpty, "kept: never flagged again")
        await setup.close()
    }

    @Test func everythingIsCheckedAgainAtActionTimeAndAnyDoubtWaits() async throws {
        let setup = try await Setup()
        let item = try await setup.film(2, title: "Playing Film (2002)")
        try await setup.storeInventory([item])
        let rule = Self.rule(action: .delete)
        let actions = setup.actions()
        _ = try await setup.evaluation.run(rule)
        setup.advance(days: 15)

        // Someone is watching it.
        setup.plex.setSessions([
            (guid: "plex://movie/2", file: "/data/films/Playing Film (2002)/Playing Film (2002).mkv")
        ])
        var pass = try await actions.runDue(rule)
        #expect(pass.waiting["plex://movie/2@1"] == "it is being played right now")
        // Plex cannot say.
        setup.plex.failSessions(status: 500)
        pass = try await actions.runDue(rule)
        #expect(pass.waiting["plex://movie/2@1"] == "Plex could not say whether it is being played")
        setup.plex.failSessions(status: nil)
        setup.plex.setSessions([])
        // Tautulli failed this time: the watch history is unknown.
        try await setup.storeInventory([item], historyError: "Tautulli answered 500")
        pass = try await actions.runDue(rule)
        #expect(pass.waiting["plex://movie/2@1"] == "some of its data could not be read this time")
        #expect(setup.exists("films/Playing Film (2002)/Playing Film (2002).mkv", in: setup.media))
        #expect(try await setup.database.candidates().map(\.state) == ["leaving_soon"])

        // It was labelled `keep` meanwhile: protected, so unflagged, and the files stay.
        var kept = item
        kept.labels = ["Keep"]
        try await setup.storeInventory([kept])
        pass = try await actions.runDue(rule)
        #expect(pass.unflagged["plex://movie/2@1"] == "it is protected: label 'Keep'")
        #expect(try await setup.database.candidates().isEmpty)
        #expect(setup.kinds() == ["herald.candidate.unflagged"])
        #expect(setup.exists("films/Playing Film (2002)/Playing Film (2002).mkv", in: setup.media))

        // Without the label it is flagged again with a new grace period, then deleted once due.
        try await setup.storeInventory([item])
        _ = try await setup.evaluation.run(rule)
        #expect(try await actions.runDue(rule).acted.isEmpty, "a new grace period")
        setup.advance(days: 14)
        #expect(try await actions.runDue(rule).acted == ["plex://movie/2@1"])
        #expect(!setup.exists("films/Playing Film (2002)", in: setup.media))
        #expect(try await setup.database.candidates().map(\.state) == ["deleted"])
        guard case .failure(let failure) = try await actions.restore(id: 1) else {
            Issue.record("a delete was restored")
            return
        }
        #expect(failure.description == "action 1 deleted its files; they cannot be restored")
        await setup.close()
    }

    @Test func dryRunsNeverActApprovalIsWaitedForAndGoingLiveStartsTheGraceThen() async throws {
        let setup = try await Setup()
        let item = try await setup.film(3, title: "Dry Film (2003)")
        try await setup.storeInventory([item])
        let actions = setup.actions()

        let dry = Self.rule(action: .delete, dryRun: true)
        let outcome = try await setup.evaluation.run(dry)
        #expect(outcome.changes.flagged.count == 1 && outcome.changes.leavingSoon.isEmpty)
        setup.advance(days: 100)
        #expect(try await actions.runDue(dry).acted.isEmpty)
        #expect(try await setup.database.candidates().map(\.state) == ["flagged"])

        // The rule goes live (with approval): the grace starts now, not 100 days ago.
        let live = Self.rule(action: .delete, approval: true)
        let changes = try await setup.evaluation.run(live).changes
        #expect(changes.leavingSoon.map(\.subject) == ["plex://movie/3@1"] && changes.flagged.isEmpty)
        #expect(try await setup.database.candidates().first?.dueAt == setup.now.addingTimeInterval(14 * Self.day))
        setup.advance(days: 14)
        #expect(try await actions.runDue(live).waiting["plex://movie/3@1"] == "waiting for approval")
        #expect(try await setup.database.approve(subject: "plex://movie/3@1", now: setup.now))
        #expect(try await actions.runDue(live).acted == ["plex://movie/3@1"])
        #expect(!setup.exists("films/Dry Film (2003)/Dry Film (2003).mkv", in: setup.media))
        await setup.close()
    }

    @Test func approvingSkipsTheRestOfTheGrace() async throws {
        let setup = try await Setup()
        try await setup.storeInventory([try await setup.film(4, title: "Approved (2004)")])
        let rule = Self.rule(action: .archive)
        _ = try await setup.evaluation.run(rule)
        setup.advance(days: 1)
        #expect(try await setup.actions().runDue(rule).acted.isEmpty)
        #expect(try await setup.database.approve(subject: "plex://movie/4@1", now: setup.now))
        #expect(try await setup.actions().runDue(rule).acted == ["plex://movie/4@1"])
        #expect(
            try await setup.database.approve(subject: "plex://movie/4@1", now: setup.now) == false, "no longer open")
        await setup.close()
    }

    @Test func aCrashBetweenTheMoveAndItsRecordIsFinishedAtTheNextStart() async throws {
        let setup = try await Setup()
        try await setup.storeInventory([try await setup.film(5, title: "Crash (2005)")])
        let rule = Self.rule(action: .archive)
        _ = try await setup.evaluation.run(rule)
        setup.advance(days: 15)
        // The action's record is written and the first file moved; then the process dies.
        let candidate = try #require(try await setup.database.dueCandidates(rule: rule.name, now: setup.now).first)
        let folder = "films/Crash (2005)"
        let files = ["Crash (2005).en.srt", "Crash (2005).mkv"].map {
            CleanupActionRecord.FileMove(
                from: "\(setup.media.path)/\(folder)/\($0)", to: "\(setup.archive.path)/\(folder)/\($0)")
        }
        let record = try #require(
            try await setup.database.beginCleanupAction(
                candidate: candidate, action: .archive, files: files,
                scans: [
                    .init(
                        server: "home", section: "1", folder: "/data/\(folder)",
                        localFolder: "\(setup.media.path)/\(folder)")
                ],
                now: setup.now))
        try FileManager.default.createDirectory(
            atPath: "\(setup.archive.path)/\(folder)", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: files[0].from, toPath: files[0].to!)
        #expect(try await setup.database.candidates().map(\.state) == ["acting"])
        // A second pass (or process) cannot claim the same candidate meanwhile.
        #expect(
            try await setup.database.beginCleanupAction(
                candidate: candidate, action: .archive, files: files, scans: [], now: setup.now) == nil)

        #expect(try await setup.actions().recover() == 1)
        #expect(setup.exists("\(folder)/Crash (2005).mkv", in: setup.archive))
        #expect(setup.exists("\(folder)/Crash (2005).en.srt", in: setup.archive))
        #expect(!setup.exists(folder, in: setup.media))
        #expect(try await setup.database.cleanupAction(id: record.id)?.state == .done)
        #expect(try await setup.database.candidates().map(\.state) == ["archived"])
        #expect(try await setup.actions().recover() == 0, "nothing left to finish")

        // A restore interrupted after its first file is finished the same way.
        _ = try #require(try await setup.database.beginRestore(id: record.id))
        try FileManager.default.createDirectory(
            atPath: "\(setup.media.path)/\(folder)", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: files[1].to!, toPath: files[1].from)
        #expect(try await setup.actions().recover() == 1)
        #expect(setup.exists("\(folder)/Crash (2005).mkv", in: setup.media))
        #expect(setup.exists("\(folder)/Crash (2005).en.srt", in: setup.media))
        #expect(try await setup.database.cleanupAction(id: record.id)?.state == .restored)
        await setup.close()
    }

    @Test func filesHeraldCannotFindAreReportedWithTheMappingToCheck() async throws {
        let setup = try await Setup()
        try await setup.storeInventory([try await setup.film(6, title: "Elsewhere (2006)")])
        let rule = Self.rule(action: .delete)
        _ = try await setup.evaluation.run(rule)
        setup.advance(days: 15)
        var wrong = setup.settings
        wrong.paths = []
        let pass = try await setup.actions(wrong).runDue(rule)
        let failure = try #require(pass.failed["plex://movie/6@1"])
        #expect(failure.contains("/data/films/Elsewhere (2006)/Elsewhere (2006).mkv"))
        #expect(failure.contains("check cleanup.paths"))
        #expect(setup.kinds() == ["herald.candidate.failed"])
        #expect(
            try await setup.database.candidates().first?.dueAt == setup.now.addingTimeInterval(Self.day),
            "tried again tomorrow")
        #expect(setup.exists("films/Elsewhere (2006)/Elsewhere (2006).mkv", in: setup.media))
        await setup.close()
    }

    @Test func anArchiveTargetThatExistsIsNeverOverwrittenAndTheMoveIsRolledBack() async throws {
        let setup = try await Setup()
        try await setup.storeInventory([try await setup.film(7, title: "Twice (2007)")])
        let rule = Self.rule(action: .archive)
        _ = try await setup.evaluation.run(rule)
        setup.advance(days: 15)
        // The film moves first; its subtitle's place in the archive is taken, so the film must come back.
        let target = "\(setup.archive.path)/films/Twice (2007)"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try "older copy".write(toFile: target + "/Twice (2007).en.srt", atomically: true, encoding: .utf8)
        let pass = try await setup.actions().runDue(rule)
        #expect(pass.failed["plex://movie/7@1"]?.contains("already exists; nothing was overwritten") == true)
        #expect(setup.exists("films/Twice (2007)/Twice (2007).mkv", in: setup.media), "the film was moved back")
        #expect(setup.exists("films/Twice (2007)/Twice (2007).en.srt", in: setup.media))
        #expect(try String(contentsOfFile: target + "/Twice (2007).en.srt", encoding: .utf8) == "older copy")
        #expect(try await setup.database.cleanupActions().first?.state == .failed)
        #expect(try await setup.database.candidates().map(\.state) == ["leaving_soon"])
        await setup.close()
    }
}

extension CleanupActionTests {
    @Test func anArchiveOnAnotherFileSystemIsCopiedSyncedAndKeepsItsTimes() async throws {
        let setup = try await Setup()
        let other = "/dev/shm/herald-archive-\(UUID().uuidString)"
        let devices = try [setup.media.path, "/dev/shm"].map {
            (try FileManager.default.attributesOfItem(atPath: $0)[.systemNumber] as? NSNumber)?.intValue
        }
        try #require(devices[0] != devices[1], "/dev/shm must be another file system than the temporary directory")
        defer { try? FileManager.default.removeItem(atPath: other) }
        let item = try await setup.film(8, title: "Far (2008)")
        let file = "\(setup.media.path)/films/Far (2008)/Far (2008).mkv"
        let modified = Date(timeIntervalSince1970: 1_600_000_000)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: file)
        try await setup.storeInventory([item])
        var settings = setup.settings
        settings.archiveRoot = other
        let rule = Self.rule(action: .archive)
        _ = try await setup.evaluation.run(rule)
        setup.advance(days: 15)
        #expect(try await setup.actions(settings).runDue(rule).acted == ["plex://movie/8@1"])
        let archived = "\(other)/films/Far (2008)/Far (2008).mkv"
        #expect(try Data(contentsOf: URL(fileURLWithPath: archived)) == Data(repeating: 8, count: 4096))
        let attributes = try FileManager.default.attributesOfItem(atPath: archived)
        #expect(attributes[.modificationDate] as? Date == modified)
        #expect(!FileManager.default.fileExists(atPath: file))
        #expect(!FileManager.default.fileExists(atPath: archived + ".herald-partial"))
        let record = try #require(try await setup.database.cleanupActions().first)
        _ = try await setup.actions(settings).restore(id: record.id).get()
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == Data(repeating: 8, count: 4096))
        #expect(!FileManager.default.fileExists(atPath: archived))
        await setup.close()
    }
}

extension CleanupActionTests {
    @Test func aShowRuleArchivesEveryEpisodeOfTheShowAndNothingElse() async throws {
        let setup = try await Setup()
        func episode(_ show: Int, season: Int, number: Int) throws -> InventoryItem {
            let folder = "films/Show \(show)/Season \(season)"
            try FileManager.default.createDirectory(
                atPath: "\(setup.media.path)/\(folder)", withIntermediateDirectories: true)
            let name = "Show \(show) - S0\(season)E0\(number).mkv"
            try Data(repeating: 7, count: 100).write(to: URL(fileURLWithPath: "\(setup.media.path)/\(folder)/\(name)"))
            return InventoryItem(
                guid: "plex://episode/\(show)-\(season)-\(number)", kind: .episode, server: "home", section: "1",
                ratingKey: "\(show)\(season)\(number)", title: "E\(number)", show: "Show \(show)",
                showGUID: "plex://show/\(show)", season: season, seasonGUID: "plex://season/\(show)-\(season)",
                episode: number, addedAt: setup.now.addingTimeInterval(-400 * Self.day),
                media: [MediaVersion(parts: [MediaPart(file: "/data/\(folder)/\(name)", size: 100)])])
        }
        let items = [
            try episode(1, season: 1, number: 1), try episode(1, season: 2, number: 1),
            try episode(2, season: 1, number: 1),
        ]
        try await setup.storeInventory(items)
        let rule = CleanupRule(
            name: "old shows", scope: .show, every: .seconds(86_400),
            condition: .all([.aggregate(.min, .added, filter: nil, .olderThan(days: 365))]),
            exclusions: CleanupExclusions(guids: ["plex://episode/2-1-1"]), grace: .seconds(86_400),
            action: .archive, dryRun: false)
        let outcome = try await setup.evaluation.run(rule)
        #expect(outcome.changes.leavingSoon.map(\.subject) == ["plex://show/1"], "show 2 is protected by its episode")
        setup.advance(days: 2)
        #expect(try await setup.actions().runDue(rule).acted == ["plex://show/1"])
        #expect(setup.exists("films/Show 1/Season 1/Show 1 - S01E01.mkv", in: setup.archive))
        #expect(setup.exists("films/Show 1/Season 2/Show 1 - S02E01.mkv", in: setup.archive))
        #expect(!setup.exists("films/Show 1", in: setup.media), "the emptied show folder is gone")
        #expect(setup.exists("films/Show 2/Season 1/Show 2 - S01E01.mkv", in: setup.media))
        let scans = try await setup.database.scanRequests(server: "home").map(\.scan.folder)
        #expect(scans == ["/data/films"], "both seasons' scans end at the nearest folder left, coalesced")
        await setup.close()
    }
}

extension CleanupActions {
    /// The record of a restore that must have worked.
    func restoreResult(_ result: Result<CleanupActionRecord, CleanupFailure>) throws -> CleanupActionRecord {
        try result.get()
    }
}
