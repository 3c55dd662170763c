import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Stand-ins for Discord, Slack and Telegram (and any JSON webhook receiver) on 127.0.0.1.
///
/// One server answers all four, by path: `/api/webhooks/{id}/{token}` (Discord),
/// `/services/{T}/{B}/{secret}` (Slack), `/bot{token}/{method}` (Telegram) and `/json/{name}`.
/// Answers are the services' documented ones: Discord's Message object and its 429 with
/// `retry_after`, `global` and `X-RateLimit-*` headers, Slack's plain-text `ok` and error
/// strings, Telegram's `{"ok":…}` envelope with `parameters.retry_after` or `migrate_to_chat_id`.
/// Like the real services, the fake refuses what breaks their limits (embed sizes, 50 blocks,
/// 4,096 characters, unbalanced HTML), so a test passing here means the payload is valid there.
public final class FakeNotifyServer: Sendable {
    public enum Service: String, Sendable {
        case discord, slack, telegram, json
    }

    /// A scripted answer, used once, before the default (success) answers resume.
    public enum Answer: Sendable {
        case ok
        /// Success whose rate-limit headers say the bucket is now empty for `resetAfter` seconds
        /// (Discord: `X-RateLimit-Remaining: 0`, `X-RateLimit-Reset-After`).
        case okBucketEmpty(resetAfter: Double)
        case rateLimited(retryAfter: Double, global: Bool = false)
        /// Discord 404 `Unknown Webhook`, Slack 404 `no_service`, else a bare 404.
        case gone
        /// Telegram 400 `group chat was upgraded to a supergroup chat`.
        case migrate(to: Int64)
        case status(Int, body: String)
        case slow(Duration)
    }

    /// One request as received.
    public struct Recorded: Sendable {
        public var service: Service
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: Data
        public var at: Date
        /// The status the fake answered.
        public var status: Int

        /// Files uploaded with a `multipart/form-data` request, by part name.
        public var files: [String: Data] = [:]
        /// The JSON the service reads: the body, Discord's `payload_json` part, or Telegram's form fields.
        public var payload: Data

