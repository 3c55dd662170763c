import Foundation
import HTTPTypes
import HeraldCore
import Hummingbird
import Logging
import NIOCore

/// The webhook endpoints: `/hooks/{plex,tautulli,sonarr,radarr,lidarr}` and `/hooks/generic/{name}`.
///
/// Each request is authenticated, size-limited, decoded into an `Event`, appended to the journal,
/// and answered 202 only once the event is durable. Valid events Herald does not act on (test
/// pings, unknown types) are journalled as ignored and still answered 2xx, because a 4xx makes
/// Sonarr and Radarr disable the connection.
public struct WebhookRoutes: Sendable {
    let journal: any EventJournal
    let settings: Reloadable<IngestSettings>
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

    /// Adds the routes to a router.
    public func register(on router: Router<BasicRequestContext>) {
        router.post("/hooks/plex") { request, _ in await self.plex(request) }
        for (source, decode) in Self.jsonSources {
            router.post("/hooks/\(source.rawValue)") { request, _ in
                await self.handle(request, source: source.rawValue) { settings throws(WebhookError) in
                    try self.authorize(request, settings.source(source))
                    let body = try await self.readJSONBody(request, limit: settings.maxBodySize)
                    return try decode(body, self.now())
                }
            }
        }
        router.post("/hooks/generic/:name") { request, context in
            let name = context.parameters.get("name") ?? ""
            return await self.handle(request, source: "generic") { settings throws(WebhookError) in
                guard let endpoint = settings.generic[name] else { throw .notFound }
                try self.authorize(request, IngestSettings.Source(credentials: endpoint.credentials))
                let body = try await self.readJSONBody(request, limit: settings.maxBodySize)
                if let signature = endpoint.signature {
                    try SignatureVerifier(settings: signature).verify(
                        body: body, header: { request.headers.value(named: $0) }, now: self.now())
                }
                let event = request.headers.value(named: "x-herald-event") ?? request.uri.queryParameters.get("event")
                return try GenericWebhookDecoder.decode(body, endpoint: name, event: event, receivedAt: self.now())
            }
        }
    }

    private static let jsonSources: [(EventSource, @Sendable (Data, Date) throws(WebhookError) -> Event)] = [
        (.tautulli, { body, date throws(WebhookError) in try TautulliWebhookDecoder.decode(body, receivedAt: date) }),
        (.sonarr, { body, date throws(WebhookError) in try SonarrWebhookDecoder.decode(body, receivedAt: date) }),
        (.radarr, { body, date throws(WebhookError) in try RadarrWebhookDecoder.decode(body, receivedAt: date) }),
        (.lidarr, { body, date throws(WebhookError) in try LidarrWebhookDecoder.decode(body, receivedAt: date) }),
    ]

    private func plex(_ request: Request) async -> Response {
        await handle(request, source: "plex") { settings throws(WebhookError) in
            try self.authorize(request, settings.source(.plex))
            let (payload, thumb) = try await PlexRequestReader.payload(
                of: request, maxRequestSize: settings.maxPlexRequestSize, maxPayloadSize: settings.maxBodySize)
            var event = try PlexWebhookDecoder.decode(payload, receivedAt: self.now())
            if settings.keepPlexPosters { event.thumb = thumb }
            return event
        }
    }

    // MARK: - Shared steps

    /// Runs the source-specific steps, journals the event and maps every failure to its status.
    private func handle(
        _ request: Request,
        source: String,
        _ decode: (IngestSettings) async throws(WebhookError) -> Event
    ) async -> Response {
        let settings = settings.current
        let event: Event
        do throws(WebhookError) {
            if let sourceValue = EventSource(rawValue: source), !settings.source(sourceValue).enabled {
                throw WebhookError.notFound
            }
            event = try await decode(settings)
        } catch {
            return refuse(error, source: source)
        }
        let sequence: Int64
        do {
            sequence = try await journal.append(event)
        } catch {
            logger.error(
                "event not journalled", metadata: ["event.source": "\(source)", "error": "\(error)"])
            return refuse(.unavailable, source: source)
        }
        metrics.received(event)
        logger.info(
            "event journalled",
            metadata: [
                "event.source": "\(source)", "event.kind": "\(event.kind)", "event.id": "\(event.id)",
                "journal.sequence": "\(sequence)", "event.paths": "\(event.paths.count)",
                "event.ignored": "\(event.ignoredReason ?? "")",
            ])
        var body: [UInt8] = []
        body.reserveCapacity(160)
        JSONText.append(raw: "{\"id\":", to: &body)
        JSONText.append(string: event.id, to: &body)
        if let reason = event.ignoredReason {
            JSONText.append(raw: ",\"ignored\":", to: &body)
            JSONText.append(string: reason, to: &body)
        }
        JSONText.append(raw: ",\"kind\":", to: &body)
        JSONText.append(string: event.kind, to: &body)
        JSONText.append(raw: ",\"sequence\":" + String(sequence) + ",\"status\":\"accepted\"}\n", to: &body)
        return Response(
            status: .accepted, headers: Self.jsonHeaders, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    private static let jsonHeaders: HTTPFields = [.contentType: "application/json"]

    private func refuse(_ error: WebhookError, source: String) -> Response {
        metrics.rejected(source: source, reason: error.reason)
        if error != .notFound {
            logger.warning(
                "webhook refused",
                metadata: ["event.source": "\(source)", "reason": "\(error.reason)", "detail": "\(error)"])
        }
        var response = Response(
            status: Self.status(for: error), headers: [.contentType: "application/json"],
            body: ResponseBody(
                byteBuffer: ByteBuffer(string: "{\"error\":" + JSONText.string(error.description) + "}\n")))
        if error == .unauthorized { response.headers[.wwwAuthenticate] = "Basic realm=\"herald\"" }
        return response
    }

    private func authorize(_ request: Request, _ source: IngestSettings.Source) throws(WebhookError) {
        let authorized = WebhookAuthenticator.isAuthorized(
            source.credentials, queryToken: request.uri.queryParameters.get("token"),
            header: { request.headers.value(named: $0) })
        if !authorized { throw .unauthorized }
    }

    /// Reads a JSON body within `limit`, refusing other content types before reading anything.
    private func readJSONBody(_ request: Request, limit: Int) async throws(WebhookError) -> Data {
        // What every sender sends is compared as is; anything else is parsed.
        if let type = request.headers[.contentType], type != "application/json" {
            let mediaType = type.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased()
            guard mediaType == "application/json" || mediaType.hasSuffix("+json") else {
                throw .unsupportedMediaType(mediaType)
            }
        }
        return try await BodyReader.collect(request, limit: limit)
    }

    static func status(for error: WebhookError) -> HTTPResponse.Status {
        switch error {
        case .unauthorized, .badSignature: .unauthorized
        case .tooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .malformed: .badRequest
        case .notFound: .notFound
        case .unavailable: .serviceUnavailable
        }
    }
}

extension HTTPFields {
    /// A header by lower-case name.
    public func value(named name: String) -> String? {
        HTTPField.Name(name).flatMap { self[$0] }
    }
}
