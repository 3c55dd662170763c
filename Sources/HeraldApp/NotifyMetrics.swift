import Foundation
import Metrics

/// Per-channel delivery metrics: sent, retried, failed, expired, queue depth and the age of the
/// oldest undelivered message.
struct NotifyMetrics: Sendable {
    let factory: any MetricsFactory

    private func counter(_ label: String, _ channel: String) -> Counter {
        Counter(label: label, dimensions: [("channel", channel)], factory: factory)
    }

    func sent(_ channel: String) { counter("herald_notifications_sent_total", channel).increment() }
    func retried(_ channel: String) { counter("herald_notifications_retried_total", channel).increment() }
    func failed(_ channel: String) { counter("herald_notifications_failed_total", channel).increment() }
    func expired(_ channel: String, count: Int) {
        counter("herald_notifications_expired_total", channel).increment(by: count)
    }

    func depth(_ channel: String, pending: Int, oldest: Date?, now: Date) {
        Gauge(label: "herald_notifications_queue_depth", dimensions: [("channel", channel)], factory: factory)
            .record(pending)
        Gauge(label: "herald_notifications_oldest_pending_seconds", dimensions: [("channel", channel)], factory: factory)
            .record(oldest.map { max(0, now.timeIntervalSince($0)) } ?? 0)
    }
}
