/// Which bytes of the journal file a checkpoint pass lets the kernel drop from its page cache.
///
/// Why: the journal is written once and rarely read again (`herald events` and the API read a
/// few pages of it), yet every page a checkpoint copies into the file stays in the page cache. A
/// burst of webhooks then grows the cache by the journal's whole size (~100 MB/s under a flood),
/// taking memory a NAS needs for the media server's own files, and on virtual machines whose memory
/// the host backs on first touch (Firecracker, this project's benchmark machine) each new cache
/// page costs a fault in the host: copying into fresh pages ran at ~0.5 GB/s there against
/// ~3.5 GB/s into pages the kernel had just freed (BENCHMARKS.md, session 10). Released pages are
/// clean (the checkpoint has fsynced them), so nothing is lost: the kernel merely reuses them.
///
/// The file grows at its end: new event pages are appended there. So the release covers what the
/// file grew by since the last pass, except its last `keep` bytes, where the tree's right edge
/// (the pages the next commits touch) lives. Pages Herald did not write (the file as it was
/// when the daemon started) are left alone. Pure: the caller reads the size and drops the range.
struct PageCacheRelease: Sendable {
    /// Bytes at the end of the file that stay cached.
    let keep: Int64
    /// Everything before this offset has been released (or predates the daemon).
    private(set) var releasedThrough: Int64

    /// - Parameters:
    ///   - initialSize: The file's size when the daemon opened it; nothing before it is released.
    ///   - keep: Bytes at the end of the file left cached.
    init(initialSize: Int64, keep: Int64 = 8 << 20) {
        self.keep = max(0, keep)
        releasedThrough = max(0, initialSize)
    }

    /// The byte range to release now that the file is `size` bytes long, if any, and records it.
    ///
    /// A file that shrank below the mark (a `VACUUM` by hand) moves the mark back to its new end,
    /// so what is appended next is released again.
    mutating func range(forFileSize size: Int64) -> Range<Int64>? {
        guard size >= releasedThrough else {
            releasedThrough = max(0, size)
            return nil
        }
        let end = size - keep
        guard end > releasedThrough else { return nil }
        defer { releasedThrough = end }
        return releasedThrough..<end
    }
}
