import Foundation

/// A daily window in which a channel stays quiet: messages wait until it ends, or go out silently.
///
/// The window may cross midnight (`22:00–07:00`). It is read in the configured time zone, so it
/// follows daylight-saving changes the way the people reading the channel do.
public struct QuietHours: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Messages wait until the window ends.
        case hold
        /// Messages go out at once without a push (Discord `SUPPRESS_NOTIFICATIONS`, Telegram
        /// `disable_notification`); services without such a flag send normally.
        case silent
    }

    /// Minutes after local midnight.
    public var start: Int
    public var end: Int
    public var mode: Mode

    public init(start: Int, end: Int, mode: Mode) {
        self.start = start
        self.end = end
        self.mode = mode
    }

    /// Whether `date` falls inside the window.
    public func contains(_ date: Date, in zone: TimeZone) -> Bool {
        guard start != end else { return false }
        let minute = Self.minuteOfDay(date, in: zone)
        return start < end ? (start <= minute && minute < end) : (minute >= start || minute < end)
    }

    /// When the window that contains `date` ends (the next local `end` time after `date`).
    public func end(after date: Date, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(hour: end / 60, minute: end % 60, second: 0)
        return calendar.nextDate(after: date, matching: components, matchingPolicy: .nextTime) ?? date
    }

    static func minuteOfDay(_ date: Date, in zone: TimeZone) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
    }
}
