import Foundation
import HeraldCore
import HeraldTestSupport
import HeraldWatch
import Logging
import Synchronization
import Testing

/// Real inotify on temporary directories.
@Suite(.serialized) struct FileWatcherTests {
    /// Runs a watcher on a fresh root, performs `actions`, and returns the events journalled once
    /// `until` holds (or after the timeout).
    static func watch(
        settle: Duration = .milliseconds(300), readPause: Duration = .zero, poll: Bool = false, watchLimit: Int? = nil,
        prepare: @Sendable (_ root: String) throws -> Void = { _ in },
        started: @Sendable (FileWatcher) -> Void = { _ in },
        _ actions: @Sendable (_ root: String, _ outside: String, _ journal: RecordingJournal) async throws -> Void,
        until: @Sendable ([Event]) -> Bool
    ) async throws -> [Event] {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = directory.path + "/media"
        let elsewhere = directory.path + "/elsewhere"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try prepare(root)
        let journal = RecordingJournal()
        let settings =
            poll
            ? WatchSettings(
                roots: [], settle: settle, pollRoots: [WatchSettings.PollRoot(path: root, interval: .milliseconds(200))]
            )
            : WatchSettings(roots: [root], settle: settle, fallbackInterval: .milliseconds(200))
        let watcher = FileWatcher(
            settings: settings, journal: journal, logger: Logger(label: "watch-test"), readPause: readPause,
            watchLimit: watchLimit)
        let ready = AsyncStream<Void>.makeStream()
        let task = Task { try await watcher.run(ready: { ready.continuation.yield() }) }
        var iterator = ready.stream.makeAsyncIterator()
        _ = await iterator.next()
        started(watcher)
        try await actions(root, elsewhere, journal)
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, !until(journal.events) { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .milliseconds(400))  // anything extra would show up now
        task.cancel()
        _ = await task.result
        return journal.events.map { event in
            var relative = event
            relative.paths = event.paths.map { $0.replacingOccurrences(of: root, with: "") }
            relative.previousPaths = event.previousPaths.map { $0.replacingOccurrences(of: root, with: "") }
            return relative
        }
    }

    static func write(_ path: String, _ text: String = "x") throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    @Test func filesInDirectoriesCreatedAtOnceAreEachReportedOnce() async throws {
        let events = try await Self.watch(
            { root, _, _ in
                try FileManager.default.createDirectory(atPath: root + "/a/b/c", withIntermediateDirectories: true)
                for name in ["1.mkv", "2.mkv", "3.srt"] { try Self.write(root + "/a/b/c/" + name) }
            }, until: { $0.count >= 3 })
        #expect(events.map(\.kind) == ["fs.created", "fs.created", "fs.created"])
        #expect(Set(events.flatMap(\.paths)) == ["/a/b/c/1.mkv", "/a/b/c/2.mkv", "/a/b/c/3.srt"])
    }

    @Test func aSlowlyWrittenFileIsReportedOnceWhenItStopsGrowing() async throws {
        let started = ContinuousClock.now
        let finished = Mutex<ContinuousClock.Instant?>(nil)
        // A settle time well above the 150 ms between writes, so a loaded machine cannot stretch a
        // pause between writes into a quiet period.
        let events = try await Self.watch(
            settle: .milliseconds(700),
            { root, _, _ in
                let handle = try FileHandle(
                    forWritingTo: URL(
                        fileURLWithPath: {
                            try? Self.write(root + "/slow.mkv", ""); return root + "/slow.mkv"
                        }()))
                for _ in 0..<6 {
                    handle.write(Data(repeating: 1, count: 4096))
                    try await Task.sleep(for: .milliseconds(150))
                }
                try handle.close()
                finished.withLock { $0 = ContinuousClock.now }
            }, until: { !$0.isEmpty })
        #expect(events.map(\.kind) == ["fs.created"])
        #expect(events.first?.paths == ["/slow.mkv"])
        #expect(ContinuousClock.now - started > .milliseconds(900))
    }

