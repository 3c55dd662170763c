import Foundation
import HeraldCore

/// Turns a Tautulli "Webhook" agent body into an `Event`.
///
/// Tautulli ships no default body: users write a JSON template, and Tautulli substitutes every
/// `{parameter}` as a string, leaves unknown ones as the literal `{name}`, and renders missing
/// ones as `""`. So every field is optional and read leniently; only `action` is needed to name
/// the event (`play` or `on_play` → `tautulli.play`).
public enum TautulliWebhookDecoder {
    /// The 22 notification actions, without their `on_` prefix.
    static let knownActions: Set<String> = [
        "play", "stop", "pause", "resume", "error", "change", "intro", "commercial", "credits", "watched", "buffer",
        "concurrent", "newdevice", "created", "intdown", "intup", "extdown", "extup", "pmsupdate", "plexpyupdate",
        "plexpydbcorrupt", "tokenexpired",
    ]

    public static func decode(_ body: Data, receivedAt: Date = Date()) throws(WebhookError) -> Event {
        try JSONBody.read(body, source: "Tautulli") { root throws(JSONBody.FieldError) in
            event(root, body: body, receivedAt: receivedAt)
        }
    }

    /// Every field is read leniently under its Tautulli parameter name, so nothing here can fail.
    private static func event(_ payload: JSONValue, body: Data, receivedAt: Date) -> Event {
        var kind = "tautulli.unknown"
        var ignored: String? = "the template sends no 'action' (add \"action\": \"{action}\" to the JSON Data)"
        if var action = payload.lenientString("action")?.lowercased() {
            if action.hasPrefix("on_") { action.removeFirst(3) }
            let safe = action.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            kind = safe ? "tautulli." + action : "tautulli.unknown"
            ignored = knownActions.contains(action) ? nil : "unknown Tautulli action '\(action)'"
        }
        let type = payload.lenientString("media_type").map(MediaType.init(plexType:))
        let title = payload.lenientString("title")
        var media = MediaInfo(
            type: type,
            title: type == .episode ? (payload.lenientString("episode_name") ?? title) : title,
            year: payload.positiveInt("year"),
            show: payload.lenientString("show_name") ?? payload.lenientString("grandparent_title"),
            season: payload.lenientInt("season_num") ?? payload.lenientInt("parent_media_index"),
            ratingKey: payload.lenientString("rating_key"),
            guids: MediaGuids(
                imdb: payload.lenientString("imdb_id"), tmdb: payload.lenientString("themoviedb_id"),
                tvdb: payload.lenientString("thetvdb_id"), plex: payload.lenientString("guid")),
            library: payload.lenientString("library_name")
        )
        if let episode = payload.lenientInt("episode_num") ?? payload.lenientInt("media_index") {
            media.episodes = [episode]
        }
        return Event(
            receivedAt: receivedAt,
            source: .tautulli,
            kind: kind,
            paths: payload.lenientString("file").map { [$0] } ?? [],
            media: media,
            user: payload.lenientString("user") ?? payload.lenientString("username"),
            player: payload.lenientString("player"),
            ignoredReason: ignored,
            raw: body
        )
    }
}
