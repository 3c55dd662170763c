import Foundation
import Hummingbird

/// Reads request bodies with a size cap, refusing early when `Content-Length` already says too much.
enum BodyReader {
    static func collect(_ request: Request, limit: Int) async throws(WebhookError) -> Data {
        try checkDeclaredLength(request, limit: limit)
        var data = Data()
        do {
            for try await chunk in request.body {
                guard data.count + chunk.readableBytes <= limit else { throw WebhookError.tooLarge(limit: limit) }
                chunk.withUnsafeReadableBytes { data.append(contentsOf: $0) }
            }
        } catch let error as WebhookError {
            throw error
        } catch {
            throw .malformed("the request body could not be read: \(error)")
        }
        return data
    }

    static func checkDeclaredLength(_ request: Request, limit: Int) throws(WebhookError) {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw .tooLarge(limit: limit)
        }
    }
}
