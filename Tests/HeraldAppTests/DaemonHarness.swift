import Foundation
import HTTPTypes
import HeraldApp
import HeraldConfig
import HeraldCore
import HeraldStore
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

    let keepDirectory: Bool

    /// - Parameters:
    ///   - rules: Contents of `rules/rules.yml` next to the configuration, if any.
    ///   - directory: An existing state directory to reuse (a restart), kept afterwards.
    ///   - dispatchHandler: Replaces the rules engine (a test's own decisions or failures).
    init(
        extraYAML: String = "", rules: String? = nil, directory: TemporaryDirectory? = nil,
        dispatchHandler: DispatchHandler? = nil
    ) throws {
        self.directory = try directory ?? TemporaryDirectory()
        keepDirectory = directory != nil
        if let rules {
            try FileManager.default.createDirectory(
                atPath: self.directory.path + "/rules", withIntermediateDirectories: true)
            try self.directory.write("rules/rules.yml", rules)
        }
        let yaml = "state_directory: \(self.directory.path)/state\nserver: {host: 127.0.0.1, port: 0}\n" + extraYAML
        let file = try self.directory.write("herald.yml", yaml)
        let configuration = try HeraldConfiguration.load(file: file, environment: [:])
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        daemon = try buildServiceGroup(
            configuration: configuration, environment: [:], registry: registry, logger: logger,
            dispatchHandler: dispatchHandler, dispatchRetryInterval: .milliseconds(50), installSignalHandlers: false)
    }

    /// Starts the daemon, runs `body` with a client connected to it, then shuts it down gracefully.
    func run(_ body: @Sendable (TestClient) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await daemon.run() }
            try await waitUntil("the daemon to listen", timeout: .seconds(30)) { daemon.readiness.port != nil }
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
        if !keepDirectory { directory.remove() }
    }
}

extension TestClient {
    func postJSON(_ uri: String, _ body: Data, headers: HTTPFields = [:]) async throws -> TestClient.Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return try await post(uri, headers: fields, body: ByteBuffer(bytes: Array(body)))
    }
}
