import Foundation
import HeraldApp
import Testing

/// `--since` and `since=`: a duration back from now, a timestamp, or a local date with or without
/// its time of day, which is never dropped.
@Suite struct EventQueryTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let paris = TimeZone(identifier: "Europe/Paris")!

    @Test func aTimeOfDayIsKept() throws {
        let midnight = try EventQuery.date("2026-11-20", now: now, zone: paris)
        let evening = try EventQuery.date("2026-11-20 18:30", now: now, zone: paris)
        #expect(evening.timeIntervalSince(midnight) == 18.5 * 3600)
        #expect(try EventQuery.date("2026-11-20T18:30", now: now, zone: paris) == evening)
        #expect(try EventQuery.date("2026-11-20T18:30:05", now: now, zone: paris) == evening.addingTimeInterval(5))
        #expect(try EventQuery.date("2026-11-20T17:30:00Z", now: now, zone: paris) == evening, "Paris is UTC+1 then")
        #expect(try EventQuery.date("2h", now: now) == now.addingTimeInterval(-7200))
        #expect(throws: EventQuery.InvalidQuery.self) { try EventQuery.date("yesterday 18:30", now: now) }
    }
}
