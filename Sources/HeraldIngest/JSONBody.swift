import Foundation

/// Decodes a webhook body, turning decoder errors into one-line reasons a user can act on.
enum JSONBody {
    static func decode<Payload: Decodable>(
        _ type: Payload.Type, from body: Data, source: String
    ) throws(WebhookError)
        -> Payload
    {
        guard !body.isEmpty else { throw .malformed("empty body: expected a JSON object from \(source)") }
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
            throw .malformed("body is not valid JSON: \(underlying(context))")
        } catch let DecodingError.keyNotFound(key, context) {
            throw .malformed("\(source) body has no '\(path(context.codingPath + [key]))'")
        } catch let DecodingError.typeMismatch(expected, context) {
            throw .malformed("\(source) body: '\(path(context.codingPath))' should be \(describe(expected))")
        } catch let DecodingError.valueNotFound(expected, context) {
            throw .malformed("\(source) body: '\(path(context.codingPath))' is null, expected \(describe(expected))")
        } catch let DecodingError.dataCorrupted(context) {
            throw .malformed("\(source) body: '\(path(context.codingPath))': \(context.debugDescription)")
        } catch {
            throw .malformed("body is not valid JSON")
        }
    }

    private static func underlying(_ context: DecodingError.Context) -> String {
        if let error = context.underlyingError as NSError?,
            let detail = error.userInfo[NSDebugDescriptionErrorKey] as? String
        {
            return detail
        }
        return context.debugDescription
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: ["."])
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        default: "an object"
        }
    }
}
