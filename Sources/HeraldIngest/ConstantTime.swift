/// Comparisons whose duration does not depend on where two secrets differ.
enum ConstantTime {
    /// True when both byte sequences are equal; the time taken depends only on their lengths.
    static func equals(_ left: some Collection<UInt8>, _ right: some Collection<UInt8>) -> Bool {
        var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
        var rightIterator = right.makeIterator()
        for byte in left {
            let other = rightIterator.next() ?? ~byte
            difference |= byte ^ other
        }
        return difference == 0 && left.count == right.count
    }

    static func equals(_ left: String, _ right: String) -> Bool {
        equals(Array(left.utf8), Array(right.utf8))
    }
}
