import Foundation

extension JSONDocument {
    /// One value of a document: a position in its token list. Cheap to copy; reading converts.
    public struct Value: Sendable {
        let document: JSONDocument
        let index: Int

        private var token: Token { document.tokens[index] }

        public var kind: Kind { token.kind }
        public var isNull: Bool { token.kind == .null }

        /// The index of the token after this value and everything inside it.
        var next: Int {
            let token = self.token
            return token.kind == .object || token.kind == .array ? Int(token.end) : index + 1
        }

        /// An object's member by name (the first, if the name repeats); nil for other kinds or an absent name.
        public subscript(name: String) -> Value? {
            let tokens = document.tokens
            guard tokens[index].kind == .object else { return nil }
            let end = Int(tokens[index].end)
            var key = index + 1
            var name = name
            return name.withUTF8 { wanted in
                while key < end {
                    let value = Value(document: document, index: key + 1)
                    if document.stringEquals(key, wanted) { return value }
                    key = value.next
                }
                return nil
            }
        }

        /// An array's elements in order (empty for other kinds).
        public var elements: Elements {
            Elements(document: document, position: index + 1, end: kind == .array ? next : 0)
        }

        /// The text of a string (nil for other kinds).
        public var string: String? {
            token.kind == .string ? document.text(of: index) : nil
        }

        /// A number that is a whole `Int` (`3`, `3.0`, `3e2`); nil for other kinds, fractions and overflow.
        public var int: Int? {
            let token = self.token
            guard token.kind == .number else { return nil }
            if !token.flag, let value = document.integer(of: index) { return value }
            guard let double, double.rounded() == double, abs(double) < 1e15 else { return nil }
            return Int(double)
        }

        /// A number as a `Double` (nil for other kinds).
        public var double: Double? {
            let token = self.token
            guard token.kind == .number else { return nil }
            return Double(String(decoding: document.bytes[Int(token.start)..<Int(token.end)], as: UTF8.self))
        }

        /// A boolean (nil for other kinds).
        public var bool: Bool? { token.kind == .bool ? token.flag : nil }

        /// Where the value sits, as `series.path` or `episodes[0].title` (for messages).
        public var path: String { document.path(to: index) }
    }

    /// The elements of an array, in order.
    public struct Elements: Sequence, IteratorProtocol, Sendable {
        let document: JSONDocument
        var position: Int
        let end: Int

        public mutating func next() -> Value? {
            guard position < end else { return nil }
            let value = Value(document: document, index: position)
            position = value.next
            return value
        }
    }

    // MARK: - Conversions

    /// Compares a string token with UTF-8 bytes, decoding escapes only when the token has them.
    func stringEquals(_ index: Int, _ wanted: UnsafeBufferPointer<UInt8>) -> Bool {
        let token = tokens[index]
        let start = Int(token.start)
        let length = Int(token.end) - start
        if !token.flag {
            guard length == wanted.count else { return false }
            return bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + start, wanted.baseAddress!, length) == 0 }
        }
        return unescaped(token).elementsEqual(wanted)
    }

    func text(of index: Int) -> String {
        let token = tokens[index]
        if token.flag { return String(decoding: unescaped(token), as: UTF8.self) }
        return bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[Int(token.start)..<Int(token.end)]), as: UTF8.self)
        }
    }

    /// An integer without fraction or exponent, read digit by digit; nil when it overflows `Int`.
    func integer(of index: Int) -> Int? {
        let token = tokens[index]
        var position = Int(token.start)
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var value = 0
        while position < Int(token.end) {
            let digit = Int(bytes[position] &- UInt8(ascii: "0"))
            let (shifted, overflowShift) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowAdd) =
                negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            if overflowShift || overflowAdd { return nil }
            value = sum
            position += 1
        }
        return value
    }

    /// A string token's bytes with its escapes decoded (the parser checked them all).
    private func unescaped(_ token: Token) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(Int(token.end - token.start))
        var position = Int(token.start)
        let end = Int(token.end)
        while position < end {
            let byte = bytes[position]
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                position += 1
                continue
            }
            let code = bytes[position + 1]
            position += 2
            switch code {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = UInt32(hex4(at: position))
                position += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    let low = UInt32(hex4(at: position + 2))
                    position += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                output.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
            default: output.append(code)  // " \ /
            }
        }
        return output
    }

    private func hex4(at position: Int) -> UInt16 {
        bytes[position..<position + 4].reduce(0) { $0 << 4 | UInt16(Self.hexValue($1) ?? 0) }
    }

    /// The path from the root to a token, found by descending through the containers that hold it.
    func path(to target: Int) -> String {
        var path = ""
        var current = 0
        while current != target {
            let container = Value(document: self, index: current)
            guard container.kind == .object || container.kind == .array, target < container.next else { break }
            let before = current
            var child = current + 1
            var position = 0
            while child < container.next {
                let value = Value(document: self, index: container.kind == .object ? child + 1 : child)
                if target == child && container.kind == .object {
                    current = target  // the target is a member name: stop at its object
                    break
                }
                if target >= value.index && target < value.next {
                    path += container.kind == .object ? "." + text(of: child) : "[\(position)]"
                    current = value.index
                    break
                }
                child = value.next
                position += 1
            }
            if current == before { break }
        }
        return path.hasPrefix(".") ? String(path.dropFirst()) : path
    }
}
