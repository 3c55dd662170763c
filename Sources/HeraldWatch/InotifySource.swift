import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One event as the kernel reports it.
public struct InotifyEvent: Sendable, Equatable {
    public var descriptor: Int32
    public var mask: UInt32
    public var cookie: UInt32
    public var name: String

    public func has(_ flag: Int32) -> Bool { mask & UInt32(bitPattern: flag) != 0 }
    public var isDirectory: Bool { has(IN_ISDIR) }
}

/// Why a watch could not be added.
public enum WatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `fs.inotify.max_user_watches` is exhausted.
    case tooManyWatches
    case failed(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .tooManyWatches: "fs.inotify.max_user_watches is too low"
        case .failed(let path, let code): "cannot watch \(path): \(String(cString: strerror(code)))"
        }
    }
}

/// A Linux inotify instance: add and remove directory watches, read batches of events.
///
/// Reads block in `poll` with a timeout, so they belong on a dedicated thread, never on Swift's
/// cooperative pool.
public final class InotifySource: @unchecked Sendable {
    /// Everything that changes a directory's content or a file's completeness.
    static let mask: UInt32 = [
        IN_CREATE, IN_CLOSE_WRITE, IN_MODIFY, IN_MOVED_FROM, IN_MOVED_TO, IN_DELETE, IN_DELETE_SELF, IN_MOVE_SELF,
        IN_ONLYDIR, IN_EXCL_UNLINK,
    ].reduce(0) { $0 | UInt32(truncatingIfNeeded: $1) }

    private let descriptor: Int32

    public init() throws(WatchError) {
        descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { throw .failed(path: "inotify_init1", errno: errno) }
    }

    deinit { close(descriptor) }

    /// Watches one directory (not its subdirectories: inotify is not recursive).
    public func addWatch(_ path: String) throws(WatchError) -> Int32 {
        let watch = inotify_add_watch(descriptor, path, Self.mask)
        guard watch >= 0 else {
            let code = errno
            throw code == ENOSPC ? .tooManyWatches : .failed(path: path, errno: code)
        }
        return watch
    }

    public func removeWatch(_ watch: Int32) {
        _ = inotify_rm_watch(descriptor, watch)
    }

    /// Waits up to `timeout` milliseconds and returns what arrived (possibly nothing).
    public func read(timeout: Int32) -> [InotifyEvent] {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, timeout) > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return [] }
        return Self.parse(buffer[..<count])
    }

    /// Decodes a buffer of `struct inotify_event` records.
    static func parse(_ bytes: ArraySlice<UInt8>) -> [InotifyEvent] {
        var events: [InotifyEvent] = []
        var offset = bytes.startIndex
        let header = 16
        while offset + header <= bytes.endIndex {
            func word(_ at: Int) -> UInt32 {
                UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3])
                    << 24
            }
            let watch = Int32(bitPattern: word(offset))
            let mask = word(offset + 4)
            let cookie = word(offset + 8)
            let length = Int(word(offset + 12))
            let nameBytes = bytes[(offset + header)..<min(offset + header + length, bytes.endIndex)]
            let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
            events.append(InotifyEvent(descriptor: watch, mask: mask, cookie: cookie, name: name))
            offset += header + length
        }
        return events
    }
}
