import CoreMetrics
import Foundation
import HTTPTypes
import Hummingbird

/// Records every request's duration by route pattern and status (`herald_http_request_duration_seconds`).
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let factory: any MetricsFactory

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        var status = HTTPResponse.Status.internalServerError
        defer {
            let route = context.endpointPath ?? "unmatched"
            let (seconds, attoseconds) = (ContinuousClock.now - started).components
            Timer(
                label: "herald_http_request_duration_seconds",
                dimensions: [("method", request.method.rawValue), ("route", route), ("status", String(status.code))],
                factory: factory
            ).recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        }
        do {
            let response = try await next(request, context)
            status = response.status
            return response
        } catch let error as HTTPError {
            status = error.status
            throw error
        }
    }
}
