import CoreMetrics
import Foundation
import HeraldCore
import HeraldNotify
import HeraldStore
import Logging

/// One channel's lane of the notification worker.
struct NotifyLane {
    let worker: NotifyWorker
    let channel: ChannelSettings
    let sender: any ChannelSender
    let signal: WakeSignal
    /// This channel's counters, made once (looking a counter up per message costs a lock and a hash).
    let counters: NotifyMetrics.Counters
    var logger: Logger { worker.logger }

    /// What a sent batch leaves to record at the lane's next write.
    struct Outcomes {
        var resolutions: [(id: Int64, resolution: DeliveryResolution)] = []
        var unsent: [Int64] = []
        var failures: [[String: String]] = []
    }

    func run() async {
        var state: ChannelState
        do {
            state = try await worker.database.channelState(name: channel.name, fingerprint: channel.fingerprint)
        } catch {
            logger.error(
                "cannot read a channel's state", metadata: ["notify.channel": "\(channel.name)", "error": "\(error)"])
            state = ChannelState(fingerprint: channel.fingerprint)
        }
        var bucket = channel.effectiveRateLimit.map(RateWindow.init)
        var announcedDisabled = false
        var outcomes = Outcomes()
        while !Task.isCancelled {
            let now = worker.now()
            // Why the lane may not send now, and for how long (nil: it may).
            var hold: TimeInterval?
            if state.disabledReason != nil {
                hold = 30
            } else if let blocked = state.blockedUntil, blocked > now {
                hold = blocked.timeIntervalSince(now)
            } else if channel.service == .discord, let pause = worker.discordPause.remaining(at: now) {
                hold = pause
            }
            let quiet = channel.quietHours.map { $0.contains(now, in: worker.timeZone) } ?? false
            let holding = quiet && channel.quietHours?.mode == .hold
            let batch: [Delivery]
            var nextDue: Date?
            do {
                let cycle = try await worker.database.cycleDeliveries(
                    channel: channel.name, resolutions: outcomes.resolutions, unsent: outcomes.unsent,
                    claim: hold != nil ? 0 : (bucket == nil ? 32 : 1), now: now, failuresOnly: holding)
                batch = cycle.claimed
                nextDue = cycle.nextDue
                await report(expired: cycle.expired)
            } catch {
                logger.error("outbox unreadable", metadata: ["notify.channel": "\(channel.name)", "error": "\(error)"])
                await signal.wait(for: .seconds(5))
                continue
            }
            for detail in outcomes.failures { await worker.emit("herald.delivery.failed", detail: detail) }
            outcomes = Outcomes()
            if let hold {
                if let reason = state.disabledReason {
                    if !announcedDisabled {
                        announcedDisabled = true
                        logger.error(
                            "notification channel disabled by its service; change its URL in the configuration to enable it",
                            metadata: ["notify.channel": "\(channel.name)", "reason": "\(reason)"])
                    }
                    _ = try? await worker.database.killPendingDeliveries(
                        channel: channel.name, reason: "channel disabled: \(reason)", now: now)
                    await signal.wait(for: .seconds(hold))
                } else {
                    await sleep(hold)
                }
                continue
            }
            guard !batch.isEmpty else {
                var wait = 5.0
                if let next = nextDue { wait = max(0, min(next.timeIntervalSince(now), wait)) }
                if holding, let end = channel.quietHours?.end(after: now, in: worker.timeZone) {
                    wait = max(wait, min(end.timeIntervalSince(now), 60))
                }
                await signal.wait(for: .milliseconds(Int64(max(wait, 0.001) * 1000)))
                continue
            }
            outcomes = await send(batch, quiet: quiet, bucket: &bucket, state: &state)
        }
        // Stopping: record what the last batch achieved, so nothing delivered is sent again.
        if !outcomes.resolutions.isEmpty || !outcomes.unsent.isEmpty {
            _ = try? await worker.database.cycleDeliveries(
                channel: channel.name, resolutions: outcomes.resolutions, unsent: outcomes.unsent, claim: 0,
                now: worker.now())
        }
    }

    private func sleep(_ seconds: TimeInterval) async {
        try? await Task.sleep(for: .milliseconds(Int64(max(1, min(seconds, 3600) * 1000))))
    }

    /// The poster Plex attached to the message's first event that has one, for the services that
    /// take uploads (Discord, Telegram); nil for the others, or when it was not kept.
    private func poster(of items: [NotificationItem]) async -> Data? {
        guard channel.service == .discord || channel.service == .telegram else { return nil }
        for item in items where item.posterAttached == true {
            if let data = try? await worker.database.thumb(eventID: item.eventID) { return data }
        }
        return nil
    }

    /// Counts, logs and announces messages that reached their TTL undelivered: each one is a
    /// `herald.delivery.expired` event, as a dead one is `herald.delivery.failed`, so a rule can
    /// send word elsewhere (never to the channel itself).
    private func report(expired: [Delivery]) async {
        guard !expired.isEmpty else { return }
        counters.expired.increment(by: expired.count)
        logger.warning(
            "notifications expired before they could be delivered",
            metadata: [
                "notify.channel": "\(channel.name)", "delivery.count": "\(expired.count)",
                "last_error": "\(expired.last?.lastError ?? "")",
            ])
        for delivery in expired {
            await worker.emit(
                "herald.delivery.expired",
                detail: [
                    "channel": channel.name, "reason": delivery.lastError ?? "not delivered within its ttl",
                    "rule": delivery.rule, "cause": delivery.eventID, "delivery": String(delivery.id),
                ])
        }
    }

