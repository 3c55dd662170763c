import Foundation
import HeraldWatch
import Testing

@Suite struct WatchTreeTests {
    @Test func renamingADirectoryRenamesEverythingWatchedBelowIt() {
        var tree = WatchTree()
        tree.add(1, path: "/media")
        tree.add(2, path: "/media/tv")
        tree.add(3, path: "/media/tv/Show")
        tree.add(4, path: "/media/tv/Show/Season 1")
        tree.add(5, path: "/media/tv-4k")
        tree.rename("/media/tv/Show", to: "/media/tv/Show (2019)")
        #expect(tree.path(of: 3) == "/media/tv/Show (2019)")
        #expect(tree.path(of: 4, name: "e01.mkv") == "/media/tv/Show (2019)/Season 1/e01.mkv")
        #expect(tree.descriptor(of: "/media/tv/Show/Season 1") == nil)
        #expect(tree.path(of: 5) == "/media/tv-4k", "a sibling sharing a prefix is untouched")
        #expect(Set(tree.descriptors(under: "/media/tv")) == [2, 3, 4])
        #expect(tree.remove(4) == "/media/tv/Show (2019)/Season 1")
        #expect(tree.count == 4)
    }

    @Test func knownFilesFollowTheirDirectory() {
        var tree = WatchTree()
        tree.add(1, path: "/media")
        tree.add(2, path: "/media/tv/Show")
        tree.insertFiles(["e01.mkv", "e02.mkv"], in: "/media/tv/Show")
        tree.insertFile("/media/tv/Show/e03.mkv")
        tree.insertFile("/media/tv-4k/other.mkv")
        #expect(tree.containsFile("/media/tv/Show/e02.mkv"))
        #expect(!tree.containsFile("/media/tv/Show/e0"), "a prefix of a name is not the name")
        #expect(!tree.containsFile("/media/tv/Show/e02.mkv/e01.mkv"))
        tree.rename("/media/tv/Show", to: "/media/Show")
        #expect(tree.path(of: 2, name: "e01.mkv") == "/media/Show/e01.mkv")
        #expect(
            tree.files(under: "/media") == [
                "/media/Show/e01.mkv", "/media/Show/e02.mkv", "/media/Show/e03.mkv", "/media/tv-4k/other.mkv",
            ])
        let removed = tree.removeFile("/media/Show/e02.mkv")
        let removedTwice = tree.removeFile("/media/Show/e02.mkv")
        #expect(removed)
        #expect(!removedTwice, "already forgotten")
        #expect(tree.fileNames(in: "/media/Show") == ["e01.mkv", "e03.mkv"])
        #expect(Set(tree.subdirectories(of: "/media")) == ["/media/Show", "/media/tv", "/media/tv-4k"])
        tree.removeTree("/media/Show")
        #expect(tree.path(of: 2) == nil, "its descriptor went with it")
        #expect(tree.files(under: "/media") == ["/media/tv-4k/other.mkv"])
        #expect(tree.count == 1)
    }

    @Test func aLargeDirectoryKeepsEveryName() {
        var tree = WatchTree()
        tree.add(1, path: "/")
        let names = (0..<500).map { "track \($0).flac" }
        for name in names.prefix(10) { tree.insertFile("/music/" + name) }
        tree.insertFiles(Array(names.dropFirst(10)), in: "/music")
        #expect(names.allSatisfy { tree.containsFile("/music/" + $0) })
        #expect(tree.fileNames(in: "/music").count == 500)
        let removed = tree.removeFile("/music/track 7.flac")
        #expect(removed)
        #expect(!tree.containsFile("/music/track 7.flac"))
        #expect(tree.containsFile("/music/track 70.flac"))
        #expect(tree.path(of: 1, name: "music") == "/music")
    }

    @Test func namesSurviveGrowthMovesAndCompaction() {
        // Enough churn that the name buffer moves slices and compacts several times.
        var tree = WatchTree()
        tree.add(1, path: "/media")
        var model: [String: Set<String>] = [:]
        for round in 0..<6 {
            for show in 0..<400 {
                let directory = "/media/Show \(show)/Season \(round % 3)"
                let name = "Show \(show) - S0\(round % 3)E\(round)\(show % 7) - a title long enough to matter.mkv"
                tree.insertFile(directory + "/" + name)
                model[directory, default: []].insert(name)
                if show % 3 == 0, let victim = model[directory]?.sorted().first {
                    let removed = tree.removeFile(directory + "/" + victim)
                    #expect(removed)
                    model[directory]?.remove(victim)
                }
            }
            for show in stride(from: 0, to: 400, by: 5) { tree.removeTree("/media/Show \(show)") }
            model = model.filter { key, _ in !(0..<400).contains { $0 % 5 == 0 && key.hasPrefix("/media/Show \($0)/") }
            }
        }
        for (directory, names) in model {
            #expect(Set(tree.fileNames(in: directory)) == names, "\(directory)")
        }
        #expect(!tree.containsFile("/media/Show 5/Season 0/Show 5 - S00E05 - a title long enough to matter.mkv"))
    }
}

