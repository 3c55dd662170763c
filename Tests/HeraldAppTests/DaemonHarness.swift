import Foundation
import HTTPTypes
import HeraldApp
import HeraldConfig
import HeraldCore
import HeraldTestSupport
import HummingbirdTesting
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// Runs the whole daemon in-process on an ephemeral port, for tests that need real sockets.
struct DaemonHarness {
    let directory: TemporaryDirectory
    let daemon: HeraldDaemon
    let registry = PrometheusCollectorRegistry()

    init(extraYAML: String = "") throws {
        directory = try TemporaryDirectory()
        let yaml = "state_directory: \(directory.path)/state\nserver: {host: 127.0.0.1, port: 0}\n" + extraYAML
        let file = try directory.write("herald.yml", yaml)
        let configuration = try HeraldConfiguration.load(file: file, environment: [:])
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        daemon = try buildServiceGroup(
            configuration: configuration, environment: [:], registry: registry, logger: logger,
            installSignalHandlers: false)
    }

    /// Starts the daemon, runs `body` with a client connected to it, then shuts it down gracefully.
    func run(_ body: @Sendable (TestClient) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await daemon.run() }
            while daemon.readiness.port == nil { try await Task.sleep(for: .milliseconds(10)) }
            let client = TestClient(host: "127.0.0.1", port: daemon.readiness.port!)
            client.connect()
            do {
                try await body(client)
            } catch {
                try? await client.shutdown()
                await daemon.serviceGroup.triggerGracefulShutdown()
                throw error
            }
            try await client.shutdown()
            await daemon.serviceGroup.triggerGracefulShutdown()
            try await group.waitForAll()
        }
        directory.remove()
    }
}

extension TestClient {
    func postJSON(_ uri: String, _ body: Data, headers: HTTPFields = [:]) async throws -> TestClient.Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return try await post(uri, headers: fields, body: ByteBuffer(bytes: Array(body)))
    }
}
