import Foundation
import HeraldTestSupport
import Testing

@testable import HeraldApp

/// Moves never replace a file that is already at the target, even one that appeared after the
/// target was checked.
@Suite struct FileMoverTests {
    @Test func aRenameNeverReplacesAFileAtTheTarget() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = try directory.write("film.mkv", "the original")
        let target = try directory.write("archive.mkv", "someone else's file")
        #expect(FileMover.renameNoReplace(source, target) == EEXIST)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "someone else's file")
        #expect(try String(contentsOfFile: source, encoding: .utf8) == "the original")

        let free = directory.path + "/moved.mkv"
        #expect(FileMover.renameNoReplace(source, free) == 0)
        #expect(!FileManager.default.fileExists(atPath: source))
        #expect(try String(contentsOfFile: free, encoding: .utf8) == "the original")
    }

    @Test func aMoveIntoAnOccupiedPlaceFailsAndKeepsBothFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for folder in ["a", "b"] {
            try FileManager.default.createDirectory(
                atPath: directory.path + "/" + folder, withIntermediateDirectories: true)
        }
        let source = try directory.write("a/film.mkv", "the original")
        let target = try directory.write("b/film.mkv", "already here")
        #expect(throws: (any Error).self) { try FileMover.move(from: source, to: target) }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "already here")
        #expect(FileManager.default.fileExists(atPath: source))
    }
}