    @Test func movesWithinIntoAndOutOfTheRoot() async throws {
        let events = try await Self.watch(
            { root, outside, journal in
                try Self.write(root + "/old.mkv")
                try await journal.waitFor(count: 1)  // settled: now a known file
                try FileManager.default.moveItem(atPath: root + "/old.mkv", toPath: root + "/new.mkv")
                try Self.write(outside + "/incoming.mkv")
                try FileManager.default.moveItem(atPath: outside + "/incoming.mkv", toPath: root + "/incoming.mkv")
                try await journal.waitFor(count: 3)
                try FileManager.default.moveItem(atPath: root + "/new.mkv", toPath: outside + "/left.mkv")
            }, until: { $0.count >= 4 })
        #expect(events.map(\.kind) == ["fs.created", "fs.moved", "fs.created", "fs.deleted"])
        #expect(events[1].paths == ["/new.mkv"])
        #expect(events[1].previousPaths == ["/old.mkv"])
        #expect(events[2].paths == ["/incoming.mkv"])
        #expect(events[3].paths == ["/new.mkv"])
    }

    @Test func aRenamedDirectoryKeepsReportingUnderItsNewName() async throws {
        let events = try await Self.watch(
            { root, _, journal in
                try FileManager.default.createDirectory(
                    atPath: root + "/Show/Season 1", withIntermediateDirectories: true)
                try Self.write(root + "/Show/Season 1/e01.mkv")
                try await journal.waitFor(count: 1)
                try FileManager.default.moveItem(atPath: root + "/Show", toPath: root + "/Show (2019)")
                try Self.write(root + "/Show (2019)/Season 1/e02.mkv")
            }, until: { $0.count >= 3 })
        #expect(events.map(\.kind) == ["fs.created", "fs.moved", "fs.created"])
        #expect(events[1].paths == ["/Show (2019)"])
        #expect(events[1].previousPaths == ["/Show"])
        #expect(events[2].paths == ["/Show (2019)/Season 1/e02.mkv"])
    }

    @Test func aDirectoryMovedInWithContentReportsEachFile() async throws {
        let events = try await Self.watch(
            { root, outside, _ in
                try FileManager.default.createDirectory(
                    atPath: outside + "/Film (2001)/Extras", withIntermediateDirectories: true)
                try Self.write(outside + "/Film (2001)/film.mkv")
                try Self.write(outside + "/Film (2001)/Extras/trailer.mkv")
                try FileManager.default.moveItem(atPath: outside + "/Film (2001)", toPath: root + "/Film (2001)")
            }, until: { $0.count >= 2 })
        #expect(Set(events.flatMap(\.paths)) == ["/Film (2001)/film.mkv", "/Film (2001)/Extras/trailer.mkv"])
        #expect(events.allSatisfy { $0.kind == "fs.created" })
    }

    @Test func partialFilesNeverReportButTheirFinalRenameDoes() async throws {
        let events = try await Self.watch(
            { root, outside, _ in
                try Self.write(root + "/movie.mkv.part", "partial")
                try await Task.sleep(for: .milliseconds(500))
                try FileManager.default.moveItem(atPath: root + "/movie.mkv.part", toPath: root + "/movie.mkv")
                try Self.write(outside + "/source.mkv")
                try FileManager.default.linkItem(atPath: outside + "/source.mkv", toPath: root + "/linked.mkv")
                try Self.write(root + "/.DS_Store")
            }, until: { $0.count >= 2 })
        #expect(events.map(\.kind) == ["fs.created", "fs.created"])
        #expect(Set(events.flatMap(\.paths)) == ["/movie.mkv", "/linked.mkv"], "hardlinks count; .DS_Store does not")
    }

    @Test func deletionsOfKnownFiles() async throws {
        let events = try await Self.watch(
            { root, _, journal in
                try Self.write(root + "/gone.mkv")
                try await journal.waitFor(count: 1)
                try FileManager.default.removeItem(atPath: root + "/gone.mkv")
                try Self.write(root + "/flash.tmp.mkv")
                try FileManager.default.removeItem(atPath: root + "/flash.tmp.mkv")
            }, until: { $0.count >= 2 })
        #expect(events.map(\.kind) == ["fs.created", "fs.deleted"], "a file deleted before it settled is not reported")
    }

