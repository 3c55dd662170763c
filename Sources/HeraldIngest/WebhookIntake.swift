import Foundation
import HTTPTypes
import HeraldCore
import Hummingbird
import Logging

/// What every webhook request goes through: the source's switch, credentials, content type and
/// size limit, decoding, and the answer once journalled or refused.
///
/// Transport-free: the routes (`WebhookRoutes`) and their admission middleware (`WebhookAdmission`)
/// call it, and tests can drive it without a server.
public struct WebhookIntake: Sendable {
    /// A webhook endpoint.
    public enum Route: Sendable, Equatable {
        /// `/hooks/plex`: multipart with an optional poster.
        case plex
        /// `/hooks/{tautulli,sonarr,radarr,lidarr}`: one JSON body.
        case json(EventSource)
        /// `/hooks/generic/{name}`.
        case generic(String)

        /// The source label of metrics and logs.
        public var source: String {
            switch self {
            case .plex: "plex"
            case .json(let source): source.rawValue
            case .generic: "generic"
            }
        }
    }

    /// What a request was admitted with: the settings in force when its head arrived (read once,
    /// so a reload mid-request does not mix two configurations) and its body limit.
    public struct Admission: Sendable {
        public var settings: IngestSettings
        public var limit: Int
    }

    /// A status and a JSON body.
    public struct Answer: Sendable {
        public var status: HTTPResponse.Status
        /// Whether to ask for credentials (`WWW-Authenticate: Basic`), on a 401 for missing ones.
        public var challenge = false
        public var body: [UInt8]
    }

