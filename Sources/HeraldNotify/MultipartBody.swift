import Foundation

/// Builds a `multipart/form-data` body (RFC 7578) for file uploads: Discord's `payload_json` plus
/// `files[0]`, Telegram's `sendPhoto` fields plus `photo`.
struct MultipartBody {
    struct Part {
        var name: String
        var filename: String?
        var contentType: String?
        var data: Data
    }

    let boundary = "herald-" + UUID().uuidString.lowercased()
    var parts: [Part] = []

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    var data: Data {
        var body = Data()
        for part in parts {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\""
            if let filename = part.filename { head += "; filename=\"\(filename)\"" }
            head += "\r\n"
            if let type = part.contentType { head += "Content-Type: \(type)\r\n" }
            body += Data((head + "\r\n").utf8)
            body += part.data
            body += Data("\r\n".utf8)
        }
        body += Data("--\(boundary)--\r\n".utf8)
        return body
    }
}
