import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why a cleanup action or restore could not be carried out, in words for a person.
public struct CleanupFailure: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}

/// The file operations of cleanup actions, each safe to repeat after a crash.
///
/// A move is a `rename(2)` when source and target share a file system; across file systems the
/// file is copied to `<target>.herald-partial`, synced, renamed into place and only then is the
/// source removed, so at every instant one complete copy exists under a known name.
enum FileMover {
    typealias Failure = CleanupFailure

    static let partialSuffix = ".herald-partial"

    /// Whether anything is at `path`, a dangling symbolic link included (`lstat`, not `stat`).
    static func exists(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)) != nil
    }

    static func size(_ path: String) -> Int64? {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value
    }

    /// Moves a file to a path that must not exist yet, creating the target's folders.
    static func move(from: String, to: String) throws {
        guard !exists(to) else { throw Failure(description: "\(to) already exists; nothing was overwritten") }
        try makeDirectories((to as NSString).deletingLastPathComponent)
        let code = renameNoReplace(from, to)
        if code == 0 { return }
        if code == EEXIST { throw Failure(description: "\(to) already exists; nothing was overwritten") }
        guard code == EXDEV else { throw Failure(description: "cannot move \(from) to \(to): \(message(code))") }
        try copyAcross(from: from, to: to)
    }

    /// Renames within one file system without ever replacing a file at `to`, even one that
    /// appeared after it was checked (`rename` would replace it): a hard link is refused with
    /// `EEXIST`, then the old name is removed. On file systems without hard links, the checked
    /// `rename`. Returns 0 or the `errno` (`EXDEV` across file systems).
    static func renameNoReplace(_ from: String, _ to: String) -> Int32 {
        if link(from, to) == 0 {
            unlink(from)
            return 0
        }
        let code = errno
        switch code {
        case EPERM, ENOTSUP, EOPNOTSUPP, EMLINK:
            guard !exists(to) else { return EEXIST }
            return rename(from, to) == 0 ? 0 : errno
        default:
            return code
        }
    }

    /// Finishes a move a crash interrupted: whatever state it was left in, the file ends at `to`.
    static func completeMove(from: String, to: String) throws {
        unlink(to + partialSuffix)
        switch (exists(from), exists(to)) {
        case (false, true): return
        case (true, false): try move(from: from, to: to)
        case (true, true):
            // The copy was renamed into place (so it is complete) but the source was not removed yet.
            guard size(from) == size(to) else {
                throw Failure(description: "both \(from) and \(to) exist with different sizes; left for a person")
            }
            try remove(from)
        case (false, false): throw Failure(description: "\(from) is gone and \(to) does not exist")
        }
    }

    /// Removes a file; one already gone is fine.
    static func remove(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw Failure(description: "cannot delete \(path): \(message(errno))")
        }
    }

    /// Files beside `file` that belong to it: same name up to a dot, such as `Film (2020).en.srt`
    /// or `Film (2020).nfo` for `Film (2020).mkv`. Never another media file of the same stem.
    static func sidecars(of file: String, excluding media: Set<String>) -> [String] {
        let folder = (file as NSString).deletingLastPathComponent
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        guard !stem.isEmpty, let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        let sidecarExtensions: Set<String> = [
            "srt", "ass", "ssa", "sub", "idx", "vtt", "sup", "smi", "nfo", "jpg", "jpeg", "png", "tbn", "txt",
        ]
        return names.sorted().compactMap { name in
            guard name.hasPrefix(stem + "."),
                sidecarExtensions.contains((name as NSString).pathExtension.lowercased())
            else { return nil }
            let path = folder + "/" + name
            return path == file || media.contains(path) ? nil : path
        }
    }

    /// Removes `folder` and its ancestors while they are empty, stopping at any of `roots` (never
    /// removed). Returns the nearest folder that still exists.
    static func pruneEmptyFolders(from folder: String, stopAt roots: [String]) -> String {
        var current = folder
        while current.count > 1, !roots.contains(current), rmdir(current) == 0 || errno == ENOENT {
            current = (current as NSString).deletingLastPathComponent
        }
        return current
    }

    static func makeDirectories(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "cannot create \(path): \(error.localizedDescription)")
        }
    }

    private static func copyAcross(from: String, to: String) throws {
        let partial = to + partialSuffix
        let input = open(from, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw Failure(description: "cannot read \(from): \(message(errno))") }
        defer { close(input) }
        let attributes = (try? FileManager.default.attributesOfItem(atPath: from)) ?? [:]
        let mode = (attributes[.posixPermissions] as? NSNumber)?.uint32Value ?? 0o644
        let output = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode & 0o7777)
        guard output >= 0 else { throw Failure(description: "cannot write \(partial): \(message(errno))") }
        var failure: String?
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        copying: while true {
            let count = read(input, buffer, 1 << 20)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                failure = "cannot read \(from): \(message(errno))"
                break
            }
            var offset = 0
            while offset < count {
                let written = write(output, buffer + offset, count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = "cannot write \(partial): \(message(errno))"
                    break copying
                }
                offset += written
            }
        }
        if failure == nil, fsync(output) != 0 { failure = "cannot sync \(partial): \(message(errno))" }
        close(output)
        if failure == nil, let modified = attributes[.modificationDate] as? Date {
            // Keep the modification time: Plex and people sort by it.
            try? FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: partial)
        }
        if let failure {
            unlink(partial)
            throw Failure(description: failure)
        }
        let code = renameNoReplace(partial, to)
        guard code == 0 else {
            unlink(partial)
            if code == EEXIST { throw Failure(description: "\(to) already exists; nothing was overwritten") }
            throw Failure(description: "cannot rename \(partial) to \(to): \(message(code))")
        }
        syncFolder((to as NSString).deletingLastPathComponent)
        try remove(from)
    }

    private static func syncFolder(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    private static func message(_ code: Int32) -> String { String(cString: strerror(code)) }
}
