import Foundation
import HeraldCore
import Testing

@Suite struct NotifyPolicyTests {
    let paris = TimeZone(identifier: "Europe/Paris")!

    func date(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)!
    }

    @Test func quietHoursCrossMidnightInTheConfiguredZone() {
        let quiet = QuietHours(start: 22 * 60, end: 7 * 60, mode: .hold)
        // 21:59 and 07:00 Paris time are outside; 22:00, 03:00 and 06:59 are inside.
        #expect(!quiet.contains(date("2026-11-22T20:59:00Z"), in: paris))
        #expect(quiet.contains(date("2026-11-22T21:00:00Z"), in: paris))
        #expect(quiet.contains(date("2026-11-23T02:00:00Z"), in: paris))
        #expect(quiet.contains(date("2026-11-23T05:59:00Z"), in: paris))
        #expect(!quiet.contains(date("2026-11-23T06:00:00Z"), in: paris))
        #expect(quiet.end(after: date("2026-11-22T21:30:00Z"), in: paris) == date("2026-11-23T06:00:00Z"))
    }

    @Test func quietHoursFollowDaylightSavingChanges() {
        let quiet = QuietHours(start: 22 * 60, end: 7 * 60, mode: .silent)
        // The night of 28–29 March 2026 loses an hour: 07:00 local is 05:00 UTC on the 29th.
        #expect(quiet.end(after: date("2026-03-28T22:00:00Z"), in: paris) == date("2026-03-29T05:00:00Z"))
        #expect(quiet.contains(date("2026-03-29T04:59:00Z"), in: paris))
        #expect(!quiet.contains(date("2026-03-29T05:00:00Z"), in: paris))
    }

    @Test func clockTimesParseStrictly() {
        #expect(ClockTime.minutes("07:30") == 450)
        #expect(ClockTime.minutes("7:05") == 425)
        #expect(ClockTime.minutes("24:00") == nil)
        #expect(ClockTime.minutes("7") == nil)
        #expect(ClockTime.minutes("07:3") == nil)
        #expect(ClockTime.minutes("+7:30") == nil)
        #expect(ClockTime.text(425) == "07:05")
    }

    @Test func theRateWindowLetsNoMoreThanTheLimitThroughInAnyWindow() {
        var window = RateWindow(limit: RateLimit(count: 5, per: .seconds(2)))
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        var sent: [Date] = []
        var now = start
        while now < start.addingTimeInterval(10) {
            if let next = window.take(now: now) {
                now = next
            } else {
                sent.append(now)
                now = now.addingTimeInterval(0.05)
            }
        }
        for (index, time) in sent.enumerated() {
            let inWindow = sent[index...].prefix { $0.timeIntervalSince(time) < 2 - 1e-9 }.count
            #expect(inWindow <= 5, "more than 5 sends within 2 s from \(time.timeIntervalSince(start))")
        }
        #expect(sent.count == 25, "5 per 2 s over 10 s")
        // A service that says its bucket is empty: nothing before the time it gave.
        window.pause(until: now.addingTimeInterval(1.5))
        #expect(window.take(now: now.addingTimeInterval(1)) == now.addingTimeInterval(1.5))
    }

    @Test func rateLimitsParseTheUsualForms() {
        #expect(RateLimit("5/2s") == RateLimit(count: 5, per: .seconds(2)))
        #expect(RateLimit("30/min") == RateLimit(count: 30, per: .seconds(60)))
        #expect(RateLimit("1/s") == RateLimit(count: 1, per: .seconds(1)))
        #expect(RateLimit("0/s") == nil)
        #expect(RateLimit("fast") == nil)
    }

    @Test func groupAndCooldownKeys() {
        let item = NotificationItem(
            eventID: "e", kind: "sonarr.download", source: "sonarr", receivedAt: Date(),
            media: MediaInfo(title: "Pilot", show: "Show", season: 1, episodes: [1]))
        #expect(item.groupKey(.none) == nil)
        #expect(item.groupKey(.show) == "show:Show")
        #expect(item.groupKey(.season) == "season:Show:1")
        var other = item
        other.eventID = "f"
        #expect(other.cooldownKey == item.cooldownKey)
        other.media.episodes = [2]
        #expect(other.cooldownKey != item.cooldownKey)
    }
}
