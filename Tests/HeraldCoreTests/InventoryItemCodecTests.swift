import Foundation
import HeraldCore
import Testing

/// The inventory's compact stored form: exact round trips, older JSON rows, damaged bytes.
@Suite struct InventoryItemCodecTests {
    let full = InventoryItem(
        guid: "plex://episode/5d9c0", kind: .episode, server: "home", section: "2", ratingKey: "5421",
        title: "Pilot – «Ünïcödé» 🎬", year: 2019, externalIDs: ["imdb://tt1", "tvdb://42"], show: "The Show",
        showGUID: "plex://show/1", season: 1, seasonGUID: "plex://season/1-1", episode: -3,
        addedAt: Date(timeIntervalSince1970: 1_700_000_000.25), updatedAt: Date(timeIntervalSince1970: -5),
        labels: ["keep", ""], collections: ["Favourites"],
        media: [
            MediaVersion(
                container: "mkv", videoCodec: "hevc", resolution: "4k", bitrate: 25_000, width: 3840, height: 2160,
                hdr: true, audioCodec: "eac3", audioChannels: 6,
                parts: [MediaPart(file: "/tv/The Show/S01/e1.mkv", size: 9_000_000_000), MediaPart(file: "/x")]),
            MediaVersion(hdr: false),
        ])

    func roundTrip(_ item: InventoryItem) throws -> InventoryItem {
        try InventoryItemCodec.encode(item).withUnsafeBytes { try InventoryItemCodec.decode($0) }
    }

    @Test func everyFieldSurvivesExactly() throws {
        #expect(try roundTrip(full) == full)
        let bare = InventoryItem(guid: "g", kind: .movie, server: "", section: "1", ratingKey: "", title: "")
        #expect(try roundTrip(bare) == bare)
        #expect(InventoryItemCodec.encode(full).count < (try JSONEncoder().encode(full)).count / 2)
    }

    @Test func rowsStoredAsJSONByEarlierVersionsStillDecode() throws {
        let json = try JSONEncoder().encode(full)
        #expect(try json.withUnsafeBytes { try InventoryItemCodec.decode($0) } == full)
    }

    @Test func repeatedStringsAreSharedBetweenItemsDecodedWithATable() throws {
        let table = InventoryItemCodec.StringTable()
        var second = full
        second.guid = "plex://episode/other-one"
        let items = try [full, second, full].map { item in
            try InventoryItemCodec.encode(item).withUnsafeBytes { try InventoryItemCodec.decode($0, table: table) }
        }
        #expect(items == [full, second, full])
        func address(_ text: String?) -> UnsafeRawPointer? {
            var copy = text ?? ""
            return copy.withUTF8 { UnsafeRawPointer($0.baseAddress) }
        }
        // The show GUID is held once; each item's own GUID is its own.
        #expect(address(items[0].seasonGUID) == address(items[1].seasonGUID))
        #expect(address(items[0].media[0].parts[0].file) != address(items[2].media[0].parts[0].file))
        #expect(table.count == 1, "only strings longer than 15 bytes are kept: the season GUID (17 bytes)")
    }

    @Test func damagedBytesAreAnErrorNotACrash() {
        let bytes = InventoryItemCodec.encode(full)
        for length in [0, 1, 5, bytes.count / 2, bytes.count - 1] {
            #expect(throws: InventoryItemCodec.Malformed.self) {
                try Array(bytes.prefix(length)).withUnsafeBytes { try InventoryItemCodec.decode($0) }
            }
        }
        #expect(throws: InventoryItemCodec.Malformed.self) {
            try [UInt8(9)].withUnsafeBytes { try InventoryItemCodec.decode($0) }
        }
    }
}
