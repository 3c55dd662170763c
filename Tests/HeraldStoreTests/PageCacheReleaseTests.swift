import Foundation
import HeraldCore
import HeraldTestSupport
import Testing

@testable import HeraldStore

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct PageCacheReleaseTests {
    @Test func releasesWhatTheFileGrewByExceptItsEnd() {
        var release = PageCacheRelease(initialSize: 1_000, keep: 100)
        #expect(release.range(forFileSize: 1_000) == nil, "nothing written yet")
        #expect(release.range(forFileSize: 1_100) == nil, "all of the growth is within the kept end")
        #expect(release.range(forFileSize: 1_500) == 1_000..<1_400)
        #expect(release.range(forFileSize: 1_500) == nil, "released once")
        #expect(release.range(forFileSize: 1_450) == nil, "growth within the kept end again")
        #expect(release.releasedThrough == 1_400)
        #expect(release.range(forFileSize: 1_200) == nil, "a file that shrank releases nothing")
        #expect(release.releasedThrough == 1_200, "the mark follows it back")
        #expect(release.range(forFileSize: 2_000) == 1_200..<1_900)
    }

    @Test func theFileAsTheDaemonFoundItStaysCached() {
        var release = PageCacheRelease(initialSize: 50_000, keep: 0)
        #expect(release.range(forFileSize: 50_000) == nil)
        #expect(release.range(forFileSize: 50_001) == 50_000..<50_001)
        var fresh = PageCacheRelease(initialSize: -5, keep: -5)
        #expect(fresh.keep == 0)
        #expect(fresh.range(forFileSize: 10) == 0..<10)
    }

    /// A checkpoint pass leaves the pages it appended to the journal out of the page cache, except
    /// the file's last `keepCached` bytes; the pages were in the cache right after the copy, so the
    /// measure (the kernel's own, `mincore`) would fail without the release.
    @Test func aCheckpointPassLetsTheKernelDropThePagesItAppended() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/herald.sqlite"
        let database = try AppDatabase.open(path: path, backgroundCheckpoints: true)
        let keep: Int64 = 1 << 20
        let checkpointer = try WALCheckpointer(path: path, database: database, keepCached: keep)
        let before = try fileSize(path)
        let body = Data(repeating: UInt8(ascii: "x"), count: 2_048)
        for _ in 0..<4 {
            _ = try await database.appendEvents(
                (0..<1_000).map { Event(source: .sonarr, kind: "sonarr.download", paths: ["/tv/\($0).mkv"], raw: body) }
            )
        }
        try await checkpointer.checkpoint()
        let size = try fileSize(path)
        #expect(size - before > 8 << 20, "4,000 events of 2 KiB were copied into the file")
        let released = before..<(size - keep)
        #expect(try residentShare(path, released) > 0.9, "copied pages are cached until released")

        try await checkpointer.run(restartAbove: 0)
        #expect(try fileSize(path) == size)
        #expect(try residentShare(path, released) < 0.05)
        #expect(try residentShare(path, (size - keep)..<size) > 0.9, "the file's end stays cached")
        #expect(try await database.eventCount() == 4_000, "releasing pages loses nothing")
        try checkpointer.close()
        try checkpointer.close()
        try database.close()
    }

    private func fileSize(_ path: String) throws -> Int64 {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// The share of a file's pages in `range` that are in the page cache.
    private func residentShare(_ path: String, _ range: Range<Int64>) throws -> Double {
        let page = Int64(sysconf(Int32(_SC_PAGESIZE)))
        let start = range.lowerBound / page * page
        let length = Int(range.upperBound - start)
        let file = open(path, O_RDONLY | O_CLOEXEC)
        try #require(file >= 0)
        defer { _ = close(file) }
        let mapping = mmap(nil, length, PROT_READ, MAP_SHARED, file, off_t(start))
        try #require(mapping != MAP_FAILED)
        defer { _ = munmap(mapping, length) }
        var resident = [UInt8](repeating: 0, count: (length + Int(page) - 1) / Int(page))
        try #require(mincore(mapping, length, &resident) == 0)
        return Double(resident.count { $0 & 1 != 0 }) / Double(resident.count)
    }
}
