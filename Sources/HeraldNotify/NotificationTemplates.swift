import Foundation
import HeraldCore
import Mustache

/// The Mustache templates notifications are rendered with: the built-in ones, and `*.mustache`
/// files from the configured directory (a file named like a built-in one replaces it).
///
/// A template's first line is the title; the rest is the body. Output is plain text (no HTML
/// escaping): each service escapes for its own markup afterwards.
public struct NotificationTemplates: Sendable {
    public struct Problem: Error, CustomStringConvertible {
        public var file: String
        public var message: String
        public var description: String { "\(file): \(message)" }
    }

    private var templates: [String: MustacheTemplate]
    /// Templates whose text mentions `channel` (their output differs per channel).
    private var perChannel: Set<String> = []

    /// The built-in templates' names.
    public static var builtInNames: [String] { BuiltInTemplates.all.keys.sorted() }

    /// Loads the built-ins and the files in `directory`; every template that does not parse is a problem.
    public init(directory: String? = nil) throws(TemplateErrors) {
        var templates: [String: MustacheTemplate] = [:]
        var perChannel: Set<String> = []
        var problems: [Problem] = []
        for (name, text) in BuiltInTemplates.all {
            do {
                templates[name] = try Self.compile(text)
                if text.contains("channel") { perChannel.insert(name) }
            } catch {
                problems.append(Problem(file: "built-in template \(name)", message: "\(error)"))
            }
        }
        if let directory {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for file in files.sorted() where file.hasSuffix(".mustache") {
                let path = directory + "/" + file
                guard let data = FileManager.default.contents(atPath: path),
                    let text = String(data: data, encoding: .utf8)
                else {
                    problems.append(Problem(file: path, message: "cannot read the template as UTF-8 text"))
                    continue
                }
                do {
                    let name = String(file.dropLast(".mustache".count))
                    templates[name] = try Self.compile(text)
                    if text.contains("channel") { perChannel.insert(name) } else { perChannel.remove(name) }
                } catch {
                    problems.append(Problem(file: path, message: "not a valid Mustache template: \(error)"))
                }
            }
        }
        if !problems.isEmpty { throw TemplateErrors(problems: problems) }
        self.templates = templates
        self.perChannel = perChannel
    }

    public var names: [String] { templates.keys.sorted() }

    public func contains(_ name: String) -> Bool { templates[name] != nil }

    /// Whether the template's output depends on the channel it is sent to.
    public func usesChannel(_ name: String) -> Bool { perChannel.contains(name) || templates[name] == nil }

    /// Renders `name` over `context`; the first non-empty line is the title, the rest the body.
    public func render(_ name: String, context: [String: Any]) -> (title: String, body: String)? {
        guard let template = templates[name] else { return nil }
        let text = template.render(context)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let first = lines.first, first.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeFirst() }
        guard !lines.isEmpty else { return ("", "") }
        let title = lines.removeFirst().trimmingCharacters(in: .whitespaces)
        let body = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return (title, body)
    }

    private static func compile(_ text: String) throws -> MustacheTemplate {
        try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT }}" + text)
    }

    /// The template used when neither the action nor the channel names one.
    public static func defaultName(forKind kind: String) -> String {
        // Cleanup events, failures included, read best in their own words.
        if kind.hasPrefix("herald.candidate.") { return "cleanup" }
        if kind.hasSuffix(".failed") || kind == "herald.scan.unmatched" || kind == "herald.scan.held" {
            return "failure"
        }
        if kind.hasPrefix("herald.scan.") { return "scan" }
        switch kind {
        case "plex.library.new", "sonarr.download", "radarr.download", "lidarr.download", "fs.created",
            "tautulli.created", "sonarr.upgrade", "radarr.upgrade":
            return "new-media"
        default:
            if kind.hasPrefix("plex.media.") || kind.hasPrefix("tautulli.") { return "playback" }
            return "event"
        }
    }

    /// The severity a message gets when the action does not set one.
    public static func defaultSeverity(template: String, kind: String) -> Severity {
        if template == "failure" || kind.hasSuffix(".failed") { return .failure }
        if kind == "herald.scan.unmatched" || kind == "herald.scan.held" { return .warning }
        if kind == "herald.scan.issued" { return .success }
        return .info
    }
}

/// Every problem found while loading templates.
public struct TemplateErrors: Error, CustomStringConvertible {
    public var problems: [NotificationTemplates.Problem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// The templates Herald ships with. Each is documented in the README's notification section.
enum BuiltInTemplates {
    static let all: [String: String] = [
        "new-media": """
        {{#grouped}}{{group_title}}: {{count}} new{{/grouped}}{{^grouped}}New: {{display_title}}{{/grouped}}
        {{#grouped}}
        {{#items}}
        • {{display_title}}
        {{/items}}
        {{/grouped}}
        {{^grouped}}
        {{#library}}
        Library: {{library}}
        {{/library}}
        {{#path}}
        {{path}}
        {{/path}}
        {{/grouped}}
        """,
        "playback": """
        {{#user}}{{user}}{{/user}}{{^user}}Someone{{/user}} {{action}} {{display_title}}
        {{#player}}
        on {{player}}
        {{/player}}
        {{#grouped}}
        {{#items}}
        • {{user}} {{action}} {{display_title}}
        {{/items}}
        {{/grouped}}
        """,
        "scan": """
        Plex scan {{status}}: {{detail.folder}}
        {{#detail.server}}Server: {{detail.server}}{{#detail.section}}, section {{detail.section}}{{/detail.section}}
        {{/detail.server}}{{#detail.reason}}{{detail.reason}}
        {{/detail.reason}}
        """,
        "failure": """
        Herald: {{kind}}{{#detail.channel}} ({{detail.channel}}){{/detail.channel}}
        {{#detail.reason}}{{detail.reason}}
        {{/detail.reason}}{{#detail.folder}}Folder: {{detail.folder}}
        {{/detail.folder}}{{#detail.anchor}}Missing anchor: {{detail.anchor}}
        {{/detail.anchor}}
        """,
        "cleanup": """
        {{heading}}{{#grouped}}: {{count}} items{{/grouped}}{{^grouped}}: {{display_title}}{{/grouped}}
        {{#grouped}}
        {{#items}}
        • {{display_title}}{{#size_text}} ({{size_text}}){{/size_text}}{{#detail.due}}, due {{detail.due}}{{/detail.due}}
        {{/items}}
        {{/grouped}}
        {{^grouped}}
        {{#size_text}}
        Size: {{size_text}}
        {{/size_text}}
        {{#detail.due}}
        Due: {{detail.due}}
        {{/detail.due}}
        {{#detail.reason}}
        Why: {{detail.reason}}
        {{/detail.reason}}
        {{#detail.error}}
        Error: {{detail.error}}
        {{/detail.error}}
        {{/grouped}}
        {{#detail.rule}}
        Rule: {{detail.rule}}
        {{/detail.rule}}
        """,
        "event": """
        {{kind}}{{#display_title}}: {{display_title}}{{/display_title}}
        {{#items}}
        {{#paths}}{{.}}
        {{/paths}}
        {{/items}}
        """,
        "test": """
        Herald test message
        If you can read this, the channel '{{channel}}' works.
        """,
    ]
}
