import Foundation
import HeraldConfig
import HeraldCore
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Writes one line per log record to standard error, as logfmt or JSON.
///
/// The level is read from a shared `Reloadable`, so a SIGHUP that changes `log.level` takes
/// effect for every logger at once. Metadata keys are dotted (`event.source`), never secrets.
public struct StructuredLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let format: LoggingSettings.Format
    let level: Reloadable<Logger.Level>

    public init(label: String, format: LoggingSettings.Format, level: Reloadable<Logger.Level>) {
        self.label = label
        self.format = format
        self.level = level
    }

    public var logLevel: Logger.Level {
        get { level.current }
        set { level.replace(with: newValue) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let extra = event.metadata { fields.merge(extra) { _, new in new } }
        let timestamp = Self.timestamp(Date())
        let line: String
        switch format {
        case .logfmt:
            var parts = ["ts=\(timestamp)", "level=\(event.level)", "msg=\(Self.logfmtValue("\(event.message)"))"]
            for key in fields.keys.sorted() { parts.append("\(key)=\(Self.logfmtValue("\(fields[key]!)"))") }
            line = parts.joined(separator: " ")
        case .json:
            var object: [String: String] = ["ts": timestamp, "level": "\(event.level)", "msg": "\(event.message)"]
            for (key, value) in fields { object[key] = "\(value)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            line = String(decoding: data, as: UTF8.self)
        }
        // One write(2) per record keeps lines whole when several threads log at once.
        var bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// `2026-12-04T17:30:05.123Z`: UTC with milliseconds, from the C library's calendar. Foundation's
    /// ISO 8601 style resolves its time zone through ICU for every record, the first one loading
    /// ICU's time-zone code and data.
    static func timestamp(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        let milliseconds = min(999, max(0, Int(((interval - Double(seconds)) * 1000).rounded(.down))))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), milliseconds)
    }

    /// Quotes a logfmt value when it holds spaces, quotes, `=` or anything `TerminalText`
    /// escapes (control characters: a value from a webhook must not forge a line or drive the
    /// terminal that shows the log).
    static func logfmtValue(_ value: String) -> String {
        let safe = TerminalText.safe(value)
        let needsQuotes = safe.isEmpty || safe != value || safe.contains { $0 == " " || $0 == "\"" || $0 == "=" }
        guard needsQuotes else { return value }
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

extension LoggingSettings.Level {
    /// The swift-log level of the same name.
    public var loggerLevel: Logger.Level {
        Logger.Level(rawValue: rawValue) ?? .info
    }
}
