import HeraldCore
import Testing

@Suite struct PathMatchingTests {
    @Test func repeatedSeparatorsCollapseButANetworkShareKeepsItsPrefix() {
        #expect(PathMatching.normalised("/tv//Show///Season 1//") == "/tv/Show/Season 1")
        #expect(PathMatching.normalised("//nas/share//tv") == "//nas/share/tv")
        #expect(PathMatching.normalised("\\\\nas\\share\\\\tv") == "//nas/share/tv")
        #expect(PathMatching.normalised("/tv/Show") == "/tv/Show")
        #expect(PathMatching.normalised("/") == "/")
    }

    @Test(
        arguments: [
            ("/tv/Show/e01.MKV", "mkv"), ("/tv/Show/.hidden", nil), ("/tv/Show/name.", nil),
            ("/tv/Mr. Robot", " robot"),
            ("/tv/Some.Show/e01", nil), ("C:\\tv\\e01.mp4", "mp4"), ("/tv/e01.mkv/", "mkv"), ("e.tar.gz", "gz"),
            ("", nil),
        ] as [(String, String?)])
    func fileExtensions(path: String, expected: String?) {
        #expect(PathMatching.fileExtension(path) == expected)
    }

    @Test func parents() {
        #expect(LibraryPath.parent(of: "/tv/Show/e.mkv") == "/tv/Show")
        #expect(LibraryPath.parent(of: "/e.mkv") == "/")
        #expect(LibraryPath.parent(of: "C:\\tv\\e.mkv") == "C:\\tv")
        #expect(LibraryPath.parent(of: "name") == "name")
        #expect(LibraryPath.parent(of: "/tv/Amélie/é.mkv") == "/tv/Amélie")
    }

    @Test func joins() {
        #expect(LibraryPath.join("/tv/Show/", "Season 1/e.mkv") == "/tv/Show/Season 1/e.mkv")
        #expect(LibraryPath.join("C:\\testpath", "Season 1\\e.mkv") == "C:\\testpath\\Season 1\\e.mkv")
        #expect(LibraryPath.join("/tv/Show", "") == "/tv/Show")
    }

    @Test func underAndNormalised() {
        #expect(PathMatching.isUnder("/tv/Show", "/tv/"))
        #expect(!PathMatching.isUnder("/tv-4k/Show", "/tv"))
        #expect(PathMatching.isUnder("/anything", "/"))
        #expect(PathMatching.isUnder("D:\\Media\\TV\\Show", "D:/Media/TV"))
        #expect(PathMatching.normalised("/tv//") == "/tv")
        #expect(PathMatching.normalised("/") == "/")
    }
}
