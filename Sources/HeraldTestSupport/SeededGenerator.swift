/// A small deterministic random generator (SplitMix64): generated test data is the same every
/// run, so a failure replays exactly.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// A value in `0..<bound`, by remainder (the small bias does not matter to tests).
    public mutating func next(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}
