import Foundation

/// A five-field cron schedule (`minute hour day-of-month month day-of-week`), read in a time zone.
///
/// Fields take `*`, numbers, ranges (`1-5`), steps (`*/15`, `0-30/10`), lists (`1,15`) and names
/// (`jan`–`dec`, `sun`–`sat`; `0` and `7` are both Sunday). As in Vixie cron, when both day fields
/// are restricted a day matching either one fires. Across daylight-saving changes a wall-clock time
/// that does not exist that day (02:30 when clocks jump from 02:00 to 03:00) is skipped, and one
/// that occurs twice fires once, at its first occurrence.
public struct CronSchedule: Sendable, Equatable, CustomStringConvertible {
    public let minutes: Set<Int>
    public let hours: Set<Int>
    public let days: Set<Int>
    public let months: Set<Int>
    /// 0 = Sunday … 6 = Saturday.
    public let weekdays: Set<Int>
    let dayRestricted: Bool
    let weekdayRestricted: Bool
    public let description: String

    /// A field that could not be read, in words for the configuration error.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    public init(_ text: String) throws(ParseError) {
        let fields = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard fields.count == 5 else {
            throw ParseError(
                description: "a cron schedule has 5 fields (minute hour day month weekday), such as \"0 3 * * *\"; "
                    + "'\(text)' has \(fields.count)")
        }
        let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        minutes = try Self.field(fields[0], name: "minute", range: 0...59)
        hours = try Self.field(fields[1], name: "hour", range: 0...23)
        days = try Self.field(fields[2], name: "day of month", range: 1...31)
        months = try Self.field(fields[3], name: "month", range: 1...12, names: monthNames, firstName: 1)
        weekdays = Set(
            try Self.field(fields[4], name: "weekday", range: 0...7, names: dayNames, firstName: 0).map { $0 % 7 })
        dayRestricted = !fields[2].hasPrefix("*")
        weekdayRestricted = !fields[4].hasPrefix("*")
        description = fields.joined(separator: " ")
    }

    /// The first time strictly after `date` the schedule fires, or nil if it never does (such as
    /// `0 0 31 2 *`). Looks at most eight years ahead (a 29 February on a Monday recurs within that).
    public func next(after date: Date, zone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let sortedHours = hours.sorted()
        let sortedMinutes = minutes.sorted()
        let start = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        guard var day = calendar.date(from: DateComponents(year: start.year, month: start.month, day: start.day))
        else { return nil }
        for _ in 0..<(366 * 8) {
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            if let year = parts.year, let month = parts.month, let dayOfMonth = parts.day, let weekday = parts.weekday,
                matchesDay(month: month, day: dayOfMonth, weekday: weekday - 1)
            {
                for hour in sortedHours {
                    for minute in sortedMinutes {
                        let wanted = DateComponents(
                            year: year, month: month, day: dayOfMonth, hour: hour, minute: minute)
                        guard let candidate = calendar.date(from: wanted), candidate > date else { continue }
                        // A wall-clock time skipped by a daylight-saving jump comes back as another time.
                        let back = calendar.dateComponents([.day, .hour, .minute], from: candidate)
                        guard back.day == dayOfMonth, back.hour == hour, back.minute == minute else { continue }
                        return candidate
                    }
                }
            }
            guard let following = calendar.date(byAdding: .day, value: 1, to: day) else { return nil }
            day = following
        }
        return nil
    }

    private func matchesDay(month: Int, day: Int, weekday: Int) -> Bool {
        guard months.contains(month) else { return false }
        switch (dayRestricted, weekdayRestricted) {
        case (true, true): return days.contains(day) || weekdays.contains(weekday)
        case (true, false): return days.contains(day)
        case (false, true): return weekdays.contains(weekday)
        case (false, false): return true
        }
    }

    private static func field(
        _ text: String, name: String, range: ClosedRange<Int>, names: [String] = [], firstName: Int = 0
    ) throws(ParseError) -> Set<Int> {
        func value(_ token: Substring) throws(ParseError) -> Int {
            if let number = Int(token), range.contains(number) { return number }
            if let index = names.firstIndex(of: token.lowercased()) { return index + firstName }
            throw ParseError(
                description: "cron \(name) '\(token)' is not \(range.lowerBound)–\(range.upperBound)"
                    + (names.isEmpty ? "" : " or a name such as \(names[0])"))
        }
        var result = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2, let base = pieces.first, !base.isEmpty else {
                throw ParseError(description: "cron \(name) field '\(text)' is not valid")
            }
            var step = 1
            if pieces.count == 2 {
                guard let parsed = Int(pieces[1]), parsed > 0 else {
                    throw ParseError(description: "cron \(name) step '\(pieces[1])' must be a positive number")
                }
                step = parsed
            }
            var bounds: ClosedRange<Int>
            if base == "*" {
                bounds = range
            } else if let dash = base.firstIndex(of: "-") {
                let low = try value(base[..<dash])
                let high = try value(base[base.index(after: dash)...])
                guard low <= high else { throw ParseError(description: "cron \(name) range '\(base)' runs backwards") }
                bounds = low...high
            } else {
                let single = try value(base)
                bounds = single...(pieces.count == 2 ? range.upperBound : single)
            }
            result.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return result
    }
}
