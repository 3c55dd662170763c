import Foundation
import HeraldConfig
import HeraldCore
import HeraldTestSupport
import Testing

/// The `cleanup:` section and what it must provide for live rules.
@Suite struct CleanupConfigTests {
    @Test func theCleanupSectionIsReadWithItsDefaults() throws {
        let defaults = try HeraldConfiguration.parse(yaml: "state_directory: /x\n", file: "/t/h.yml")
        #expect(defaults.cleanup.archiveRoot == nil && defaults.cleanup.checkSessions && defaults.cleanup.sidecars)
        #expect(defaults.cleanup.checkEvery == .seconds(300))
        let configuration = try HeraldConfiguration.parse(
            yaml: """
                state_directory: /x
                cleanup:
                  archive_root: /mnt/archive/
                  media_roots: [/mnt/media, /mnt/media4k]
                  paths: [{from: "^/data/", to: "/mnt/media/"}]
                  check_every: 1m
                  check_sessions: false
                  sidecars: false
                """, file: "/t/h.yml")
        let cleanup = configuration.cleanup
        #expect(cleanup.archiveRoot == "/mnt/archive")
        #expect(cleanup.mediaRoots == ["/mnt/media", "/mnt/media4k"])
        #expect(cleanup.localPath("/data/films/f.mkv") == "/mnt/media/films/f.mkv")
        #expect(cleanup.checkEvery == .seconds(60) && !cleanup.checkSessions && !cleanup.sidecars)
    }

    @Test func mistakesAreReportedWithTheirPositions() {
        let yaml = """
            state_directory: /x
            cleanup:
              archive_root: archive
              media_roots: [media]
              paths: [{from: "^/data/(", to: "/mnt/"}, {from: "^/x/"}]
              check_every: 10ms
              sidecar: true
            """
        do {
            _ = try HeraldConfiguration.parse(yaml: yaml, file: "/t/h.yml")
            Issue.record("expected problems")
        } catch {
            let lines = error.diagnostics.map(\.description)
            #expect(lines.contains("/t/h.yml:3:17: 'cleanup.archive_root' must be an absolute path, not 'archive'"))
            #expect(lines.contains("/t/h.yml:4:17: 'cleanup.media_roots' entries must be absolute paths, not 'media'"))
            #expect(lines.contains("/t/h.yml:5:18: 'cleanup.paths[0].from' is not a valid regular expression"))
            #expect(lines.contains("/t/h.yml:5:44: 'cleanup.paths[1]' needs both 'from' and 'to'"))
            #expect(lines.contains("/t/h.yml:6:16: 'cleanup.check_every' must be at least 1s"))
            #expect(lines.contains { $0.hasPrefix("/t/h.yml:7:3: unknown key 'cleanup.sidecar'") }, "\(lines)")
        }
    }

    @Test func aLiveArchiveRuleNeedsAnArchiveRootAndSaysWhere() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.path + "/rules", withIntermediateDirectories: true)
        try directory.write(
            "rules/cleanup.yml",
            """
            - name: preview
              scope: movie
              if: {added: {older_than: 365d}}
              grace: 14d
              action: archive
            - name: live
              scope: movie
              if: {added: {older_than: 365d}}
              grace: 14d
              action: archive
              dry_run: false
            """)
        let file = try directory.write("herald.yml", "state_directory: \(directory.path)/state\n")
        do {
            _ = try HeraldConfiguration.load(file: file, environment: [:])
            Issue.record("a live archive rule loaded without an archive root")
        } catch {
            #expect(
                error.diagnostics.map(\.description) == [
                    "\(directory.path)/rules/cleanup.yml:6: rule 'live' archives (dry_run: false) but 'cleanup.archive_root' is not set in \(file)"
                ])
        }
        try directory.write(
            "herald.yml",
            "state_directory: \(directory.path)/state\ncleanup: {archive_root: \(directory.path)/archive}\n")
        let configuration = try HeraldConfiguration.load(file: file, environment: [:])
        #expect(configuration.cleanupRules.map(\.dryRun) == [true, false])
    }
}