    /// Sends a claimed batch in order; the first message that is not delivered ends the batch and
    /// the rest go back to pending, so order is kept.
    private func send(
        _ batch: [Delivery], quiet: Bool, bucket: inout RateWindow?, state: inout ChannelState
    ) async
        -> Outcomes
    {
        var outcomes = Outcomes()
        var stop = false
        for delivery in batch {
            if stop || Task.isCancelled {
                outcomes.unsent.append(delivery.id)
                continue
            }
            if var current = bucket {
                if let until = current.take(now: worker.now()) {
                    await sleep(until.timeIntervalSince(worker.now()))
                    _ = current.take(now: worker.now())
                }
                bucket = current
            }
            let now = worker.now()
            // The stored items are JSON: decoded at most once, and only when something reads them.
            var decoded: [NotificationItem]?
            func items() -> [NotificationItem] {
                if let decoded { return decoded }
                let items = delivery.items
                decoded = items
                return items
            }
            var content = worker.renderer.render(
                template: delivery.template, itemsJSON: delivery.itemsJSON, decode: items,
                severity: delivery.severity, rule: delivery.rule, channel: channel.name, now: now)
            var image: Data?
            if content.imageURL == NotificationContent.attachedPoster {
                image = await poster(of: items())
                if image == nil { content.imageURL = nil }
            }
            // Only a webhook body template reads the items themselves.
            var needsItems = false
            if case .webhook(let target) = channel.target, target.body != nil { needsItems = true }
            var message = OutgoingMessage(
                content: content, items: needsItems ? items() : [], rule: delivery.rule, channel: channel.name,
                key: delivery.key,
                silent: quiet && channel.quietHours?.mode == .silent && delivery.severity < .failure,
                firstPart: delivery.partsSent, telegramChat: state.telegramChat.flatMap(TelegramChat.init))
            message.image = image
            var report = await sender.send(message, to: channel, now: now)
            if case .migrated(let chat, let reason) = report.result {
                logger.warning(
                    "Telegram group was upgraded to a supergroup: sending to the new chat id; put it in the configuration",
                    metadata: ["notify.channel": "\(channel.name)", "telegram.chat": "\(chat)", "reason": "\(reason)"])
                state.telegramChat = String(chat)
                try? await worker.database.saveChannelState(name: channel.name, state)
                message.telegramChat = .id(chat)
                message.firstPart = report.partsDelivered
                report = await sender.send(message, to: channel, now: worker.now())
                if case .migrated = report.result {
                    report.result = .permanent(
                        reason: "Telegram asked to migrate twice: \(reason)", disableChannel: false)
                }
            }
            // Built only when a line is logged (a closure): a delivered message logs nothing at info.
            var metadata: Logger.Metadata {
                [
                    "notify.channel": "\(channel.name)", "delivery.id": "\(delivery.id)",
                    "delivery.key": "\(delivery.key)",
                    "delivery.attempt": "\(delivery.attempts)",
                ]
            }
            if Task.isCancelled, case .retry = report.result {
                // Cut short by a shutdown: not an attempt; it goes out after the restart.
                outcomes.unsent.append(delivery.id)
                continue
            }
            if let until = report.rateLimitedUntil {
                // The service's own count says its bucket is empty: the next message waits for it.
                bucket?.pause(until: until)
            }
            switch report.result {
            case .delivered(let answer):
                outcomes.resolutions.append((delivery.id, .sent(at: worker.now())))
                counters.sent.increment()
                logger.debug("notification delivered", metadata: metadata.merging(["answer": "\(answer)"]) { $1 })
            case .retry(let after, let reason, let global):
                let backoff = channel.retry.delay(afterFailures: delivery.attempts, random: worker.random())
                let delay = after ?? backoff
                let until = worker.now().addingTimeInterval(delay)
                outcomes.resolutions.append(
                    (delivery.id, .retry(until: until, partsSent: report.partsDelivered, reason: reason)))
                state.blockedUntil = until
                if after != nil { bucket?.pause(until: until) }
                if global, channel.service == .discord { worker.discordPause.pause(until: until) }
                counters.retried.increment()
                logger.warning(
                    "notification will be retried",
                    metadata: metadata.merging([
                        "reason": "\(reason)", "retry.in_s": "\(String(format: "%.2f", delay))",
                        "retry.source": "\(after == nil ? "backoff" : "service")",
                    ]) { $1 })
                stop = true
            case .permanent(let reason, let disable):
                outcomes.resolutions.append((delivery.id, .dead(at: worker.now(), reason: reason)))
                counters.failed.increment()
                logger.error(
                    "notification failed permanently", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
                outcomes.failures.append([
                    "channel": channel.name, "reason": reason, "rule": delivery.rule, "cause": delivery.eventID,
                    "delivery": String(delivery.id),
                ])
                if disable {
                    state.disabledReason = reason
                    try? await worker.database.saveChannelState(name: channel.name, state)
                    stop = true
                }
            case .migrated(_, let reason):
                outcomes.resolutions.append((delivery.id, .dead(at: worker.now(), reason: reason)))
                counters.failed.increment()
            }
        }
        return outcomes
    }
}
