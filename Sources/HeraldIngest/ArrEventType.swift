import HeraldCore

/// Names of the *arr apps' `eventType` values as Herald event kinds.
///
/// Sonarr, Radarr and Lidarr send PascalCase names (`EpisodeFileDelete`); Herald kinds are dotted
/// and snake_case (`sonarr.episode_file_delete`), so rules read `sonarr.download`, `radarr.rename`.
enum ArrEventType {
    /// `EpisodeFileDelete` → `episode_file_delete`; anything that is not a plain name → nil.
    static func snakeCase(_ eventType: String) -> String? {
        let name = eventType.utf8
        guard !name.isEmpty, name.allSatisfy({ $0 < 0x80 && (isUpper($0) || isLower($0) || isDigit($0)) }) else {
            return nil
        }
        var output: [UInt8] = []
        output.reserveCapacity(name.count + 4)
        for byte in name {
            if isUpper(byte) {
                if !output.isEmpty { output.append(UInt8(ascii: "_")) }
                output.append(byte | 0x20)
            } else {
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func isUpper(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "A") < 26 }
    private static func isLower(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "a") < 26 }
    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// The kind and, for test pings and unknown types, why the event is only journalled.
    static func classify(
        app: String, eventType: String, known: Set<String>
    ) throws(WebhookError) -> (
        kind: String, ignoredReason: String?
    ) {
        guard let name = snakeCase(eventType) else {
            throw .malformed("\(app) body has an invalid 'eventType' '\(eventType.prefix(64))'")
        }
        if eventType == "Test" { return ("\(app.lowercased()).test", "test event from \(app)") }
        let reason = known.contains(eventType) ? nil : "unknown \(app) event type '\(eventType)'"
        return ("\(app.lowercased()).\(name)", reason)
    }
}

/// A file entry as the *arr apps send it (`episodeFile`, `movieFile`, `trackFiles[]`, renamed files).
struct ArrFile {
    var relativePath: String?
    var path: String?
    var previousRelativePath: String?
    var previousPath: String?

    /// Reads the four path fields of a file object; other fields are left alone.
    init(_ file: JSONDocument.Value) throws(JSONBody.FieldError) {
        relativePath = try file.string("relativePath")
        path = try file.string("path")
        previousRelativePath = try file.string("previousRelativePath")
        previousPath = try file.string("previousPath")
    }

    /// The files of a list member (`episodeFiles`, `renamedMovieFiles`).
    static func list(_ name: String, in object: JSONDocument.Value) throws(JSONBody.FieldError) -> [ArrFile] {
        var files: [ArrFile] = []
        for file in try object.objects(name) { files.append(try ArrFile(file)) }
        return files
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
