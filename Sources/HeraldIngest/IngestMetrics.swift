import CoreMetrics
import HeraldCore
import Synchronization

/// Counters for what arrived and what was refused, created from an injected factory so tests and
/// the daemon each use their own registry. Counter handles are cached: looking one up in the
/// factory on every request costs more than the increment.
public final class IngestMetrics: Sendable {
    private let factory: any MetricsFactory
    private let counters = Mutex<[String: Counter]>([:])
    /// Received counters by kind alone (kinds are named after their source): one string hashed
    /// per request instead of a key built from every label.
    private let receivedByKind = Mutex<[String: Counter]>([:])

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func received(kind: String, source: EventSource) {
        let counter = receivedByKind.withLock { cache in
            if let counter = cache[kind] { return counter }
            let counter = Counter(
                label: "herald_events_received_total",
                dimensions: [("source", source.rawValue), ("kind", kind)],
                factory: factory)
            cache[kind] = counter
            return counter
        }
        counter.increment()
    }

    func rejected(source: String, reason: String) {
        counter("herald_events_rejected_total", [("source", source), ("reason", reason)]).increment()
    }

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        return counters.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = Counter(label: label, dimensions: dimensions, factory: factory)
            cache[key] = counter
            return counter
        }
    }
}
