import Foundation
import Synchronization

/// Event identifiers: UUID version 7 (RFC 9562), a millisecond timestamp followed by random bits.
///
/// They are unique like any UUID, but increase with time, so the journal's unique index on them
/// grows at its right edge. Random (version 4) ids land all over the index, and on a large journal
/// each commit then rewrites many scattered pages, which showed as tail latency.
///
/// The random bits come from a generator seeded once per process from the system's: a counter
/// run through SplitMix64's mixing function, which is a bijection, so ids of one process never
/// repeat, and those of different processes differ by their seeds. A `getrandom(2)` per id was a
/// system call per webhook. Ids are names, not secrets: nothing relies on their being unguessable.
public enum EventID {
    private static let seeds: (UInt64, UInt64) = {
        var system = SystemRandomNumberGenerator()
        return (system.next(), system.next())
    }()
    private static let counter = Atomic<UInt64>(0)

    public static func make(at date: Date = Date()) -> String {
        let count = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        let high = mix(seeds.0 &+ count)
        let low = mix(seeds.1 &+ count)
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        // 48 bits of time, version 7, 12 random bits; the RFC 9562 variant, 62 random bits.
        let first = (milliseconds << 16) | 0x7000 | (high & 0x0fff)
        let second = 0x8000_0000_0000_0000 | (low & 0x3fff_ffff_ffff_ffff)
        return String(unsafeUninitializedCapacity: 36) { buffer in
            let digits: StaticString = "0123456789abcdef"
            var index = 0
            for nibble in 0..<32 {
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    buffer[index] = UInt8(ascii: "-")
                    index += 1
                }
                let word = nibble < 16 ? first : second
                let value = Int((word >> UInt64(4 * (15 - nibble % 16))) & 0xf)
                buffer[index] = digits.utf8Start[value]
                index += 1
            }
            return index
        }
    }

    /// SplitMix64's finaliser: a bijection on 64 bits that spreads consecutive inputs over all bits.
    static func mix(_ input: UInt64) -> UInt64 {
        var value = input &+ 0x9E37_79B9_7F4A_7C15
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