@Suite struct SettleTrackerTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    @Test func aGrowingFileIsReportedOnceWhenItStops() {
        var tracker = SettleTracker(settle: .seconds(5))
        for second in stride(from: 0.0, through: 12, by: 1) {
            tracker.observed("/m/a.mkv", .created, size: Int64(second) * 100, now: at(second))
            #expect(tracker.due(now: at(second), sizeOf: { _ in Int64(second) * 100 }).isEmpty)
        }
        #expect(tracker.due(now: at(16.9), sizeOf: { _ in 1200 }).isEmpty)
        let ready = tracker.due(now: at(17), sizeOf: { _ in 1200 })
        #expect(ready.map(\.path) == ["/m/a.mkv"])
        #expect(ready.map(\.change) == [.created], "still a creation, however often it was written")
        #expect(tracker.isEmpty)
    }

    @Test func aFileGrowingWithoutEventsWaitsAnotherPeriod() {
        var tracker = SettleTracker(settle: .seconds(5))
        tracker.observed("/m/a.mkv", .created, size: 100, now: at(0))
        #expect(tracker.due(now: at(5), sizeOf: { _ in 500 }).isEmpty, "the size changed: not settled")
        #expect(tracker.nextDeadline() == at(10))
        #expect(tracker.due(now: at(10), sizeOf: { _ in 500 }).map(\.path) == ["/m/a.mkv"])
    }

    @Test func temporaryFilesAndRenamesBeforeSettling() {
        var tracker = SettleTracker(settle: .seconds(5))
        tracker.observed("/m/x.part", .created, size: 1, now: at(0))
        tracker.move("/m/x.part", to: "/m/x.mkv")
        tracker.observed("/m/tmp", .created, size: 1, now: at(0))
        #expect(tracker.forget("/m/tmp") == .created)
        #expect(tracker.due(now: at(5), sizeOf: { _ in 1 }).map(\.path) == ["/m/x.mkv"])
        tracker.observed("/m/gone.mkv", .modified, size: 1, now: at(6))
        #expect(tracker.due(now: at(11), sizeOf: { _ in nil }).isEmpty, "a file that vanished is not reported")
    }
}

@Suite struct MovePairingTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func halvesPairByCookieAndLoneHalvesCrossTheEdge() {
        var pairing = MovePairing(window: .milliseconds(500))
        pairing.movedFrom(cookie: 7, path: "/m/a", isDirectory: false, now: t0)
        #expect(
            pairing.movedTo(cookie: 7, path: "/m/b", isDirectory: false)
                == .moved(from: "/m/a", to: "/m/b", isDirectory: false))
        #expect(
            pairing.movedTo(cookie: 8, path: "/m/c", isDirectory: true) == .arrived(path: "/m/c", isDirectory: true))
        pairing.movedFrom(cookie: 9, path: "/m/d", isDirectory: false, now: t0)
        #expect(pairing.expired(now: t0.addingTimeInterval(0.4)).isEmpty)
        #expect(pairing.nextDeadline == t0.addingTimeInterval(0.5))
        #expect(pairing.expired(now: t0.addingTimeInterval(0.5)).map(\.path) == ["/m/d"])
    }
}

@Suite struct TreeDiffTests {
    @Test func createsModificationsMovesAndDeletes() {
        let before: [String: FileState] = [
            "/m/a.mkv": FileState(size: 1, modified: 10, inode: 1),
            "/m/b.mkv": FileState(size: 2, modified: 10, inode: 2),
            "/m/c.mkv": FileState(size: 3, modified: 10, inode: 3),
        ]
        let after: [String: FileState] = [
            "/m/a.mkv": FileState(size: 5, modified: 11, inode: 1),
            "/m/renamed.mkv": FileState(size: 2, modified: 10, inode: 2),
            "/m/new.mkv": FileState(size: 1, modified: 12, inode: 9),
        ]
        let diff = TreeDiff.between(before, after)
        #expect(diff.modified == ["/m/a.mkv"])
        #expect(diff.moved.map(\.from) == ["/m/b.mkv"])
        #expect(diff.moved.map(\.to) == ["/m/renamed.mkv"])
        #expect(diff.created == ["/m/new.mkv"])
        #expect(diff.deleted == ["/m/c.mkv"])
        #expect(TreeDiff.between(after, after) == TreeDiff())
    }
}
