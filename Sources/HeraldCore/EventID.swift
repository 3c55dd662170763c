import Foundation

/// Event identifiers: UUID version 7 (RFC 9562), a millisecond timestamp followed by random bits.
///
/// They are unique like any UUID, but increase with time, so the journal's unique index on them
/// grows at its right edge. Random (version 4) ids land all over the index, and on a large journal
/// each commit then rewrites many scattered pages, which showed as tail latency.
public enum EventID {
    public static func make(at date: Date = Date()) -> String {
        // Two draws of the system generator (one getrandom(2) each; drawing a byte at a time made
        // ten), and the text written in place: this runs once per webhook.
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
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
}
