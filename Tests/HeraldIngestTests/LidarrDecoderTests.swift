import Foundation
import HeraldCore
import HeraldIngest
import HeraldTestSupport
import Testing

@Suite struct LidarrDecoderTests {
    @Test func albumDownloadListsEveryTrackFile() throws {
        let event = try LidarrWebhookDecoder.decode(Fixtures.data("lidarr-download.json"))
        #expect(event.kind == "lidarr.download")
        #expect(event.paths.count == 25)
        #expect(
            event.paths.first
                == "/mnt/plex/music/Lady Gaga/The Fame (2008)/CD 01/Lady Gaga - The Fame - 01 - Bad Romance.flac")
        #expect(event.media.type == .album)
        #expect(event.media.title == "The Fame")
        #expect(event.media.show == "Lady Gaga")
        #expect(event.media.year == 2008)
    }

    @Test func secondDownloadCapture() throws {
        let event = try LidarrWebhookDecoder.decode(Fixtures.data("lidarr-download-2.json"))
        #expect(event.paths.allSatisfy { $0.hasPrefix("/media/Music/General Elektriks/Cliquety Kliqk (2003)/") })
        #expect(event.paths.count == 12)
    }

    /// An artist added to Lidarr has no files yet, and these deletions kept theirs
    /// (`deletedFiles: false`): nothing changed on disk, so the events carry no folder to scan.
    @Test(
        "artist and album events that changed nothing on disk carry no paths",
        arguments: [
            ("lidarr-artistadd.json", "lidarr.artist_add"), ("lidarr-artistdelete.json", "lidarr.artist_delete"),
            ("lidarr-albumdelete.json", "lidarr.album_delete"),
        ])
    func artistEvents(file: String, kind: String) throws {
        let event = try LidarrWebhookDecoder.decode(Fixtures.data(file))
        #expect(event.kind == kind)
        #expect(event.paths == [])
        #expect(event.media.show == "REDD" || event.media.title != nil)
        #expect(event.ignoredReason == nil)
    }

    @Test func aDeletionThatRemovedTheFilesPointsAtTheFolder() throws {
        let text = String(decoding: try Fixtures.data("lidarr-artistdelete.json"), as: UTF8.self)
            .replacingOccurrences(of: #""deletedFiles": false"#, with: #""deletedFiles": true"#)
        let event = try LidarrWebhookDecoder.decode(Data(text.utf8))
        #expect(event.paths == ["/mnt/plex/music/REDD"])
    }
}
