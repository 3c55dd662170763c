import Foundation
import HeraldCore
import Testing

/// The leaving-soon → due → action decision, and where archived files go.
@Suite struct CandidateLifecycleTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    func verdict(
        dryRun: Bool = false, state: CandidateState = .leavingSoon, dueIn: TimeInterval = -1, approved: Bool = false,
        requiresApproval: Bool = false, recheck: CandidateRecheck = .matches, playing: Bool? = false
    ) -> CandidateVerdict {
        CandidateLifecycle.verdict(
            dryRun: dryRun, state: state, dueAt: now.addingTimeInterval(dueIn), approvedAt: approved ? now : nil,
            requiresApproval: requiresApproval, now: now, recheck: recheck, playing: playing)
    }

    @Test func onlyADueKnownUnprotectedMatchNobodyPlaysActs() {
        #expect(verdict() == .act)
        #expect(verdict(dueIn: 0) == .act, "due at exactly now")
        #expect(verdict(dueIn: 1) == .wait("not due before \(now.addingTimeInterval(1))"), "one second early")
        #expect(verdict(dryRun: true) == .wait("the rule is a dry run"))
        #expect(verdict(state: .flagged) == .wait("it is flagged"))
        #expect(verdict(state: .archived) == .wait("it is archived"))
        #expect(verdict(recheck: .unknown) == .wait("some of its data could not be read this time"))
        #expect(verdict(recheck: .noLongerMatches) == .unflag("it no longer matches the rule"))
        #expect(verdict(recheck: .protected("label 'keep'")) == .unflag("it is protected: label 'keep'"))
        #expect(verdict(playing: true) == .wait("it is being played right now"))
        #expect(verdict(playing: nil) == .wait("Plex could not say whether it is being played"))
    }

    @Test func approvalIsWaitedForOnlyWhereTheRuleAsksForIt() {
        #expect(verdict(requiresApproval: true) == .wait("waiting for approval"))
        #expect(verdict(approved: true, requiresApproval: true) == .act)
        #expect(verdict(approved: false, requiresApproval: false) == .act)
        // Approval never overrides the re-checks.
        #expect(verdict(approved: true, requiresApproval: true, playing: true) == .wait("it is being played right now"))
        #expect(verdict(approved: true, requiresApproval: true, recheck: .unknown) != .act)
    }

    @Test func archivedFilesKeepTheirPathRelativeToTheInnermostMediaRoot() throws {
        var settings = CleanupSettings()
        #expect(settings.archivePath(for: "/mnt/media/tv/a.mkv") == nil, "no archive root")
        settings.archiveRoot = "/mnt/archive/"
        settings.mediaRoots = ["/mnt/media", "/mnt/media/tv"]
        #expect(settings.archivePath(for: "/mnt/media/tv/Show/S01/e.mkv") == "/mnt/archive/Show/S01/e.mkv")
        #expect(settings.archivePath(for: "/mnt/media/films/F (2020)/f.mkv") == "/mnt/archive/films/F (2020)/f.mkv")
        // `/mnt/media-4k` is not under `/mnt/media`: compared by components.
        #expect(settings.archivePath(for: "/mnt/media-4k/f.mkv") == "/mnt/archive/mnt/media-4k/f.mkv")
        #expect(settings.archivePath(for: "/mnt/media/../etc/passwd") == nil)
        #expect(settings.archivePath(for: "relative/f.mkv") == nil)
    }

    @Test func plexPathsAreMappedToHeraldsFirstMatchWins() throws {
        var settings = CleanupSettings()
        settings.paths = [
            PathRewrite(from: try RegexPattern("^/data/tv/"), to: "/mnt/tv/"),
            PathRewrite(from: try RegexPattern("^/data/"), to: "/mnt/media/"),
        ]
        #expect(settings.localPath("/data/tv/Show/e.mkv") == "/mnt/tv/Show/e.mkv")
        #expect(settings.localPath("/data/films/f.mkv") == "/mnt/media/films/f.mkv")
        #expect(settings.localPath("/elsewhere/f.mkv") == "/elsewhere/f.mkv")
    }

    @Test func sizesReadInBinaryUnitsWithTheirNames() {
        #expect(ByteSize.text(0) == "0 B")
        #expect(ByteSize.text(1023) == "1023 B")
        #expect(ByteSize.text(1536) == "1.5 KiB")
        #expect(ByteSize.text(700 << 20) == "700 MiB")
        #expect(ByteSize.text(4 << 30) == "4 GiB")
        #expect(ByteSize.text(Int64(2.25 * Double(1 << 40))) == "2.3 TiB")
    }
}
