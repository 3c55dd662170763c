import Foundation
import Hummingbird

/// Extracts the JSON `payload` from a Plex webhook request.
///
/// Plex posts `multipart/form-data` (a `payload` part, and a `thumb` JPEG for poster events). The
/// body is parsed as it streams in: the payload is kept, and the poster too when it is small enough
/// to show in a notification (larger ones are only counted against the request limit). Test tools may instead send the JSON directly or as `payload=` form data.
enum PlexRequestReader {
    /// The largest poster kept for notifications; larger ones still stream through, unkept.
    static let maxKeptThumb = 2 << 20

    /// The `payload` JSON and, when Plex attached one of at most `maxKeptThumb` bytes, the poster.
    static func payload(
        of request: Request, maxRequestSize: Int, maxPayloadSize: Int
    ) async throws(WebhookError)
        -> (payload: Data, thumb: Data?)
    {
        let contentType = request.headers[.contentType] ?? ""
        let parameters = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let mediaType = parameters.first?.lowercased() ?? ""
        switch mediaType {
        case "multipart/form-data":
            guard let boundary = boundary(in: parameters) else {
                throw .malformed("multipart/form-data without a boundary parameter")
            }
            return try await multipartPayload(
                request, boundary: boundary, maxRequestSize: maxRequestSize, maxPayloadSize: maxPayloadSize)
        case "application/json":
            return (try await BodyReader.collect(request, limit: maxPayloadSize), nil)
        case "application/x-www-form-urlencoded":
            let body = try await BodyReader.collect(request, limit: maxPayloadSize)
            var components = URLComponents()
            components.percentEncodedQuery = String(decoding: body, as: UTF8.self).replacingOccurrences(
                of: "+", with: "%20")
            guard let payload = components.queryItems?.first(where: { $0.name == "payload" })?.value else {
                throw .malformed("form body has no 'payload' field")
            }
            return (Data(payload.utf8), nil)
        default:
            throw .unsupportedMediaType(mediaType.isEmpty ? "none" : mediaType)
        }
    }

    private static func boundary(in parameters: [String]) -> String? {
        for parameter in parameters.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            var value = String(pair[1])
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value.isEmpty || value.count > 70 ? nil : value
        }
        return nil
    }

    private static func multipartPayload(
        _ request: Request, boundary: String, maxRequestSize: Int, maxPayloadSize: Int
    ) async throws(WebhookError) -> (payload: Data, thumb: Data?) {
        try BodyReader.checkDeclaredLength(request, limit: maxRequestSize)
        var parser = MultipartParser(
            boundary: boundary, keep: "payload", keepLimit: maxPayloadSize, optional: "thumb",
            optionalLimit: maxKeptThumb)
        var total = 0
        do {
            for try await chunk in request.body {
                total += chunk.readableBytes
                guard total <= maxRequestSize else { throw WebhookError.tooLarge(limit: maxRequestSize) }
                try parser.feed(chunk.readableBytesView)
            }
            try parser.finish()
        } catch let error as WebhookError {
            throw error
        } catch MultipartParser.ParseError.malformed(let detail) {
            throw .malformed(detail)
        } catch MultipartParser.ParseError.partTooLarge(_, let limit) {
            throw .tooLarge(limit: limit)
        } catch {
            throw .malformed("the request body could not be read: \(error)")
        }
        guard let payload = parser.kept else {
            throw .malformed(
                "multipart body has no 'payload' part (parts: \(parser.partNames.joined(separator: ", ")))")
        }
        // Plex sends one; two would leave which event this is to the order of the parts.
        guard parser.partNames.filter({ $0 == "payload" }).count == 1 else {
            throw .malformed("multipart body has more than one 'payload' part")
        }
        return (Data(payload), parser.keptOptional.flatMap { $0.isEmpty ? nil : Data($0) })
    }
}
