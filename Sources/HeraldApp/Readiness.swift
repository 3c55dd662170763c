import HeraldWatch
import Synchronization

/// Whether the daemon should receive traffic: `/readyz` answers from this.
public final class Readiness: Sendable {
    private struct State {
        var serving = false
        var shuttingDown = false
        var port: Int?
        var watch: WatchStatistics?
    }

    private let state = Mutex(State())

    public init() {}

    /// Called once the HTTP listener is bound.
    func serverStarted(port: Int?) {
        state.withLock {
            $0.serving = true
            $0.port = port
        }
    }

    /// Called when graceful shutdown begins; readiness turns false at once.
    func shutdownBegan() { state.withLock { $0.shuttingDown = true } }

    /// Called by the watch service with the watcher's latest statistics.
    func watchUpdated(_ statistics: WatchStatistics) { state.withLock { $0.watch = statistics } }

    /// The watcher's latest statistics, when a watcher runs.
    public var watch: WatchStatistics? { state.withLock { $0.watch } }

    public var isServing: Bool { state.withLock { $0.serving } }
    public var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }
    /// The bound port (useful when the configuration asked for port 0).
    public var port: Int? { state.withLock { $0.port } }
}
