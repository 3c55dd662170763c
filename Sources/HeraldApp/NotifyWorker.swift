import Foundation
import HeraldConfig
import HeraldCore
import HeraldNotify
import HeraldStore
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Delivers the notification outbox: one lane per channel, so a channel that is down, slow or rate
/// limited never delays another, and order is kept within each channel.
///
/// A lane claims its channel's due messages, renders each at send time (a group has all its
/// items by then), paces itself by the service's rate limit, and records every outcome: sent,
/// retried after the service's `Retry-After` or a backoff (the whole lane waits, so order holds
/// and a 429 is never retried early, even across restarts), dead (permanent failures raise
/// `herald.delivery.failed`), or expired at its TTL.
struct NotifyWorker: Service {
    let database: AppDatabase
    let journal: any EventJournal
    let channels: [ChannelSettings]
    let senders: [ChannelTarget.Service: any ChannelSender]
    let renderer: NotificationRenderer
    let signals: [String: WakeSignal]
    let timeZone: TimeZone
    let metrics: NotifyMetrics
    let logger: Logger
    let now: @Sendable () -> Date
    let random: @Sendable () -> Double
    /// Discord's global rate limit pauses every Discord lane.
    let discordPause = ServicePause()

    func run() async throws {
        guard !channels.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        do {
            let interrupted = try await database.resetInterruptedDeliveries()
            if interrupted > 0 {
                logger.notice(
                    "notifications interrupted by the last stop will be sent again",
                    metadata: ["delivery.count": "\(interrupted)"])
            }
        } catch {
            logger.error("cannot reset interrupted notifications", metadata: ["error": "\(error)"])
        }
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for channel in channels {
                    guard let sender = senders[channel.service], let signal = signals[channel.name] else { continue }
                    group.addTask {
                        await NotifyLane(
                            worker: self, channel: channel, sender: sender, signal: signal,
                            counters: metrics.counters(channel.name)
                        ).run()
                    }
                }
                group.addTask { await updateDepthMetrics() }
            }
        }
    }

    /// Refreshes the queue-depth and oldest-age gauges every few seconds, and hourly drops the
    /// posters no pending message can need any more (older than the longest TTL, at least a week).
    private func updateDepthMetrics() async {
        var pruned = Date.distantPast
        let keep = max(channels.map(\.ttl).max() ?? .zero, .seconds(7 * 86_400))
        while !Task.isCancelled {
            if now().timeIntervalSince(pruned) >= 3600 {
                pruned = now()
                if let count = try? await database.prunePosters(olderThan: keep, now: pruned), count > 0 {
                    logger.info("old Plex posters dropped from the journal", metadata: ["poster.count": "\(count)"])
                }
            }
            if let depth = try? await database.outboxDepth() {
                for channel in channels {
                    let entry = depth[channel.name]
                    metrics.depth(channel.name, pending: entry?.pending ?? 0, oldest: entry?.oldest, now: now())
                }
            }
            try? await Task.sleep(for: .seconds(5))
        }
    }

    /// Journals `herald.delivery.failed` (and friends) for rules to react to.
    func emit(_ kind: String, detail: [String: String]) async {
        let raw = (try? JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys])) ?? Data()
        let event = Event(receivedAt: now(), source: .herald, kind: kind, raw: raw)
        do {
            _ = try await journal.append(event)
        } catch {
            logger.error("internal event not journalled", metadata: ["event.kind": "\(kind)", "error": "\(error)"])
        }
    }
}

/// A pause shared by the lanes of one service (Discord's global rate limit).
final class ServicePause: Sendable {
    private let until = Mutex<Date?>(nil)

    func pause(until date: Date) {
        until.withLock { current in current = max(current ?? date, date) }
    }

    func remaining(at now: Date) -> TimeInterval? {
        until.withLock { current in
            guard let date = current, date > now else { return nil }
            return date.timeIntervalSince(now)
        }
    }
}
