import Foundation
import HeraldCore
import Synchronization

/// Turns a delivery's items into the message: builds the template context and renders it.
public struct NotificationRenderer: Sendable {
    public let templates: NotificationTemplates
    private let cache = RenderCache()

    public init(templates: NotificationTemplates) {
        self.templates = templates
    }

    /// Renders from the stored items, once per fan-out: every channel of one message shares the
    /// same items, template and rule, so the result is cached under them (and under the channel
    /// only when the template uses `{{channel}}`); items are decoded only when rendering is needed.
    public func render(
        template: String, itemsJSON: String, decode: () -> [NotificationItem], severity: Severity, rule: String,
        channel: String, now: Date
    ) -> NotificationContent {
        let perChannel = templates.usesChannel(template)
        let key = [template, severity.rawValue, rule, perChannel ? channel : "", itemsJSON].joined(separator: "\u{0}")
        if let cached = cache.lookup(key) { return cached }
        let content = render(
            template: template, items: decode(), severity: severity, rule: rule, channel: channel, now: now)
        cache.store(key, content)
        return content
    }

    /// Renders the message for `items` (one, or a group) with the named template.
    ///
    /// An unknown template name (a file removed since the rule was loaded) falls back to `event`,
    /// so the message still goes out.
    public func render(
        template: String, items: [NotificationItem], severity: Severity, rule: String, channel: String, now: Date
    ) -> NotificationContent {
        let context = Self.context(items: items, severity: severity, rule: rule, channel: channel)
        let rendered =
            templates.render(template, context: context) ?? templates.render("event", context: context) ?? ("", "")
        var title = rendered.title
        if title.isEmpty { title = items.first?.kind ?? "Herald" }
        return NotificationContent(
            title: title, body: rendered.body, severity: severity,
            imageURL: items.first(where: { $0.poster != nil })?.poster
                ?? (items.contains { $0.posterAttached == true } ? NotificationContent.attachedPoster : nil),
            timestamp: items.first?.receivedAt ?? now,
            footer: rule.isEmpty ? "Herald" : "Herald · \(rule)")
    }

    /// The values templates can use. Top-level fields describe the first item; `items` lists all.
    public static func context(
        items: [NotificationItem], severity: Severity, rule: String, channel: String
    )
        -> [String: Any]
    {
        var context = items.first.map(values(of:)) ?? [:]
        context["items"] = items.map(values(of:))
        context["count"] = items.count
        context["grouped"] = items.count > 1
        context["severity"] = severity.rawValue
        context["rule"] = rule
        context["channel"] = channel
        if let first = items.first {
            let show = first.media.show ?? first.media.title ?? ""
            context["group_title"] =
                first.media.season.map { "\(show) season \($0)" } ?? (show.isEmpty ? first.kind : show)
        }
        return context
    }

    static func values(of item: NotificationItem) -> [String: Any] {
        var values: [String: Any] = [
            "event_id": item.eventID, "kind": item.kind, "source": item.source,
            "received_at": item.receivedAt.formatted(.iso8601), "paths": item.paths,
            "detail": item.detail, "display_title": displayTitle(item), "action": action(item.kind),
            "status": item.kind.split(separator: ".").last.map(String.init) ?? item.kind,
        ]
        let media = item.media
        let optional: [String: Any?] = [
            "title": media.title, "year": media.year, "show": media.show, "season": media.season,
            "episode": media.episodes.first, "episode_code": episodeCode(media), "library": media.library,
            "type": media.type?.rawValue, "user": item.user, "player": item.player, "poster": item.poster,
            "path": item.paths.first, "folder": item.paths.first.map(LibraryPath.parent(of:)),
            "imdb": media.guids.imdb, "tmdb": media.guids.tmdb, "tvdb": media.guids.tvdb,
        ]
        for (key, value) in optional { if let value { values[key] = value } }
        if let heading = cleanupHeadings[item.kind] { values["heading"] = heading }
        if let bytes = item.detail["size"].flatMap(Int64.init), bytes > 0 {
            values["size_text"] = ByteSize.text(bytes)
        }
        return values
    }

    /// What the `cleanup` template calls each candidate event.
    static let cleanupHeadings = [
        "herald.candidate.flagged": "Cleanup candidate", "herald.candidate.leaving_soon": "Leaving soon",
        "herald.candidate.unflagged": "No longer leaving", "herald.candidate.archived": "Archived",
        "herald.candidate.deleted": "Deleted", "herald.candidate.restored": "Restored",
        "herald.candidate.failed": "Cleanup action failed",
    ]

    /// `Show – S01E02 – Title`, `Movie (2020)`, or the file name when the source said nothing.
    static func displayTitle(_ item: NotificationItem) -> String {
        let media = item.media
        if let show = media.show {
            var parts = [show]
            if let code = episodeCode(media) { parts.append(code) }
            if let title = media.title, title != show { parts.append(title) }
            return parts.joined(separator: " – ")
        }
        if let title = media.title { return media.year.map { "\(title) (\($0))" } ?? title }
        if let path = item.paths.first { return String(path.split(separator: "/").last ?? Substring(path)) }
        return ""
    }

    static func episodeCode(_ media: MediaInfo) -> String? {
        guard let season = media.season, let first = media.episodes.first else { return nil }
        func two(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
        var code = "S\(two(season))E\(two(first))"
        if let last = media.episodes.last, last != first { code += "-E\(two(last))" }
        return code
    }

    /// The verb for playback kinds (`plex.media.play` → `started`).
    static func action(_ kind: String) -> String {
        switch kind.split(separator: ".").last ?? "" {
        case "play", "playback_start": "started"
        case "pause", "playback_pause": "paused"
        case "resume", "playback_resume": "resumed"
        case "stop", "playback_stop": "stopped"
        case "scrobble", "watched": "finished"
        case "rate": "rated"
        default: kind
        }
    }
}

/// Recently rendered messages, bounded (cleared when full: fan-outs hit it within milliseconds).
final class RenderCache: Sendable {
    private let entries = Mutex<[String: NotificationContent]>([:])
    private let capacity = 256

    func lookup(_ key: String) -> NotificationContent? { entries.withLock { $0[key] } }

    func store(_ key: String, _ content: NotificationContent) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = content
        }
    }
}
