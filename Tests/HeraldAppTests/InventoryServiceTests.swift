import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldPlex
import HeraldStore
import HeraldTestSupport
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import HeraldApp

/// The inventory service with several Plex servers: each server's loop has its own wake-up, so a
/// library change reaches every one of them, and the service stops when asked.
@Suite struct InventoryServiceTests {
    @Test func twoServersAreEachWokenAndTheServiceStops() async throws {
        let plexA = try FakePlexServer()
        let plexB = try FakePlexServer()
        try await plexA.start()
        try await plexB.start()
        plexA.setLibrary(movies: 3, episodes: 2)
        plexB.setLibrary(movies: 2, episodes: 1)
        let schedule = InventorySchedule(
            every: .seconds(3600), pageSize: 50, incrementalEvery: .seconds(3600), incrementalDelay: .zero)
        var servers: [PlexServerSettings] = []
        var clients: [String: any PlexServerClient] = [:]
        for (name, plex) in [("a", plexA), ("b", plexB)] {
            var server = PlexServerSettings(name: name, url: plex.url, token: Secret(plex.token))
            server.inventory = schedule
            servers.append(server)
            clients[name] = LivePlexClient(http: .shared, settings: server)
        }
        let wakes = InventoryService.wakes(for: servers)
        var service = InventoryService(
            database: try AppDatabase.inMemory(), servers: servers, clients: clients, history: nil,
            logger: Logger(label: "test"), now: { Date() }, wakes: wakes)
        service.firstDelay = .zero
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [service], logger: Logger(label: "test")))
        /// Requests for changed items only (`updatedAt>>=`), which only a wake-up (or an hour) brings.
        func incremental(_ plex: FakePlexServer) -> Int {
            plex.requests.filter { $0.query?.contains("updatedAt") == true }.count
        }
        // Unstructured, so a service that never stops fails the test instead of hanging it.
        let stopped = Mutex(false)
        let running = Task {
            try await group.run()
            stopped.withLock { $0 = true }
        }
        defer { running.cancel() }
        try await waitUntil("both first syncs") {
            plexA.requests.contains { $0.path.hasSuffix("/all") }
                && plexB.requests.contains { $0.path.hasSuffix("/all") }
        }
        for round in 1...3 {
            try await waitUntil("both loops to sync again after wake-up \(round)") {
                for signal in wakes.values { signal.wake() }
                return incremental(plexA) >= round && incremental(plexB) >= round
            }
        }
        await group.triggerGracefulShutdown()
        try await waitUntil("the service to stop") { stopped.withLock { $0 } }
        await plexA.stop()
        await plexB.stop()
    }
}
