import Foundation
import HeraldCore
import Testing

@Suite struct ScanPlannerTests {
    let sections = [
        PlexSection(key: "1", title: "TV", type: "show", locations: ["/data/tv"]),
        PlexSection(key: "2", title: "TV 4K", type: "show", locations: ["/data/tv-4k"]),
        PlexSection(key: "3", title: "Kids", type: "show", locations: ["/data/tv/Kids", "/data/kids"]),
        PlexSection(key: "4", title: "Films", type: "movie", locations: ["D:\\Media\\Films"]),
    ]

    func server(_ rewrites: [(String, String)] = []) throws -> PlexServerSettings {
        PlexServerSettings(
            name: "home", url: "http://127.0.0.1:32400", token: Secret("t"),
            rewrites: try rewrites.map { PathRewrite(from: try RegexPattern($0.0), to: $0.1) })
    }

    @Test func filesBecomeTheirFolderAndFoldersStayThemselves() {
        #expect(
            ScanPlanner.folder(for: "/data/tv/Show/Season 1/e01.mkv", kind: "sonarr.download")
                == "/data/tv/Show/Season 1")
        #expect(ScanPlanner.folder(for: "/data/tv/Mr. Robot", kind: "sonarr.series_add") == "/data/tv/Mr. Robot")
        #expect(ScanPlanner.folder(for: "/data/tv/Mr. Robot/", kind: "fs.created") == "/data/tv/Mr. Robot")
        #expect(ScanPlanner.folder(for: "/data/music/A/01 - Song.FLAC", kind: "lidarr.download") == "/data/music/A")
    }

    /// A deleted file's folder is scanned; a deleted show's or film's own folder is scanned (Plex
    /// notices it is gone), not the library root that held it, which would rescan the library.
    @Test func deletionsScanTheDeletedItemsOwnFolder() throws {
        #expect(ScanPlanner.folder(for: "/data/tv/Gone Show", kind: "sonarr.series_delete") == "/data/tv/Gone Show")
        #expect(
            ScanPlanner.folder(for: "/data/tv/Show/Season 2/e.mkv", kind: "sonarr.episode_file_delete")
                == "/data/tv/Show/Season 2")
        #expect(
            ScanPlanner.folder(for: "/data/movies/Old (1999)", kind: "radarr.movie_delete") == "/data/movies/Old (1999)"
        )
        // The autoscan form of rewrite applies to the deleted show's folder, and to a library root.
        let server = try server([("^/TV/(.*)$", "/mnt/unionfs/Media/TV/$1")])
        let deleted = Event(source: .sonarr, kind: "sonarr.series_delete", paths: ["/TV/Westworld"])
        #expect(ScanPlanner.folders(for: deleted, server: server) == ["/mnt/unionfs/Media/TV/Westworld"])
        let root = Event(source: .fs, kind: "fs.created", paths: ["/TV"])
        #expect(ScanPlanner.folders(for: root, server: server) == ["/mnt/unionfs/Media/TV"])
        let doubled = Event(source: .sonarr, kind: "sonarr.download", paths: ["/TV//Show//Season 1/e.mkv"])
        #expect(ScanPlanner.folders(for: doubled, server: server) == ["/mnt/unionfs/Media/TV/Show/Season 1"])
    }

    @Test func sectionsMatchComponentWise() {
        #expect(ScanPlanner.sections(for: "/data/tv/Show", in: sections).map(\.key) == ["1"])
        #expect(ScanPlanner.sections(for: "/data/tv-4k/Show", in: sections).map(\.key) == ["2"], "/tv is not /tv-4k")
        #expect(
            ScanPlanner.sections(for: "/data/tv", in: sections).map(\.key) == ["1"], "a section root matches itself")
        #expect(
            ScanPlanner.sections(for: "/data/tv/Kids/Bluey", in: sections).map(\.key) == ["1", "3"], "every section")
        #expect(ScanPlanner.sections(for: "/data", in: sections).isEmpty, "a parent of a library is not scanned")
        #expect(ScanPlanner.sections(for: "D:\\Media\\Films\\Heat (1995)", in: sections).map(\.key) == ["4"])
        #expect(ScanPlanner.sections(for: "/data/tv/Amélie – 日本", in: sections).map(\.key) == ["1"])
    }

    @Test func rewritesFirstMatchWinsWithCaptureGroups() throws {
        let server = try server([("^/mnt/media/(tv|movies)/(.*)$", "/data/$1/$2"), ("^/mnt/media/", "/other/")])
        let event = Event(source: .sonarr, kind: "sonarr.download", paths: ["/mnt/media/tv/Show/Season 1/e.mkv"])
        #expect(ScanPlanner.folders(for: event, server: server) == ["/data/tv/Show/Season 1"])
        let other = Event(source: .sonarr, kind: "sonarr.download", paths: ["/mnt/media/anime/A/e.mkv"])
        #expect(ScanPlanner.folders(for: other, server: server) == ["/other/anime/A"])
        let untouched = Event(source: .sonarr, kind: "sonarr.download", paths: ["/elsewhere/A/e.mkv"])
        #expect(ScanPlanner.folders(for: untouched, server: server) == ["/elsewhere/A"])
    }

    @Test func rewriteSlashPitfalls() throws {
        // Without the trailing slash in the pattern, /mnt/media2 would be rewritten too.
        let server = try server([("^/mnt/media/", "/data/")])
        let inside = Event(source: .fs, kind: "fs.created", paths: ["/mnt/media/tv/x.mkv"])
        let sibling = Event(source: .fs, kind: "fs.created", paths: ["/mnt/media2/tv/x.mkv"])
        let root = Event(source: .fs, kind: "fs.created", paths: ["/mnt/media"])
        #expect(ScanPlanner.folders(for: inside, server: server) == ["/data/tv"])
        #expect(ScanPlanner.folders(for: sibling, server: server) == ["/mnt/media2/tv"])
        #expect(
            ScanPlanner.folders(for: root, server: server) == ["/data"],
            "the root itself is tried with a trailing slash")
        let doubled = try self.server([("^/mnt/media/?", "/data/")])
        #expect(ScanPlanner.folders(for: inside, server: doubled) == ["/data/tv"])
        #expect(
            ScanPlanner.folders(for: root, server: doubled) == ["/data"], "trailing slashes are trimmed after rewriting"
        )
    }

    @Test func aSeasonImportIsOneFolderAndRenamesScanOldAndNew() throws {
        let files = (1...24).map { "/data/tv/Show/Season 01/Show - S01E\(String(format: "%02d", $0)).mkv" }
        let event = Event(source: .sonarr, kind: "sonarr.download", paths: files)
        #expect(ScanPlanner.folders(for: event, server: try server()) == ["/data/tv/Show/Season 01"])
        let rename = Event(
            source: .sonarr, kind: "sonarr.rename", paths: ["/data/tv/New/Season 1/e.mkv"],
            previousPaths: ["/data/tv/Old/Season 1/e.mkv"])
        #expect(
            ScanPlanner.folders(for: rename, server: try server()) == [
                "/data/tv/New/Season 1", "/data/tv/Old/Season 1",
            ])
    }
}