    @Test func afterAQueueOverflowEveryFileCreatedDuringTheFloodIsReported() async throws {
        // New inotify instances take their queue size from this file; a small one forces an overflow.
        let limitFile = "/proc/sys/fs/inotify/max_queued_events"
        guard let original = try? String(contentsOfFile: limitFile, encoding: .utf8),
            (try? "64".write(toFile: limitFile, atomically: false, encoding: .utf8)) != nil
        else { return }  // not allowed to change it here: nothing to prove
        defer { try? original.write(toFile: limitFile, atomically: false, encoding: .utf8) }
        let events = try await Self.watch(readPause: .milliseconds(400)) { root, _, _ in
            try? original.write(toFile: limitFile, atomically: false, encoding: .utf8)
            for index in 0..<400 { try Self.write(root + "/flood-\(index).mkv") }
        } until: { events in
            events.filter { $0.kind == "fs.created" }.count >= 400
        }
        let created = Set(events.filter { $0.kind == "fs.created" }.flatMap(\.paths))
        #expect(created.count == 400)
        #expect(events.contains { $0.kind == "herald.watch.overflow" })
    }

    @Test func pollingFindsCreatesModificationsMovesAndDeletes() async throws {
        let events = try await Self.watch(
            poll: true,
            prepare: { root in
                try Self.write(root + "/existing.mkv", "v1")
                try Self.write(root + "/old-name.mkv", "x")
                try Self.write(root + "/doomed.mkv", "x")
            }
        ) { root, _, _ in
            try FileManager.default.createDirectory(atPath: root + "/Show/Season 1", withIntermediateDirectories: true)
            try Self.write(root + "/Show/Season 1/e01.mkv")
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: root + "/existing.mkv"))
            handle.seekToEndOfFile()
            handle.write(Data("v2 appended in place".utf8))
            try handle.close()
            try FileManager.default.moveItem(atPath: root + "/old-name.mkv", toPath: root + "/new-name.mkv")
            try FileManager.default.removeItem(atPath: root + "/doomed.mkv")
        } until: {
            $0.count >= 4
        }
        let byKind = Dictionary(grouping: events, by: \.kind).mapValues { $0.flatMap(\.paths) }
        #expect(byKind["fs.created"] == ["/Show/Season 1/e01.mkv"])
        #expect(byKind["fs.modified"] == ["/existing.mkv"])
        #expect(byKind["fs.moved"] == ["/new-name.mkv"])
        #expect(byKind["fs.deleted"] == ["/doomed.mkv"])
        #expect(events.count == 4)
    }

    @Test func runningOutOfWatchesSaysHowToFixItAndPollsTheRest() async throws {
        let reason = Mutex<String?>(nil)
        // The kernel limit is global; the watcher is told to run out after 3 watches instead.
        let events = try await Self.watch(
            watchLimit: 3,
            prepare: { root in
                for show in 0..<5 {
                    try FileManager.default.createDirectory(
                        atPath: root + "/Show \(show)/Season 1", withIntermediateDirectories: true)
                }
            },
            started: { watcher in
                reason.withLock { $0 = watcher.degradedReason }
                #expect(watcher.statistics.degradedReason != nil)
            }
        ) { root, _, _ in
            for show in 0..<5 { try Self.write(root + "/Show \(show)/Season 1/e01.mkv") }
        } until: {
            $0.count >= 5
        }
        let message = try #require(reason.withLock { $0 })
        #expect(message.contains("fs.inotify.max_user_watches is too low: it is "))
        #expect(message.contains("watching these trees needs about 11 watches"))
        #expect(message.contains("sysctl -w fs.inotify.max_user_watches="))
        #expect(events.map(\.kind) == Array(repeating: "fs.created", count: 5), "watched and polled parts both report")
        #expect(Set(events.flatMap(\.paths)).count == 5)
    }
}
