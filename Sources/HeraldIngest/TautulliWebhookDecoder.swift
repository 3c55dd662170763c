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
        let payload = try JSONBody.decode(TautulliPayload.self, from: body, source: "Tautulli")
        var kind = "tautulli.unknown"
        var ignored: String? = "the template sends no 'action' (add \"action\": \"{action}\" to the JSON Data)"
        if var action = payload.action?.value?.lowercased() {
            if action.hasPrefix("on_") { action.removeFirst(3) }
            let safe = action.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            kind = safe ? "tautulli." + action : "tautulli.unknown"
            ignored = knownActions.contains(action) ? nil : "unknown Tautulli action '\(action)'"
        }
        let type = payload.media_type?.value.map(MediaType.init(plexType:))
        var media = MediaInfo(
            type: type,
            title: type == .episode ? (payload.episode_name?.value ?? payload.title?.value) : payload.title?.value,
            year: payload.year?.positive,
            show: payload.show_name?.value ?? payload.grandparent_title?.value,
            season: payload.season_num?.value ?? payload.parent_media_index?.value,
            ratingKey: payload.rating_key?.value,
            guids: MediaGuids(
                imdb: payload.imdb_id?.value, tmdb: payload.themoviedb_id?.value, tvdb: payload.thetvdb_id?.value,
                plex: payload.guid?.value),
            library: payload.library_name?.value
        )
        if let episode = payload.episode_num?.value ?? payload.media_index?.value { media.episodes = [episode] }
        return Event(
            receivedAt: receivedAt,
            source: .tautulli,
            kind: kind,
            paths: payload.file?.value.map { [$0] } ?? [],
            media: media,
            user: payload.user?.value ?? payload.username?.value,
            player: payload.player?.value,
            ignoredReason: ignored,
            raw: body
        )
    }
}

/// The Tautulli parameters Herald understands, under their Tautulli names.
// swift-format-ignore: AlwaysUseLowerCamelCase
struct TautulliPayload: Decodable {
    var action: LenientString?
    var media_type: LenientString?
    var title: LenientString?
    var episode_name: LenientString?
    var show_name: LenientString?
    var grandparent_title: LenientString?
    var season_num: LenientInt?
    var parent_media_index: LenientInt?
    var episode_num: LenientInt?
    var media_index: LenientInt?
    var year: LenientInt?
    var rating_key: LenientString?
    var guid: LenientString?
    var imdb_id: LenientString?
    var thetvdb_id: LenientString?
    var themoviedb_id: LenientString?
    var library_name: LenientString?
    var file: LenientString?
    var user: LenientString?
    var username: LenientString?
    var player: LenientString?
}
