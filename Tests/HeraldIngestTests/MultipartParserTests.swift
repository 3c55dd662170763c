import Foundation
import HeraldIngest
import HeraldTestSupport
import Testing

@Suite struct MultipartParserTests {
    static let boundary = "------------------------G7Eg6j8dMUI03PAbXJmOc2"

    static func body(payload: String, thumb: [UInt8]) -> [UInt8] {
        var bytes = Array(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"payload\"\r\nContent-Type: application/json\r\n\r\n\(payload)\r\n"
                .utf8)
        bytes += Array(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"thumb\"; filename=\"thumb.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
                .utf8)
        bytes += thumb
        bytes += Array("\r\n--\(boundary)--\r\n".utf8)
        return bytes
    }

    @Test func theWireExampleYieldsItsPayload() throws {
        let wire = try Fixtures.data("plex-webhook-multipart-wire-constructed.txt")
        let text = String(decoding: wire, as: UTF8.self)
        let body = Array(text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n").utf8)
        var parser = MultipartParser(boundary: Self.boundary, keep: "payload", keepLimit: 1 << 20)
        try parser.feed(body)
        try parser.finish()
        let payload = try #require(parser.kept)
        #expect(String(decoding: payload, as: UTF8.self).hasPrefix(#"{"event":"media.play""#))
        #expect(parser.partNames == ["payload", "thumb"])
    }

    @Test func everyChunkSplitGivesTheSamePayload() throws {
        // A thumb that contains a near-boundary ("\r\n--" followed by other text) must not end the part.
        let thumb = Array("\u{FF}\u{D8}\r\n--not-the-boundary\r\n--\(Self.boundary.dropLast())X".utf8)
        let payload = #"{"event":"library.new"}"#
        let body = Self.body(payload: payload, thumb: thumb)
        for split in stride(from: 1, to: body.count, by: 1) {
            var parser = MultipartParser(boundary: Self.boundary, keep: "payload", keepLimit: 1024)
            try parser.feed(body[..<split])
            try parser.feed(body[split...])
            try parser.finish()
            #expect(parser.kept.map { String(decoding: $0, as: UTF8.self) } == payload, "split at \(split)")
        }
    }

    @Test func byteByByteFeeding() throws {
        let body = Self.body(payload: #"{"event":"media.play"}"#, thumb: Array(repeating: 0xAB, count: 5000))
        var parser = MultipartParser(boundary: Self.boundary, keep: "payload", keepLimit: 1024)
        for byte in body { try parser.feed([byte]) }
        try parser.finish()
        #expect(parser.kept?.count == 22)
    }

    @Test func truncatedBodyIsRefused() throws {
        let body = Self.body(payload: "{}", thumb: [1, 2, 3])
        var parser = MultipartParser(boundary: Self.boundary, keep: "payload", keepLimit: 1024)
        try parser.feed(body.dropLast(10))
        #expect(throws: MultipartParser.ParseError.malformed("multipart body is truncated")) { try parser.finish() }
    }

    @Test func wrongBoundaryFindsNoParts() throws {
        var parser = MultipartParser(boundary: "other", keep: "payload", keepLimit: 1024)
        try parser.feed(Self.body(payload: "{}", thumb: []))
        #expect(throws: MultipartParser.ParseError.malformed("no multipart parts found (wrong boundary?)")) {
            try parser.finish()
        }
    }

    @Test func oversizePayloadPartIsRefused() throws {
        var parser = MultipartParser(boundary: Self.boundary, keep: "payload", keepLimit: 10)
        #expect(throws: MultipartParser.ParseError.partTooLarge(name: "payload", limit: 10)) {
            try parser.feed(Self.body(payload: String(repeating: "x", count: 100), thumb: []))
        }
    }

    @Test func partWithoutNameIsMalformed() throws {
        var parser = MultipartParser(boundary: "b", keep: "payload", keepLimit: 10)
        #expect(throws: MultipartParser.ParseError.malformed("multipart part without a Content-Disposition name")) {
            try parser.feed(Array("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--".utf8))
        }
    }
}
