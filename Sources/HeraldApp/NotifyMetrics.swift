import Foundation
import Metrics

/// Per-channel delivery metrics: sent, retried, failed, expired, queue depth and the age of the
/// oldest undelivered message.
struct NotifyMetrics: Sendable {
    let factory: any MetricsFactory

    /// One channel's counters.
    struct Counters: Sendable {
        let sent: Counter
        let retried: Counter
        let failed: Counter
        let expired: Counter
    }

    func counters(_ channel: String) -> Counters {
        func counter(_ label: String) -> Counter {
            Counter(label: label, dimensions: [("channel", channel)], factory: factory)
        }
        return Counters(
            sent: counter("herald_notifications_sent_total"), retried: counter("herald_notifications_retried_total"),
            failed: counter("herald_notifications_failed_total"), expired: counter("herald_notifications_expired_total")
        )
    }

    func depth(_ channel: String, pending: Int, oldest: Date?, now: Date) {
        Gauge(label: "herald_notifications_queue_depth", dimensions: [("channel", channel)], factory: factory)
            .record(pending)
        Gauge(
            label: "herald_notifications_oldest_pending_seconds", dimensions: [("channel", channel)], factory: factory
        )
        .record(oldest.map { max(0, now.timeIntervalSince($0)) } ?? 0)
    }
}