        /// The payload as a JSON object (nil when it is not one).
        public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: payload)) as? [String: Any] }
    }

    /// Splits a `multipart/form-data` body into its fields and its files.
    static func formParts(_ body: Data, contentType: String) -> (fields: [String: String], files: [String: Data])? {
        guard contentType.hasPrefix("multipart/form-data"),
            let boundary = contentType.components(separatedBy: "boundary=").last?.trimmingCharacters(in: ["\""])
        else { return nil }
        var fields: [String: String] = [:]
        var files: [String: Data] = [:]
        let delimiter = Data("--\(boundary)".utf8)
        var rest = body[...]
        while let start = rest.range(of: delimiter) {
            rest = rest[start.upperBound...]
            if rest.starts(with: Data("--".utf8)) { break }
            guard let headEnd = rest.range(of: Data("\r\n\r\n".utf8)),
                let next = rest.range(of: Data("\r\n".utf8) + delimiter, in: headEnd.upperBound..<rest.endIndex)
            else { return nil }
            let head = String(decoding: rest[rest.startIndex..<headEnd.lowerBound], as: UTF8.self)
            let content = Data(rest[headEnd.upperBound..<next.lowerBound])
            guard
                let name = head.components(separatedBy: "name=\"").dropFirst().first?.components(separatedBy: "\"")
                    .first
            else { return nil }
            if head.contains("filename=") {
                files[name] = content
            } else {
                fields[name] = String(decoding: content, as: UTF8.self)
            }
            rest = rest[next.lowerBound...].dropFirst(2)
        }
        return (fields, files)
    }

    private struct State {
        var scripts: [Service: [Answer]] = [:]
        var requests: [Recorded] = []
        var messageID = 1000
    }

    private let state = Mutex(State())
    private let server = LoopbackServer(label: "fake-notify")

    public init() {}

    public var port: Int { server.port }
    public var url: String { "http://127.0.0.1:\(port)" }
    public var requests: [Recorded] { state.withLock { $0.requests } }
    /// Requests the fake accepted (2xx), per service.
    public func delivered(_ service: Service) -> [Recorded] {
        requests.filter { $0.service == service && (200..<300).contains($0.status) }
    }

    /// Queues answers for the next requests to a service.
    public func script(_ service: Service, _ answers: [Answer]) {
        state.withLock { $0.scripts[service, default: []] += answers }
    }

    public func start() async throws { try await server.start(router()) }

    /// Stops listening: connections are refused until `start()` again, on the same port.
    public func stop() async { await server.stop() }

    private func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.post("/api/webhooks/:id/:token") { request, _ in try await self.handle(.discord, request) }
        router.post("/services/:team/:bot/:secret") { request, _ in try await self.handle(.slack, request) }
        router.post("/:bot/:method") { request, _ in try await self.handle(.telegram, request) }
        for method in [HTTPRequest.Method.post, .put, .patch] {
            router.on("/json/:name", method: method) { request, _ in try await self.handle(.json, request) }
        }
        return router
    }

    private func handle(_ service: Service, _ request: Request) async throws -> Response {
        var request = request
        let body = Data(try await request.collectBody(upTo: 16 << 20).readableBytesView)
        var payload = body
        var files: [String: Data] = [:]
        if let form = Self.formParts(body, contentType: request.headers[.contentType] ?? "") {
            files = form.files
            if service == .discord {
                payload = Data((form.fields["payload_json"] ?? "").utf8)
            } else {
                var object: [String: Any] = form.fields
                if let chat = form.fields["chat_id"], let id = Int64(chat) { object["chat_id"] = id }
                payload = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
            }
        }
        let answer = state.withLock { state -> Answer in
            guard var queue = state.scripts[service], !queue.isEmpty else { return .ok }
            let first = queue.removeFirst()
            state.scripts[service] = queue
            return first
        }
        var response: Response
        switch answer {
        case .slow(let delay):
            try await Task.sleep(for: delay)
            response = success(service, body: payload)
        case .ok:
            response = invalid(service, body: payload, files: files) ?? success(service, body: payload)
        case .okBucketEmpty(let resetAfter):
            response = invalid(service, body: payload, files: files) ?? success(service, body: payload)
            response.headers[HTTPField.Name("X-RateLimit-Limit")!] = "5"
            response.headers[HTTPField.Name("X-RateLimit-Remaining")!] = "0"
            response.headers[HTTPField.Name("X-RateLimit-Reset-After")!] = String(resetAfter)
        default:
            response = failure(service, answer)
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let recorded = Recorded(
            service: service, method: request.method.rawValue,
            path: request.uri.path + (request.uri.query.map { "?" + $0 } ?? ""), headers: headers, body: body,
            at: Date(), status: response.status.code, files: files, payload: payload)
        state.withLock { $0.requests.append(recorded) }
        if service == .slack || service == .json { response.headers[.contentType] = "text/plain; charset=utf-8" }
        return response
    }

    private func success(_ service: Service, body: Data) -> Response {
        let id = state.withLock { state -> Int in
            state.messageID += 1
            return state.messageID
        }
        let request = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        switch service {
        case .discord:
            return Self.json(
                200,
                [
                    "id": "\(1_170_000_000_000_000_000 + id)", "type": 0, "content": "",
                    "channel_id": "1170000000000000001",
                    "embeds": request["embeds"] ?? [], "webhook_id": "1170000000000000002",
                    "author": ["bot": true, "id": "1170000000000000002", "username": "Herald"],
                ])
        case .slack:
            return Self.text(200, "ok")
        case .telegram:
            return Self.json(
                200,
                [
                    "ok": true,
                    "result": [
                        "message_id": id, "date": Int(Date().timeIntervalSince1970),
                        "chat": ["id": request["chat_id"] ?? 0, "type": "supergroup"],
                    ],
                ])
        case .json:
            return Self.text(200, "")
        }
    }

    private func failure(_ service: Service, _ answer: Answer) -> Response {
        switch (service, answer) {
        case (.discord, .rateLimited(let wait, let global)):
            var response = Self.json(
                429, ["message": "You are being rate limited.", "retry_after": wait, "global": global])
            response.headers[HTTPField.Name("Retry-After")!] = String(Int(wait.rounded(.up)))
            response.headers[HTTPField.Name("X-RateLimit-Limit")!] = "5"
            response.headers[HTTPField.Name("X-RateLimit-Remaining")!] = "0"
            response.headers[HTTPField.Name("X-RateLimit-Reset-After")!] = String(wait)
            response.headers[HTTPField.Name("X-RateLimit-Bucket")!] = "a06de2f4ee8bb2fd4b5b8b4cfbd1c1a8"
            response.headers[HTTPField.Name("X-RateLimit-Scope")!] = global ? "global" : "user"
            if global { response.headers[HTTPField.Name("X-RateLimit-Global")!] = "true" }
            return response
        case (.telegram, .rateLimited(let wait, _)):
            let seconds = Int(wait.rounded(.up))
            return Self.json(
                429,
                [
                    "ok": false, "error_code": 429, "description": "Too Many Requests: retry after \(seconds)",
                    "parameters": ["retry_after": seconds],
                ])
        case (_, .rateLimited(let wait, _)):
            var response = Self.text(429, "rate_limited")
            response.headers[HTTPField.Name("Retry-After")!] = String(Int(wait.rounded(.up)))
            return response
        case (.discord, .gone):
            return Self.json(404, ["message": "Unknown Webhook", "code": 10015])
        case (.slack, .gone):
            return Self.text(404, "no_service")
        case (.telegram, .gone):
            return Self.json(
                403, ["ok": false, "error_code": 403, "description": "Forbidden: bot was blocked by the user"])
        case (_, .gone):
            return Self.text(410, "gone")
        case (_, .migrate(let chat)):
            return Self.json(
                400,
                [
                    "ok": false, "error_code": 400,
                    "description": "Bad Request: group chat was upgraded to a supergroup chat",
                    "parameters": ["migrate_to_chat_id": chat],
                ])
        case (_, .status(let code, let body)):
            return Response(
                status: HTTPResponse.Status(code: code), headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        case (_, .ok), (_, .slow), (_, .okBucketEmpty):
            return Self.text(200, "ok")
        }
    }

    /// The service's refusal when a payload breaks its documented limits; nil when it is valid.
    private func invalid(_ service: Service, body: Data, files: [String: Data]) -> Response? {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            return service == .json ? nil : Self.text(400, "invalid_payload")
        }
        switch service {
        case .discord:
            let embeds = object["embeds"] as? [[String: Any]] ?? []
            let content = object["content"] as? String ?? ""
            if embeds.isEmpty, content.isEmpty {
                return Self.json(400, ["message": "Cannot send an empty message", "code": 50006])
            }
            if embeds.count > 10 { return Self.json(400, ["embeds": ["Must be 10 or fewer in length."]]) }
            for embed in embeds {
                let url = (embed["thumbnail"] as? [String: Any])?["url"] as? String ?? ""
                if url.hasPrefix("attachment://"), files.isEmpty {
                    return Self.json(400, ["message": "Invalid Form Body", "code": 50035])
                }
            }
            var total = 0
            for (index, embed) in embeds.enumerated() {
                let title = (embed["title"] as? String)?.utf16.count ?? 0
                let description = (embed["description"] as? String)?.utf16.count ?? 0
                let footer = ((embed["footer"] as? [String: Any])?["text"] as? String)?.utf16.count ?? 0
                let fields = embed["fields"] as? [[String: Any]] ?? []
                var fieldSize = 0
                var fieldsOK = fields.count <= 25
                for field in fields {
                    let name = (field["name"] as? String)?.utf16.count ?? 0
                    let value = (field["value"] as? String)?.utf16.count ?? 0
                    fieldsOK = fieldsOK && name <= 256 && value <= 1024
                    fieldSize += name + value
                }
                if title > 256 || description > 4096 || footer > 2048 || !fieldsOK {
                    return Self.json(400, ["embeds": ["\(index)"]])
                }
                total += title + description + footer + fieldSize
            }
            if total > 6000 { return Self.json(400, ["embeds": ["Embed size exceeds maximum size of 6000"]]) }
            return nil
        case .slack:
            let blocks = object["blocks"] as? [[String: Any]] ?? []
            if blocks.isEmpty, (object["text"] as? String ?? "").isEmpty { return Self.text(400, "no_text") }
            if blocks.count > 50 { return Self.text(400, "invalid_blocks") }
            for block in blocks {
                let text = (block["text"] as? [String: Any])?["text"] as? String ?? ""
                let limit = block["type"] as? String == "header" ? 150 : 3000
                if text.utf16.count > limit { return Self.text(400, "invalid_blocks") }
            }
            return nil
        case .telegram:
            let text = (object["text"] ?? object["caption"]) as? String ?? ""
            let limit = object["caption"] != nil ? 1024 : 4096
            guard let visible = Self.telegramVisibleText(text, mode: object["parse_mode"] as? String) else {
                return Self.json(
                    400,
                    [
                        "ok": false, "error_code": 400,
                        "description": "Bad Request: can't parse entities: unsupported markup or unescaped character",
                    ])
            }
            if visible.utf16.count > limit || (object["caption"] == nil && visible.isEmpty) {
                return Self.json(
                    400,
                    [
                        "ok": false, "error_code": 400,
                        "description": object["caption"] != nil
                            ? "Bad Request: MEDIA_CAPTION_TOO_LONG" : "Bad Request: message is too long",
                    ])
            }
            return nil
        case .json:
            return nil
        }
    }

    /// The text Telegram would show, or nil when the markup would not parse.
    public static func telegramVisibleText(_ text: String, mode: String?) -> String? {
        switch mode {
        case "HTML":
            var visible = ""
            var rest = Substring(text)
            let tags = [
                "<b>", "</b>", "<i>", "</i>", "<u>", "</u>", "<s>", "</s>", "<code>", "</code>", "<pre>", "</pre>",
            ]
            let entities = ["&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": "\""]
            outer: while let first = rest.first {
                if first == "<" {
                    for tag in tags where rest.hasPrefix(tag) {
                        rest = rest.dropFirst(tag.count)
                        continue outer
                    }
                    return nil
                }
                if first == "&" {
                    for (entity, character) in entities where rest.hasPrefix(entity) {
                        visible += character
                        rest = rest.dropFirst(entity.count)
                        continue outer
                    }
                    return nil
                }
                if first == ">" { return nil }
                visible.append(first)
                rest = rest.dropFirst()
            }
            return visible
        case "MarkdownV2":
            var visible = ""
            var escaped = false
            for character in text {
                if escaped {
                    visible.append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "*" {
                    continue
                } else if "_[]()~`>#+-=|{}.!".contains(character) {
                    return nil
                } else {
                    visible.append(character)
                }
            }
            return escaped ? nil : visible
        default:
            return text
        }
    }

    private static func json(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    private static func text(_ status: Int, _ text: String) -> Response {
        Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
