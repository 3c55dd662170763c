import HTTPTypes
import HeraldConfig
import HeraldCore
import HeraldIngest
import Hummingbird

/// Middleware in front of every `/api` route: the API answers only when `api.token` is set, and
/// only to requests that carry it in a header (`Authorization: Bearer`, `X-Herald-Token` or
/// Basic), compared in constant time as webhook credentials are. Never in the URL: a query string
/// ends up in proxy and browser logs.
struct APITokenMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext

    let configuration: Reloadable<HeraldConfiguration>

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let token = configuration.current.api.token else {
            return OperationsRoutes.json(
                .forbidden, ["error": "the API is disabled: set api.token in the configuration"])
        }
        let authorized = WebhookAuthenticator.isAuthorized(
            SourceCredentials(token: token), queryToken: nil,
            header: { request.headers.value(named: $0) })
        guard authorized else {
            return OperationsRoutes.json(.unauthorized, ["error": "missing or wrong API token"])
        }
        return try await next(request, context)
    }
}
