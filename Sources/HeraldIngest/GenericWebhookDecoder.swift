import Foundation
import HeraldCore

/// Turns any JSON body posted to `/hooks/generic/{name}` into an `Event`.
///
/// The kind is `generic.{name}`, or `generic.{name}.{event}` when the sender names an event (an
/// `X-Herald-Event` header or `?event=`). Top-level `path`/`paths` and `title` fields, when
/// present, fill the event's paths and media title so rules can use them.
public enum GenericWebhookDecoder {
    public static func decode(
        _ body: Data, endpoint: String, event: String?, receivedAt: Date = Date()
    )
        throws(WebhookError) -> Event
    {
        guard !body.isEmpty else { throw .malformed("empty body: expected JSON") }
        let root = try JSONBody.parse(body, expecting: "the sender")
        var kind = "generic.\(endpoint)"
        if let event {
            guard !event.isEmpty, event.count <= 64,
                event.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
            else { throw .malformed("event name may contain only letters, digits, '.', '_' and '-' (64 at most)") }
            kind += ".\(event)"
        }
        var paths: [String] = []
        var media = MediaInfo()
        if let path = root["path"]?.string { paths.append(path) }
        if let list = root["paths"] { paths += list.elements.compactMap(\.string) }
        media.title = root["title"]?.string
        return Event(
            receivedAt: receivedAt, source: .generic, kind: kind, paths: paths, media: media, endpoint: endpoint,
            raw: body)
    }
}