    let journal: any EventJournal
    let settings: Reloadable<IngestSettings>
    /// Standard Webhooks ids seen within their tolerance, per endpoint.
    let replays = ReplayGuard()
    let metrics: IngestMetrics
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        journal: any EventJournal,
        settings: Reloadable<IngestSettings>,
        metrics: IngestMetrics,
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.journal = journal
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        self.now = now
    }

    /// Checks what can be checked from the head alone, before reading any of the body. `header`
    /// looks a header up by its lower-case name.
    ///
    /// - Returns: The settings in force for this request and its body limit.
    public func admit(
        _ route: Route, header: (String) -> String?, query: (String) -> String?
    ) throws(WebhookError) -> Admission {
        let settings = settings.current
        let credentials: SourceCredentials
        switch route {
        case .plex: credentials = try Self.enabled(settings.source(.plex))
        case .json(let source): credentials = try Self.enabled(settings.source(source))
        case .generic(let name):
            guard let endpoint = settings.generic[name] else { throw .notFound }
            credentials = endpoint.credentials
        }
        if !credentials.isOpen {
            let authorized = WebhookAuthenticator.isAuthorized(
                credentials, queryToken: query("token"), header: header)
            if !authorized { throw .unauthorized }
        }
        if route == .plex { return Admission(settings: settings, limit: settings.maxPlexRequestSize) }
        // What every sender sends is compared as is; anything else is parsed.
        if let type = header("content-type"), type != "application/json" {
            let mediaType = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            let lowered = mediaType.lowercased()
            guard lowered == "application/json" || lowered.hasSuffix("+json") else {
                throw .unsupportedMediaType(lowered)
            }
        }
        if let declared = header("content-length").flatMap(Int.init), declared > settings.maxBodySize {
            throw .tooLarge(limit: settings.maxBodySize)
        }
        return Admission(settings: settings, limit: settings.maxBodySize)
    }

    /// A built-in source's credentials; a disabled source answers as if it did not exist.
    private static func enabled(_ source: IngestSettings.Source) throws(WebhookError) -> SourceCredentials {
        guard source.enabled else { throw .notFound }
        return source.credentials
    }

    /// Decodes a JSON route's whole body, checking a generic endpoint's signature first.
    public func event(
        _ route: Route, settings: IngestSettings, body: Data, header: (String) -> String?,
        query: (String) -> String?
    ) throws(WebhookError) -> Event {
        let received = now()
        switch route {
        case .json(.tautulli): return try TautulliWebhookDecoder.decode(body, receivedAt: received)
        case .json(.sonarr): return try SonarrWebhookDecoder.decode(body, receivedAt: received)
        case .json(.radarr): return try RadarrWebhookDecoder.decode(body, receivedAt: received)
        case .json(.lidarr): return try LidarrWebhookDecoder.decode(body, receivedAt: received)
        case .generic(let name):
            guard let endpoint = settings.generic[name] else { throw .notFound }
            if let signature = endpoint.signature {
                try SignatureVerifier(settings: signature).verify(
                    body: body, header: header, now: received)
                // A verified delivery retried by its sender keeps its id: journal it once.
                if signature.scheme == .standardWebhooks, let id = header("webhook-id"),
                    !replays.firstDelivery(endpoint: name, id: id, now: received, window: signature.tolerance)
                {
                    throw .replayed(id: id)
                }
            }
            let event = header("x-herald-event") ?? query("event")
            return try GenericWebhookDecoder.decode(body, endpoint: name, event: event, receivedAt: received)
        case .plex, .json:
            throw .notFound
        }
    }

    /// What the 202 answer, the log line and the counters of a journalled event need: taken from
    /// the event before it goes to the journal, so the whole event need not wait for the commit.
    public struct Receipt: Sendable {
        let id: String
        let source: EventSource
        let kind: String
        /// The kind as a metric label, from a closed set (`WebhookKinds.metricLabel`).
        let metricKind: String
        let ignoredReason: String?
        let paths: Int

        public init(_ event: Event) {
            id = event.id
            source = event.source
            kind = event.kind
            metricKind = WebhookKinds.metricLabel(event)
            ignoredReason = event.ignoredReason
            paths = event.paths.count
        }
    }

    /// Counts and logs a journalled event and writes the 202 answer.
    public func accepted(_ receipt: Receipt, sequence: Int64) -> Answer {
        metrics.received(kind: receipt.metricKind, source: receipt.source)
        logger.info(
            "event journalled",
            metadata: [
                "event.source": "\(receipt.source.rawValue)", "event.kind": "\(receipt.kind)",
                "event.id": "\(receipt.id)", "journal.sequence": "\(sequence)", "event.paths": "\(receipt.paths)",
                "event.ignored": "\(receipt.ignoredReason ?? "")",
            ])
        var body: [UInt8] = []
        body.reserveCapacity(160)
        JSONText.append(raw: "{\"id\":", to: &body)
        JSONText.append(string: receipt.id, to: &body)
        if let reason = receipt.ignoredReason {
            JSONText.append(raw: ",\"ignored\":", to: &body)
            JSONText.append(string: reason, to: &body)
        }
        JSONText.append(raw: ",\"kind\":", to: &body)
        JSONText.append(string: receipt.kind, to: &body)
        JSONText.append(raw: ",\"sequence\":" + String(sequence) + ",\"status\":\"accepted\"}\n", to: &body)
        return Answer(status: .accepted, body: body)
    }

    /// Logs why an event could not be journalled and writes the 503 answer.
    public func notJournalled(_ route: Route, error: any Error) -> Answer {
        logger.error("event not journalled", metadata: ["event.source": "\(route.source)", "error": "\(error)"])
        return refused(.unavailable, route: route)
    }

    /// Counts and logs a refusal and writes its answer: the status, and the reason on one line.
    public func refused(_ error: WebhookError, route: Route) -> Answer {
        metrics.rejected(source: route.source, reason: error.reason)
        if case .replayed = error {
            logger.info(
                "webhook already received", metadata: ["event.source": "\(route.source)", "detail": "\(error)"])
        } else if error != .notFound {
            logger.warning(
                "webhook refused",
                metadata: ["event.source": "\(route.source)", "reason": "\(error.reason)", "detail": "\(error)"])
        }
        return Answer(
            status: Self.status(for: error), challenge: error == .unauthorized,
            body: Array(("{\"error\":" + JSONText.string(error.description) + "}\n").utf8))
    }

    static func status(for error: WebhookError) -> HTTPResponse.Status {
        switch error {
        case .unauthorized, .badSignature: .unauthorized
        case .tooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .malformed: .badRequest
        case .notFound: .notFound
        case .unavailable: .serviceUnavailable
        case .replayed: .ok
        }
    }
}

extension HTTPFields {
    /// A header by lower-case name.
    public func value(named name: String) -> String? {
        HTTPField.Name(name).flatMap { self[$0] }
    }
}
