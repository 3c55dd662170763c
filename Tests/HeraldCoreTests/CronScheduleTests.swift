import Foundation
import HeraldCore
import Testing

/// Cron schedules in a time zone, across daylight-saving changes, exact to the second.
@Suite struct CronScheduleTests {
    let paris = TimeZone(identifier: "Europe/Paris")!
    let utc = TimeZone(identifier: "UTC")!

    func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    func text(_ date: Date?) -> String? { date.map { ISO8601DateFormatter().string(from: $0) } }

    @Test func fieldsListsRangesStepsAndNames() throws {
        let schedule = try CronSchedule("*/15 3,4 * jan-mar mon-fri")
        #expect(schedule.minutes == [0, 15, 30, 45] && schedule.hours == [3, 4])
        #expect(schedule.months == [1, 2, 3] && schedule.weekdays == [1, 2, 3, 4, 5])
        #expect(try CronSchedule("0 0 * * 7").weekdays == [0], "7 is Sunday too")
        #expect(try CronSchedule("5/20 * * * *").minutes == [5, 25, 45])
        // 2026-11-22 is a Sunday; the next weekday 03:00 is Monday's (Paris is UTC+1 in November).
        #expect(
            text(try CronSchedule("0 3 * * mon-fri").next(after: date("2026-11-22T08:00:00Z"), zone: paris))
                == "2026-11-23T02:00:00Z")
    }

    @Test func theNextTimeIsStrictlyAfterAndExactToTheMinute() throws {
        let daily = try CronSchedule("30 4 * * *")
        #expect(text(daily.next(after: date("2026-11-22T04:29:59Z"), zone: utc)) == "2026-11-22T04:30:00Z")
        #expect(text(daily.next(after: date("2026-11-22T04:30:00Z"), zone: utc)) == "2026-11-23T04:30:00Z")
        #expect(
            text(try CronSchedule("0 0 1 1 *").next(after: date("2026-11-22T00:00:00Z"), zone: utc))
                == "2027-01-01T00:00:00Z")
        #expect(
            text(try CronSchedule("0 12 29 2 *").next(after: date("2026-03-01T00:00:00Z"), zone: utc))
                == "2028-02-29T12:00:00Z")
        #expect(try CronSchedule("0 0 31 2 *").next(after: date("2026-01-01T00:00:00Z"), zone: utc) == nil)
    }

    @Test func eitherDayFieldMatchesWhenBothAreRestricted() throws {
        // The 1st of the month or any Friday: 2026-11-27 is a Friday, before 1 December.
        let schedule = try CronSchedule("0 9 1 * fri")
        #expect(text(schedule.next(after: date("2026-11-22T12:00:00Z"), zone: utc)) == "2026-11-27T09:00:00Z")
        #expect(text(schedule.next(after: date("2026-11-27T09:00:00Z"), zone: utc)) == "2026-12-01T09:00:00Z")
    }

    @Test func daylightSavingSkipsMissingTimesAndFiresRepeatedOnesOnce() throws {
        // Paris jumps from 02:00 to 03:00 on 2026-03-29: 02:30 does not exist that day.
        let halfPastTwo = try CronSchedule("30 2 * * *")
        #expect(text(halfPastTwo.next(after: date("2026-03-28T12:00:00Z"), zone: paris)) == "2026-03-30T00:30:00Z")
        // 2026-10-25 goes back from 03:00 to 02:00: 02:30 happens twice, fired at the first (CEST, UTC+2).
        let first = halfPastTwo.next(after: date("2026-10-24T12:00:00Z"), zone: paris)
        #expect(text(first) == "2026-10-25T00:30:00Z")
        #expect(text(halfPastTwo.next(after: first!, zone: paris)) == "2026-10-26T01:30:00Z")
        // 03:00 local is 01:00Z in summer time (UTC+2) and 02:00Z from the day the clocks go back.
        let three = try CronSchedule("0 3 * * *")
        #expect(text(three.next(after: date("2026-10-24T12:00:00Z"), zone: paris)) == "2026-10-25T02:00:00Z")
        #expect(text(three.next(after: date("2026-10-23T12:00:00Z"), zone: paris)) == "2026-10-24T01:00:00Z")
    }

    @Test func mistakesSayWhatIsWrong() {
        func message(_ text: String) -> String? {
            do {
                _ = try CronSchedule(text)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(message("0 3 * *")?.contains("has 4") == true)
        #expect(message("60 3 * * *") == "cron minute '60' is not 0–59")
        #expect(message("0 3 * foo *") == "cron month 'foo' is not 1–12 or a name such as jan")
        #expect(message("0 3 * * */0") == "cron weekday step '0' must be a positive number")
        #expect(message("0 5-3 * * *") == "cron hour range '5-3' runs backwards")
        #expect(message("0 3,,4 * * *") == "cron hour field '3,,4' is not valid")
    }
}
