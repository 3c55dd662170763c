import Foundation
import HeraldCore

/// What Herald reads from a Sonarr, Radarr or Lidarr body: the apps name the fields differently
/// (`series.path`, `movie.folderPath`, `artist.path`), the meaning is the same.
struct ArrPayload {
    var eventType: String
    /// The series, movie or artist folder.
    var folder: String?
    /// The files the event is about, in the body's order.
    var files: [ArrFile] = []
    var renamedFiles: [ArrFile] = []
    var media = MediaInfo()
    /// A deletion's `deletedFiles`: whether the files went too (false: removed from the app only).
    var deletedFiles: Bool?

    /// How the three apps differ, beyond their field names.
    struct App: Sendable {
        var name: String
        var source: EventSource
        var knownEvents: Set<String>
        /// Events about files (`files`), and whether their relative paths hang off the folder.
        var fileEvents: Set<String>
        var filesUnderFolder = true
        /// Events about the whole folder.
        var folderEvents: Set<String>
        var read: @Sendable (JSONValue) throws(JSONBody.FieldError) -> ArrPayload
    }

    /// Whether a folder event changed anything on disk: an item added to the app has no files yet
    /// (its download brings them, with an event of its own), and a deletion that kept the files
    /// (`deletedFiles: false`) left the folder as it was. Such events carry no paths, so a scan
    /// rule does not scan a folder that did not change.
    static func folderChanged(_ payload: ArrPayload) -> Bool {
        if payload.eventType.hasSuffix("Add") || payload.eventType.hasSuffix("Added") { return false }
        return payload.deletedFiles != false
    }

    /// Decodes a body of `app` into its event: kind from `eventType`, library paths by event type.
    static func decode(_ body: Data, app: App, receivedAt: Date) throws(WebhookError) -> Event {
        let payload = try JSONBody.read(body, source: app.name) { root throws(JSONBody.FieldError) in
            var payload = try app.read(root)
            payload.deletedFiles = root["deletedFiles"]?.bool
            return payload
        }
        let (kind, ignored) = try ArrEventType.classify(
            app: app.name, eventType: payload.eventType, known: app.knownEvents)
        var paths: [String] = []
        var previous: [String] = []
        if app.fileEvents.contains(payload.eventType) {
            paths = payload.files.compactMap { $0.libraryPath(in: app.filesUnderFolder ? payload.folder : nil) }
        } else if payload.eventType == "Rename" {
            (paths, previous) = ArrFile.renamed(
                payload.renamedFiles, in: payload.folder, resolveAgainstFolder: app.filesUnderFolder)
        } else if app.folderEvents.contains(payload.eventType), Self.folderChanged(payload) {
            paths = payload.folder.map { [$0] } ?? []
        }
        return Event(
            receivedAt: receivedAt, source: app.source, kind: kind, paths: paths, previousPaths: previous,
            media: payload.media, ignoredReason: ignored, raw: body)
    }
}

/// A file entry as the *arr apps send it (`episodeFile`, `movieFile`, `trackFiles[]`, renamed files).
struct ArrFile {
    var relativePath: String?
    var path: String?
    var previousRelativePath: String?
    var previousPath: String?

    /// Reads the four path fields of a file object; other fields are left alone.
    init(_ file: JSONValue) throws(JSONBody.FieldError) {
        relativePath = try file.string("relativePath")
        path = try file.string("path")
        previousRelativePath = try file.string("previousRelativePath")
        previousPath = try file.string("previousPath")
    }

    /// The files of a list member (`episodeFiles`, `renamedMovieFiles`).
    static func list(_ name: String, in object: JSONValue) throws(JSONBody.FieldError) -> [ArrFile] {
        try object.objects(name).map { file throws(JSONBody.FieldError) in try ArrFile(file) }
    }

    /// The library path: the owner's folder plus `relativePath`, never the download client's path.
    /// `path` is used only when there is no `relativePath` (Lidarr sends only `path`).
    func libraryPath(in folder: String?) -> String? {
        if let folder, let relativePath, !relativePath.isEmpty { return LibraryPath.join(folder, relativePath) }
        return path.flatMap { $0.isEmpty ? nil : $0 }
    }

    func previousLibraryPath(in folder: String?) -> String? {
        if let folder, let previousRelativePath, !previousRelativePath.isEmpty {
            return LibraryPath.join(folder, previousRelativePath)
        }
        return previousPath.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// New and previous library paths of a rename's files; the owner's folder when the body lists
    /// no files (older versions send only the folder).
    static func renamed(
        _ files: [ArrFile], in folder: String?, resolveAgainstFolder: Bool = true
    ) -> (
        paths: [String], previous: [String]
    ) {
        let base = resolveAgainstFolder ? folder : nil
        let paths = files.compactMap { $0.libraryPath(in: base) }
        let previous = files.compactMap { $0.previousLibraryPath(in: base) }
        return (paths.isEmpty ? (folder.map { [$0] } ?? []) : paths, previous)
    }
}
