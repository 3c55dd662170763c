import Foundation
import HTTPTypes
import HeraldCore
import Hummingbird
import NIOCore

/// The webhook routes on Hummingbird's router: `/hooks/plex`, `/hooks/{tautulli,sonarr,radarr,lidarr}`
/// and `/hooks/generic/{name}`.
///
/// Each route sits behind `WebhookAdmission`, which checks the head (source switch, credentials,
/// content type, declared size) before any of the body is read. Plex multipart bodies, with
/// posters of several MiB, are parsed as they stream in; JSON bodies are collected up to the
/// limit and decoded whole. Every route answers through `WebhookIntake`: 202 once the event is
/// durable, the same refusals everywhere.
public struct WebhookRoutes: Sendable {
    /// The `WWW-Authenticate` challenge of a 401 for missing credentials.
    public static let challenge = "Basic realm=\"herald\""

    let intake: WebhookIntake

    public init(intake: WebhookIntake) {
        self.intake = intake
    }

    /// Adds the routes to a router.
    public func register(on router: Router<HeraldRequestContext>) {
        let hooks = router.group("hooks")
        hooks.group("plex")
            .add(middleware: WebhookAdmission(intake: intake) { _ in .plex })
            .post { request, context in await self.plex(request, context: context) }
        for source in [EventSource.tautulli, .sonarr, .radarr, .lidarr] {
            hooks.group(RouterPath(source.rawValue))
                .add(middleware: WebhookAdmission(intake: intake) { _ in .json(source) })
                .post { request, context in await self.json(.json(source), request, context: context) }
        }
        hooks.group("generic/{name}")
            .add(middleware: WebhookAdmission(intake: intake) { Self.genericRoute($0) })
            .post { request, context in await self.json(Self.genericRoute(context), request, context: context) }
    }

    /// A generic endpoint's route, named by its (percent-decoded) path parameter.
    private static func genericRoute(_ context: HeraldRequestContext) -> WebhookIntake.Route {
        let name = context.parameters.get("name") ?? ""
        return .generic(name.removingPercentEncoding ?? name)
    }

    private func plex(_ request: Request, context: HeraldRequestContext) async -> Response {
        let event: Event
        do throws(WebhookError) {
            let settings = try admitted(context).settings
            let (payload, thumb) = try await PlexRequestReader.payload(
                of: request, maxRequestSize: settings.maxPlexRequestSize, maxPayloadSize: settings.maxBodySize)
            var decoded = try PlexWebhookDecoder.decode(payload, receivedAt: intake.now())
            if settings.keepPlexPosters { decoded.thumb = thumb }
            event = decoded
        } catch {
            return Self.response(intake.refused(error, route: .plex))
        }
        return await journal(event, route: .plex)
    }

    private func json(
        _ route: WebhookIntake.Route, _ request: Request, context: HeraldRequestContext
    ) async -> Response {
        let event: Event
        do throws(WebhookError) {
            let admission = try admitted(context)
            let body = try await BodyReader.collect(request, limit: admission.limit)
            event = try intake.event(
                route, settings: admission.settings, body: body, header: { request.headers.value(named: $0) },
                query: { request.uri.queryParameters.get($0) })
        } catch {
            return Self.response(intake.refused(error, route: route))
        }
        return await journal(event, route: route)
    }

    /// The admission `WebhookAdmission` put in the context; every hook route is behind it.
    private func admitted(_ context: HeraldRequestContext) throws(WebhookError) -> WebhookIntake.Admission {
        guard let admission = context.webhook else { throw .unavailable }
        return admission
    }

    /// Appends the event and answers once it is durable (202), or 503 when it could not be.
    private func journal(_ event: Event, route: WebhookIntake.Route) async -> Response {
        let receipt = WebhookIntake.Receipt(event)
        do {
            return Self.response(intake.accepted(receipt, sequence: try await intake.journal.append(event)))
        } catch {
            return Self.response(intake.notJournalled(route, error: error))
        }
    }

    /// An intake answer as a response: its status and JSON body, and the challenge on a 401.
    static func response(_ answer: WebhookIntake.Answer) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if answer.challenge { headers[.wwwAuthenticate] = challenge }
        return Response(
            status: answer.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
