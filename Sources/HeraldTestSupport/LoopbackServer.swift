import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// Runs a fake service's router on 127.0.0.1: on a free port the first time, on the same port after
/// `stop()`, so a test can take a service down and bring it back where the daemon expects it.
final class LoopbackServer: Sendable {
    private struct State {
        var task: Task<Void, any Error>?
        var group: ServiceGroup?
        var port = 0
    }

    private let state = Mutex(State())
    private let label: String

    init(label: String) {
        self.label = label
    }

    var port: Int { state.withLock { $0.port } }

    func start(_ router: Router<BasicRequestContext>) async throws {
        let ready = AsyncStream<Int>.makeStream()
        let logger = Logger(label: label, factory: { _ in SwiftLogNoOpLogHandler() })
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [app], logger: logger))
        let task = Task { try await group.run() }
        state.withLock {
            $0.task = task
            $0.group = group
        }
        var iterator = ready.stream.makeAsyncIterator()
        let bound = await iterator.next() ?? 0
        state.withLock { $0.port = bound }
    }

    /// Stops listening: connections are refused until `start` again. A graceful shutdown closes the
    /// listener and the idle keep-alive connections, as a real server going down does; cancelling
    /// alone would leave open connections answering.
    func stop() async {
        let (task, group) = state.withLock { ($0.task, $0.group) }
        await group?.triggerGracefulShutdown()
        _ = await task?.result
    }
}
