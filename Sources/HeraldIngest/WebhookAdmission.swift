import HeraldCore
import Hummingbird

/// Middleware in front of every webhook route: the source's switch, its credentials, the content
/// type and the declared size, checked from the request's head before any of the body is read.
///
/// A refused request is answered here, with the same status and one-line reason as every other
/// refusal (`WebhookIntake.refused`); an admitted one carries its settings to the handler in the
/// context.
struct WebhookAdmission: RouterMiddleware {
    typealias Context = HeraldRequestContext

    let intake: WebhookIntake
    /// The hook a request is for, from the matched route's parameters.
    let route: @Sendable (Context) -> WebhookIntake.Route

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let route = route(context)
        var context = context
        do throws(WebhookError) {
            context.webhook = try intake.admit(
                route, header: { request.headers.value(named: $0) },
                query: { request.uri.queryParameters.get($0) })
        } catch {
            return WebhookRoutes.response(intake.refused(error, route: route))
        }
        return try await next(request, context)
    }
}
