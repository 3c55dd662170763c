/// The known file names of every directory of a `WatchTree`, `/`-joined, in one byte buffer.
///
/// A directory's names are a slice of the buffer, found by the directory's node index. A heap
/// string per directory cost its 32-byte header and the allocator's rounding on top of the names:
/// ~144 bytes for the ~100 bytes of names of a 9-episode season, ~2.5 MiB for 50,000 folders.
/// A slice that grows moves to the end of the buffer; the buffer is compacted once more than half
/// of it is left behind by moves and removals.
struct NameArena {
    private struct Slot {
        var start: UInt32 = 0
        var count: UInt32 = 0
    }

    private var bytes: [UInt8] = []
    private var slots: [Slot] = []
    /// Bytes of the buffer no slot refers to any more.
    private var unused = 0

    /// The joined names of a node (empty when it has none).
    func names(of node: Int32) -> ArraySlice<UInt8> {
        guard Int(node) < slots.count else { return [] }
        let slot = slots[Int(node)]
        return bytes[Int(slot.start)..<Int(slot.start + slot.count)]
    }

    /// Replaces a node's joined names (empty forgets them).
    mutating func set(_ node: Int32, to joined: some Collection<UInt8>) {
        let index = Int(node)
        if index >= slots.count { slots.append(contentsOf: repeatElement(Slot(), count: index - slots.count + 1)) }
        let old = slots[index]
        let count = joined.count
        if count <= Int(old.count) {
            bytes.replaceSubrange(Int(old.start)..<Int(old.start) + count, with: joined)
            unused += Int(old.count) - count
            slots[index].count = UInt32(count)
        } else {
            unused += Int(old.count)
            slots[index] = Slot(start: UInt32(bytes.count), count: UInt32(count))
            bytes.append(contentsOf: joined)
        }
        if count == 0 { slots[index].start = 0 }
        if unused > 64 * 1024, unused * 2 > bytes.count { compact() }
    }

    /// Copies every live slice into a fresh buffer of exactly their size.
    private mutating func compact() {
        var fresh: [UInt8] = []
        fresh.reserveCapacity(bytes.count - unused)
        for index in slots.indices where slots[index].count > 0 {
            let slot = slots[index]
            let start = fresh.count
            fresh.append(contentsOf: bytes[Int(slot.start)..<Int(slot.start + slot.count)])
            slots[index].start = UInt32(start)
        }
        bytes = fresh
        unused = 0
    }
}
