import CoreMetrics
import HeraldCore

/// Counters for what arrived and what was refused, created from an injected factory so tests and
/// the daemon each use their own registry.
public struct IngestMetrics: Sendable {
    private let factory: any MetricsFactory

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func received(_ event: Event) {
        Counter(
            label: "herald_events_received_total",
            dimensions: [("source", event.source.rawValue), ("kind", event.kind)],
            factory: factory
        ).increment()
    }

    func rejected(source: String, reason: String) {
        Counter(
            label: "herald_events_rejected_total", dimensions: [("source", source), ("reason", reason)],
            factory: factory
        ).increment()
    }
}
