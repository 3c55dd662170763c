/// Why a webhook request was refused. Mapped to an HTTP status only at the route.
public enum WebhookError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No credential, or a wrong one (401).
    case unauthorized
    /// A generic endpoint's signature is missing, wrong or too old (401).
    case badSignature(String)
    /// The body is larger than the source's limit (413).
    case tooLarge(limit: Int)
    /// The content type is not one the source sends (415).
    case unsupportedMediaType(String)
    /// The body cannot be understood (400); the text says exactly what is wrong.
    case malformed(String)
    /// The source is disabled or the generic endpoint is not configured (404).
    case notFound
    /// The journal could not make the event durable (503); the sender should retry.
    case unavailable
    /// A signed delivery already received (same `webhook-id` within the tolerance): answered 200
    /// so the sender stops retrying, and not journalled a second time.
    case replayed(id: String)

    /// Short, stable label for metrics.
    public var reason: String {
        switch self {
        case .unauthorized: "unauthorized"
        case .badSignature: "bad_signature"
        case .tooLarge: "too_large"
        case .unsupportedMediaType: "unsupported_media_type"
        case .malformed: "malformed"
        case .notFound: "not_found"
        case .unavailable: "unavailable"
        case .replayed: "replayed"
        }
    }

    public var description: String {
        switch self {
        case .unauthorized: "missing or wrong credentials"
        case .badSignature(let detail): "signature rejected: \(detail)"
        case .tooLarge(let limit): "body larger than the limit of \(limit) bytes"
        case .unsupportedMediaType(let type): "unsupported content type '\(type)'"
        case .malformed(let detail): detail
        case .notFound: "no such webhook endpoint"
        case .unavailable: "the journal is unavailable; retry later"
        case .replayed(let id): "already received (webhook-id \(id.prefix(64))); not journalled again"
        }
    }
}
