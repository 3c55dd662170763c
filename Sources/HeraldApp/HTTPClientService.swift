import AsyncHTTPClient
import ServiceLifecycle

/// Owns the process's one `HTTPClient`: first in the service group, so it shuts down last, after
/// every worker that uses it has stopped.
struct HTTPClientService: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
