import Foundation
import HTTPTypes
import HeraldCore
import Hummingbird
import NIOCore

/// The Plex webhook route, `/hooks/plex`, on Hummingbird's router.
///
/// Plex posts multipart bodies with posters of up to several MiB, a few times a minute; they are
/// parsed as they stream in, which Hummingbird's request body does well. The JSON routes, where
/// the *arr apps and Tautulli can send bursts, are served by `WebhookChannelHandler` instead.
/// Both answer through `WebhookIntake`: 202 once the event is durable, the same refusals.
public struct WebhookRoutes: Sendable {
    let intake: WebhookIntake

    public init(intake: WebhookIntake) {
        self.intake = intake
    }

    /// Adds the route to a router.
    public func register(on router: Router<BasicRequestContext>) {
        router.post("/hooks/plex") { request, _ in await self.plex(request) }
    }

    private func plex(_ request: Request) async -> Response {
        let query = { (name: String) in request.uri.queryParameters.get(name) }
        let event: Event
        do throws(WebhookError) {
            let (settings, _) = try intake.admit(
                .plex, header: { request.headers.value(named: $0) }, query: query)
            let (payload, thumb) = try await PlexRequestReader.payload(
                of: request, maxRequestSize: settings.maxPlexRequestSize, maxPayloadSize: settings.maxBodySize)
            var decoded = try PlexWebhookDecoder.decode(payload, receivedAt: intake.now())
            if settings.keepPlexPosters { decoded.thumb = thumb }
            event = decoded
        } catch {
            return Self.response(intake.refused(error, route: .plex))
        }
        do {
            let receipt = WebhookIntake.Receipt(event)
            return Self.response(intake.accepted(receipt, sequence: try await intake.journal.append(event)))
        } catch {
            return Self.response(intake.notJournalled(.plex, error: error))
        }
    }

    private static func response(_ answer: WebhookIntake.Answer) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if answer.challenge { headers[.wwwAuthenticate] = WebhookChannelHandler.challenge }
        return Response(
            status: answer.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
