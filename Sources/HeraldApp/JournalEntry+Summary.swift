import Foundation
import HeraldCore
import HeraldStore

extension JournalEntry {
    /// One human line: time, sequence, kind, what it is about, its paths, and why it was ignored.
    public var summaryLine: String {
        var parts = [Self.timestamp(event.receivedAt), "#\(sequence)", event.kind]
        if let about = event.media.summary { parts.append(about) }
        if let user = event.user { parts.append("user=\(user)") }
        if let first = event.paths.first {
            parts.append(event.paths.count > 1 ? "\(first) (+\(event.paths.count - 1) more)" : first)
        }
        if let reason = event.ignoredReason { parts.append("[ignored: \(reason)]") }
        if let failure = dispatchFailure { parts.append("[dispatch failed: \(failure)]") }
        if dispatchedAt == nil { parts.append("[pending]") }
        return parts.joined(separator: "  ")
    }
}

extension MediaInfo {
    /// `Show S02E18`, `Movie (2002)`, or the bare title.
    var summary: String? {
        if let show, let season {
            let episodeText = episodes.map { String(format: "E%02d", $0) }.joined()
            return "\(show) S\(String(format: "%02d", season))\(episodeText)"
        }
        if let title { return year.map { "\(title) (\($0))" } ?? title }
        return show
    }
}
