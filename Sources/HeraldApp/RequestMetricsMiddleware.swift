import CoreMetrics
import Foundation
import HTTPTypes
import HeraldCore
import HeraldIngest
import Hummingbird
import Synchronization

/// Records every request's duration by route pattern and status (`herald_http_request_duration_seconds`).
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext
    let factory: any MetricsFactory
    /// Timer handles by method, route and status; the factory lookup is the expensive part.
    private let timers = TimerCache()

    final class TimerCache: Sendable {
        let handles = Mutex<[Key: CoreMetrics.Timer]>([:])
    }

    /// A timer's labels, hashed as they are: no key string is built per request.
    struct Key: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Records one request's duration.
    private func record(method: String, route: String, status: Int, duration: Duration) {
        timer(Key(method: method, route: route, status: status)).recordNanoseconds(duration.nanoseconds)
    }

    private func timer(_ key: Key) -> CoreMetrics.Timer {
        timers.handles.withLock { cache in
            if let timer = cache[key] { return timer }
            let timer = CoreMetrics.Timer(
                label: "herald_http_request_duration_seconds",
                dimensions: [("method", key.method), ("route", key.route), ("status", String(key.status))],
                factory: factory)
            cache[key] = timer
            return timer
        }
    }

    /// The methods HTTP defines are labels as they are; any other token a client sends is "other".
    static func methodLabel(_ method: HTTPRequest.Method) -> String {
        switch method {
        case .get, .head, .post, .put, .delete, .connect, .options, .trace, .patch: method.rawValue
        default: "other"
        }
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        var status = HTTPResponse.Status.internalServerError
        defer {
            record(
                method: Self.methodLabel(request.method), route: context.endpointPath ?? "unmatched",
                status: status.code,
                duration: ContinuousClock.now - started)
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
