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
    var logger: Logger { worker.logger }

    func run() async {
        var state: ChannelState
        do {
            state = try await worker.database.channelState(name: channel.name, fingerprint: channel.fingerprint)
        } catch {
            logger.error("cannot read a channel's state", metadata: ["notify.channel": "\(channel.name)", "error": "\(error)"])
            state = ChannelState(fingerprint: channel.fingerprint)
        }
        var bucket = channel.effectiveRateLimit.map(TokenBucket.init)
        var announcedDisabled = false
        while !Task.isCancelled {
            let now = worker.now()
            await expire(now: now)
            if let reason = state.disabledReason {
                if !announcedDisabled {
                    announcedDisabled = true
                    logger.error(
                        "notification channel disabled by its service; change its URL in the configuration to enable it",
                        metadata: ["notify.channel": "\(channel.name)", "reason": "\(reason)"])
                }
                _ = try? await worker.database.killPendingDeliveries(
                    channel: channel.name, reason: "channel disabled: \(reason)", now: now)
                await signal.wait(for: .seconds(30))
                continue
            }
            if let blocked = state.blockedUntil, blocked > now {
                await sleep(blocked.timeIntervalSince(now))
                continue
            }
            if channel.service == .discord, let pause = worker.discordPause.remaining(at: now) {
                await sleep(pause)
                continue
            }
            let quiet = channel.quietHours.map { $0.contains(now, in: worker.timeZone) } ?? false
            let holding = quiet && channel.quietHours?.mode == .hold
            let batch: [Delivery]
            do {
                batch = try await worker.database.claimDeliveries(
                    channel: channel.name, now: now, failuresOnly: holding, limit: bucket == nil ? 16 : 1)
            } catch {
                logger.error("outbox unreadable", metadata: ["notify.channel": "\(channel.name)", "error": "\(error)"])
                await signal.wait(for: .seconds(5))
                continue
            }
            guard !batch.isEmpty else {
                var wait = 5.0
                if let next = try? await worker.database.nextDueDate(channel: channel.name) {
                    wait = max(0, min(next.timeIntervalSince(now), wait))
                }
                if holding, let end = channel.quietHours?.end(after: now, in: worker.timeZone) {
                    wait = max(wait, min(end.timeIntervalSince(now), 60))
                }
                await signal.wait(for: .milliseconds(Int64(max(wait, 0.001) * 1000)))
                continue
            }
            await send(batch, quiet: quiet, bucket: &bucket, state: &state)
        }
    }

    private func sleep(_ seconds: TimeInterval) async {
        try? await Task.sleep(for: .milliseconds(Int64(max(1, min(seconds, 3600) * 1000))))
    }

    private func expire(now: Date) async {
        guard let expired = try? await worker.database.expireDeliveries(channel: channel.name, now: now),
            !expired.isEmpty
        else { return }
        worker.metrics.expired(channel.name, count: expired.count)
        logger.warning(
            "notifications expired before they could be delivered",
            metadata: [
                "notify.channel": "\(channel.name)", "delivery.count": "\(expired.count)",
                "last_error": "\(expired.last?.lastError ?? "")",
            ])
    }

    /// Sends a claimed batch in order; the first message that is not delivered ends the batch and
    /// the rest go back to pending, so order is kept.
    private func send(_ batch: [Delivery], quiet: Bool, bucket: inout TokenBucket?, state: inout ChannelState) async {
        var resolutions: [(id: Int64, resolution: DeliveryResolution)] = []
        var unsent: [Int64] = []
        var events: [[String: String]] = []
        var stop = false
        for delivery in batch {
            if stop {
                unsent.append(delivery.id)
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
            let content = worker.renderer.render(
                template: delivery.template, items: delivery.items, severity: delivery.severity, rule: delivery.rule,
                channel: channel.name, now: now)
            var message = OutgoingMessage(
                content: content, items: delivery.items, rule: delivery.rule, channel: channel.name, key: delivery.key,
                silent: quiet && channel.quietHours?.mode == .silent && delivery.severity < .failure,
                firstPart: delivery.partsSent, telegramChat: state.telegramChat.flatMap(TelegramChat.init))
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
                    report.result = .permanent(reason: "Telegram asked to migrate twice: \(reason)", disableChannel: false)
                }
            }
            let metadata: Logger.Metadata = [
                "notify.channel": "\(channel.name)", "delivery.id": "\(delivery.id)", "delivery.key": "\(delivery.key)",
                "delivery.attempt": "\(delivery.attempts)",
            ]
            switch report.result {
            case .delivered(let answer):
                resolutions.append((delivery.id, .sent(at: worker.now())))
                worker.metrics.sent(channel.name)
                logger.debug("notification delivered", metadata: metadata.merging(["answer": "\(answer)"]) { $1 })
            case .retry(let after, let reason, let global):
                let backoff = channel.retry.delay(afterFailures: delivery.attempts, random: worker.random())
                let delay = after ?? backoff
                let until = worker.now().addingTimeInterval(delay)
                resolutions.append((delivery.id, .retry(until: until, partsSent: report.partsDelivered, reason: reason)))
                state.blockedUntil = until
                if after != nil { bucket?.drain(now: worker.now()) }
                if global, channel.service == .discord { worker.discordPause.pause(until: until) }
                worker.metrics.retried(channel.name)
                logger.warning(
                    "notification will be retried",
                    metadata: metadata.merging([
                        "reason": "\(reason)", "retry.in_s": "\(String(format: "%.2f", delay))",
                        "retry.source": "\(after == nil ? "backoff" : "service")",
                    ]) { $1 })
                stop = true
            case .permanent(let reason, let disable):
                resolutions.append((delivery.id, .dead(at: worker.now(), reason: reason)))
                worker.metrics.failed(channel.name)
                logger.error("notification failed permanently", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
                events.append([
                    "channel": channel.name, "reason": reason, "rule": delivery.rule, "cause": delivery.eventID,
                    "delivery": String(delivery.id),
                ])
                if disable {
                    state.disabledReason = reason
                    try? await worker.database.saveChannelState(name: channel.name, state)
                    stop = true
                }
            case .migrated(_, let reason):
                resolutions.append((delivery.id, .dead(at: worker.now(), reason: reason)))
                worker.metrics.failed(channel.name)
            }
        }
        do {
            try await worker.database.recordDeliveries(resolutions, unsent: unsent, channel: channel.name)
        } catch {
            logger.error(
                "cannot record notification outcomes; they may be sent again",
                metadata: ["notify.channel": "\(channel.name)", "error": "\(error)"])
        }
        for detail in events { await worker.emit("herald.delivery.failed", detail: detail) }
    }
}
