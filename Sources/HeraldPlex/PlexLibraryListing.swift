import Foundation
import HeraldCore

/// Decodes a page of `GET /library/sections/{key}/all?type=1|4` into inventory items.
///
/// Plex's capitalised keys (`Metadata`, `Media`, `Part`, `Guid`, `Label`, `Collection`) are kept
/// in the wire structs. An item without a GUID cannot be tracked across rescans and is skipped
/// (and counted), never given a made-up identity.
public enum PlexLibraryListing {
    public struct Page: Sendable {
        public var items: [InventoryItem]
        /// `totalSize` of the container (every item of the section), when Plex says it.
        public var total: Int?
        /// Items on the page without a GUID.
        public var skipped: Int
    }

    public static func decode(_ data: Data, server: String, section: String) throws -> Page {
        let container = try JSONDecoder().decode(Wire.Response.self, from: data).MediaContainer
        var skipped = 0
        let items = (container.Metadata ?? []).compactMap { item -> InventoryItem? in
            guard let guid = item.guid, !guid.isEmpty, let kind = InventoryItem.Kind(rawValue: item.type ?? "") else {
                skipped += 1
                return nil
            }
            return InventoryItem(
                guid: guid, kind: kind, server: server, section: section, ratingKey: item.ratingKey ?? "",
                title: item.title ?? "", year: item.year ?? item.parentYear,
                externalIDs: (item.Guid ?? []).map(\.id), show: item.grandparentTitle, showGUID: item.grandparentGuid,
                season: kind == .episode ? item.parentIndex : nil, seasonGUID: item.parentGuid,
                episode: kind == .episode ? item.index : nil,
                addedAt: item.addedAt.map { Date(timeIntervalSince1970: $0) },
                updatedAt: item.updatedAt.map { Date(timeIntervalSince1970: $0) },
                labels: (item.Label ?? []).map(\.tag), collections: (item.Collection ?? []).map(\.tag),
                media: (item.Media ?? []).map { media in
                    let streams = (media.Part ?? []).flatMap { $0.Stream ?? [] }
                    let video = streams.first { $0.streamType == 1 }
                    var hdr: Bool?
                    if let video {
                        hdr =
                            video.DOVIPresent == true || ["smpte2084", "arib-std-b67"].contains(video.colorTrc ?? "")
                    }
                    return MediaVersion(
                        container: media.container, videoCodec: media.videoCodec, resolution: media.videoResolution,
                        bitrate: media.bitrate, width: media.width, height: media.height, hdr: hdr,
                        audioCodec: media.audioCodec, audioChannels: media.audioChannels,
                        parts: (media.Part ?? []).compactMap { part in
                            part.file.map { MediaPart(file: $0, size: part.size) }
                        })
                })
        }
        return Page(items: items, total: container.totalSize, skipped: skipped)
    }

    // swift-format-ignore: AlwaysUseLowerCamelCase
    enum Wire {
        struct Response: Decodable { var MediaContainer: Container }
        struct Container: Decodable {
            var totalSize: Int?
            var Metadata: [Item]?
        }
        struct Tag: Decodable { var tag: String }
        struct GuidTag: Decodable { var id: String }
        struct Item: Decodable {
            var guid: String?
            var ratingKey: String?
            var type: String?
            var title: String?
            var year: Int?
            var parentYear: Int?
            var grandparentTitle: String?
            var grandparentGuid: String?
            var parentGuid: String?
            var parentIndex: Int?
            var index: Int?
            var addedAt: Double?
            var updatedAt: Double?
            var Guid: [GuidTag]?
            var Label: [Tag]?
            var Collection: [Tag]?
            var Media: [Media]?
        }
        struct Media: Decodable {
            var container: String?
            var videoCodec: String?
            var videoResolution: String?
            var bitrate: Int?
            var width: Int?
            var height: Int?
            var audioCodec: String?
            var audioChannels: Int?
            var Part: [Part]?
        }
        struct Part: Decodable {
            var file: String?
            var size: Int64?
            var Stream: [Stream]?
        }
        struct Stream: Decodable {
            var streamType: Int?
            var colorTrc: String?
            var DOVIPresent: Bool?
        }
    }
}
