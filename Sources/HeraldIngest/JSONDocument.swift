import Foundation

/// A parsed JSON text (RFC 8259): its bytes and a flat list of tokens pointing into them.
///
/// Webhook bodies are read once, a few fields at a time, so this parser does no more than that
/// needs: one pass validates the whole text (grammar, escapes, UTF-8, nesting) and records where
/// each value is; strings and numbers are converted only when a decoder asks for them. Containers
/// record where they end, so skipping a subtree (most of an *arr body) costs one step. Foundation's
/// `JSONDecoder` built a tree of every value and went through `Codable`'s generic containers, and
/// took about as long per Sonarr webhook as the HTTP server's whole answer (BENCHMARKS.md).
public final class JSONDocument: Sendable {
    /// The type of a JSON value.
    public enum Kind: UInt8, Sendable {
        case object, array, string, number, bool, null

        /// How a message names the type: "a string", "an object".
        public var described: String {
            switch self {
            case .object: "an object"
            case .array: "a list"
            case .string: "a string"
            case .number: "a number"
            case .bool: "true or false"
            case .null: "null"
            }
        }
    }

    /// One value. Scalars: `start..<end` are its bytes (a string's without the quotes).
    /// Containers: `start` is the byte of the bracket, `end` the index of the first token after
    /// the container's last descendant.
    struct Token {
        var kind: Kind
        /// Strings: has escapes. Numbers: has a fraction or exponent. Booleans: true.
        var flag: Bool
        var start: UInt32
        var end: UInt32
    }

    /// Why a text is not JSON, and where.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var line: Int
        public var column: Int

        public var description: String { "\(message) at line \(line), column \(column)" }
    }

    /// Containers nested deeper than this are refused (no webhook comes near it).
    public static let maximumDepth = 512

    let bytes: [UInt8]
    let tokens: [Token]

    /// The top-level value.
    public var root: Value { Value(document: self, index: 0) }

    /// Parses and validates a whole text.
    ///
    /// - Throws: `SyntaxError` with the line and column of the first problem.
    public init(_ data: Data) throws(SyntaxError) {
        let bytes = data.withUnsafeBytes { [UInt8]($0) }
        self.bytes = bytes
        var parser = Parser(count: bytes.count)
        let outcome: Parser.Failure? = bytes.withUnsafeBufferPointer { parser.parse($0) }
        if let outcome { throw Self.syntaxError(outcome, in: bytes) }
        tokens = parser.tokens
    }

    private static func syntaxError(_ failure: Parser.Failure, in bytes: [UInt8]) -> SyntaxError {
        var line = 1
        var column = 1
        for byte in bytes[..<min(failure.offset, bytes.count)] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        var message = failure.message
        if failure.offset >= bytes.count {
            message = failure.atEnd ?? "unexpected end of input"
        } else if failure.showsCharacter {
            let byte = bytes[failure.offset]
            let shown =
                (0x21...0x7E).contains(byte)
                ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
            message += " \(shown)"
        }
        return SyntaxError(message: message, line: line, column: column)
    }
}

// MARK: - Parser

extension JSONDocument {
    /// The single validating pass: an explicit stack instead of recursion, so depth costs no stack.
    struct Parser {
        struct Failure: Error {
            var message: String
            var offset: Int
            /// Append the offending character to the message.
            var showsCharacter = false
            /// The message when the input ended early instead.
            var atEnd: String?
        }

        var tokens: [Token] = []
        /// Open containers: their token indices.
        var open: [Int] = []
        /// The innermost container was opened by the last value: its first member or closing bracket is next.
        var justOpened = false

        init(count: Int) {
            tokens.reserveCapacity(count / 16 + 8)
        }

        mutating func parse(_ text: UnsafeBufferPointer<UInt8>) -> Failure? {
            guard text.count < Int(UInt32.max) else { return Failure(message: "text too large", offset: 0) }
            var position = 0
            do throws(Failure) {
                position = try value(text, skippingSpace(text, 0))
                while !open.isEmpty {
                    position = skippingSpace(text, position)
                    if justOpened {
                        justOpened = false
                        position = try first(text, position)
                    } else {
                        position = try afterValue(text, position)
                    }
                }
                position = skippingSpace(text, position)
                if position < text.count {
                    throw Failure(
                        message: "unexpected text after the JSON value:", offset: position, showsCharacter: true)
                }
            } catch {
                return error
            }
            return nil
        }

        private func skippingSpace(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
            var position = start
            while position < text.count {
                switch text[position] {
                case 0x20, 0x0A, 0x0D, 0x09: position += 1
                default: return position
                }
            }
            return position
        }

        /// Right after an opening bracket: the closing one, or the first member.
        private mutating func first(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) throws(Failure) -> Int {
            let isObject = tokens[open[open.count - 1]].kind == .object
            if start < text.count, text[start] == UInt8(ascii: isObject ? "}" : "]") {
                close()
                return start + 1
            }
            return isObject ? try member(text, start) : try value(text, start)
        }

        /// After a value inside the innermost container: `,` then the next member, or the closing bracket.
        private mutating func afterValue(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) throws(Failure) -> Int {
            let container = open[open.count - 1]
            let isObject = tokens[container].kind == .object
            guard start < text.count else {
                throw Failure(
                    message: "", offset: start, atEnd: "unexpected end of input: \(isObject ? "}" : "]") expected")
            }
            switch text[start] {
            case UInt8(ascii: ","):
                let next = skippingSpace(text, start + 1)
                return isObject ? try member(text, next) : try value(text, next)
            case UInt8(ascii: isObject ? "}" : "]"):
                close()
                return start + 1
            default:
                throw Failure(
                    message: isObject ? "expected ',' or '}' but found" : "expected ',' or ']' but found",
                    offset: start, showsCharacter: true)
            }
        }

        /// An object member: key, colon, value (a container it opens is filled by the loop in `parse`).
        private mutating func member(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) throws(Failure) -> Int {
            guard start < text.count, text[start] == UInt8(ascii: "\"") else {
                throw Failure(
                    message: "expected a quoted member name but found", offset: start, showsCharacter: true,
                    atEnd: "unexpected end of input: a member name expected")
            }
            var position = skippingSpace(text, try string(text, start))
            guard position < text.count, text[position] == UInt8(ascii: ":") else {
                throw Failure(
                    message: "expected ':' after a member name but found", offset: position, showsCharacter: true)
            }
            position = skippingSpace(text, position + 1)
            return try value(text, position)
        }

        private mutating func close() {
            let container = open.removeLast()
            tokens[container].end = UInt32(tokens.count)
        }

        /// One value; a container is only opened: the loop in `parse` reads its members.
        private mutating func value(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) throws(Failure) -> Int {
            guard start < text.count else {
                throw Failure(message: "", offset: start, atEnd: "unexpected end of input: a value expected")
            }
            switch text[start] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = text[start] == UInt8(ascii: "{")
                guard open.count < JSONDocument.maximumDepth else {
                    throw Failure(message: "nested deeper than \(JSONDocument.maximumDepth) levels", offset: start)
                }
                open.append(tokens.count)
                tokens.append(Token(kind: isObject ? .object : .array, flag: false, start: UInt32(start), end: 0))
                justOpened = true
                return start + 1
            case UInt8(ascii: "\""):
                return try string(text, start)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return try number(text, start)
            case UInt8(ascii: "t"):
                return try literal("true", text, start, kind: .bool, flag: true)
            case UInt8(ascii: "f"):
                return try literal("false", text, start, kind: .bool, flag: false)
            case UInt8(ascii: "n"):
                return try literal("null", text, start, kind: .null, flag: false)
            default:
                throw Failure(message: "expected a value but found", offset: start, showsCharacter: true)
            }
        }

        private mutating func literal(
            _ word: StaticString, _ text: UnsafeBufferPointer<UInt8>, _ start: Int, kind: Kind, flag: Bool
        ) throws(Failure) -> Int {
            let length = word.utf8CodeUnitCount
            guard start + length <= text.count,
                memcmp(text.baseAddress! + start, word.utf8Start, length) == 0
            else {
                throw Failure(message: "invalid literal (expected \(word))", offset: start)
            }
            tokens.append(Token(kind: kind, flag: flag, start: UInt32(start), end: UInt32(start + length)))
            return start + length
        }

        /// A number as RFC 8259 writes them: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
        private mutating func number(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) throws(Failure) -> Int {
            var position = start
            func digits() -> Int {
                let first = position
                while position < text.count, text[position] &- UInt8(ascii: "0") < 10 { position += 1 }
                return position - first
            }
            if text[position] == UInt8(ascii: "-") { position += 1 }
            let integerStart = position
            let integerDigits = digits()
            guard integerDigits > 0 else { throw Failure(message: "a number needs digits", offset: start) }
            if integerDigits > 1, text[integerStart] == UInt8(ascii: "0") {
                throw Failure(message: "a number may not start with 0", offset: start)
            }
            var fractional = false
            if position < text.count, text[position] == UInt8(ascii: ".") {
                position += 1
                guard digits() > 0 else {
                    throw Failure(message: "a decimal point needs digits after it", offset: start)
                }
                fractional = true
            }
            if position < text.count, text[position] | 0x20 == UInt8(ascii: "e") {
                position += 1
                if position < text.count, text[position] == UInt8(ascii: "+") || text[position] == UInt8(ascii: "-") {
                    position += 1
                }
                guard digits() > 0 else { throw Failure(message: "an exponent needs digits", offset: start) }
                fractional = true
            }
            // Like Foundation, refuse what no Double can hold (whole numbers of up to 18 digits always fit).
            if fractional || integerDigits > 18 {
                let literal = String(decoding: UnsafeBufferPointer(rebasing: text[start..<position]), as: UTF8.self)
                guard let value = Double(literal), value.isFinite else {
                    throw Failure(message: "number out of range", offset: start)
                }
            }
            tokens.append(Token(kind: .number, flag: fractional, start: UInt32(start), end: UInt32(position)))
            return position
        }

        /// A string: escapes checked (surrogate pairs matched), raw control characters refused, UTF-8 validated.
        private mutating func string(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) throws(Failure) -> Int {
            var position = start + 1
            var escaped = false
            while true {
                // The common case: plain ASCII up to the closing quote, eight bytes at a time
                // (a word with a quote, backslash, control or non-ASCII byte goes byte by byte).
                while position + 8 <= text.count {
                    let word = UnsafeRawPointer(text.baseAddress! + position).loadUnaligned(as: UInt64.self)
                    if Self.hasSpecialByte(word) { break }
                    position += 8
                }
                while position < text.count {
                    let byte = text[position]
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
                    position += 1
                }
                guard position < text.count else {
                    throw Failure(message: "", offset: position, atEnd: "unexpected end of input inside a string")
                }
                let byte = text[position]
                if byte == UInt8(ascii: "\"") {
                    tokens.append(
                        Token(kind: .string, flag: escaped, start: UInt32(start + 1), end: UInt32(position)))
                    return position + 1
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                    position = try escape(text, position)
                } else if byte < 0x20 {
                    throw Failure(
                        message: "unescaped control character in a string:", offset: position, showsCharacter: true)
                } else {
                    position = try utf8Sequence(text, position)
                }
            }
        }

        /// Whether any byte of `word` is `"`, `\`, below 0x20 or above 0x7F. The zero-byte tests
        /// may also flag a byte next to a real match, never miss one: a flagged word is re-read
        /// byte by byte.
        static func hasSpecialByte(_ word: UInt64) -> Bool {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
            let belowSpace = (word &- 0x2020_2020_2020_2020) & ~word & highs != 0
            return belowSpace || word & highs != 0 || hasZeroByte(word ^ (ones &* 0x22))
                || hasZeroByte(word ^ (ones &* 0x5C))
        }

        /// One escape sequence starting at the backslash; returns the position after it.
        private func escape(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) throws(Failure) -> Int {
            guard start + 1 < text.count else {
                throw Failure(message: "", offset: text.count, atEnd: "unexpected end of input inside a string")
            }
            switch text[start + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                return start + 2
            case UInt8(ascii: "u"):
                let unit = try hex4(text, start + 2)
                if (0xDC00...0xDFFF).contains(unit) {
                    throw Failure(message: "a \\u escape is a lone low surrogate", offset: start)
                }
                guard (0xD800...0xDBFF).contains(unit) else { return start + 6 }
                guard start + 7 < text.count, text[start + 6] == UInt8(ascii: "\\"),
                    text[start + 7] == UInt8(ascii: "u"),
                    (0xDC00...0xDFFF).contains(try hex4(text, start + 8))
                else {
                    throw Failure(message: "a \\u escape is a high surrogate without its low half", offset: start)
                }
                return start + 12
            default:
                throw Failure(message: "invalid escape in a string:", offset: start + 1, showsCharacter: true)
            }
        }

        private func hex4(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) throws(Failure) -> UInt16 {
            guard start + 4 <= text.count else {
                throw Failure(message: "", offset: text.count, atEnd: "unexpected end of input inside a string")
            }
            var unit: UInt16 = 0
            for offset in start..<start + 4 {
                guard let digit = JSONDocument.hexValue(text[offset]) else {
                    throw Failure(
                        message: "a \\u escape needs four hex digits, found", offset: offset, showsCharacter: true)
                }
                unit = unit << 4 | UInt16(digit)
            }
            return unit
        }

        /// One multi-byte UTF-8 character: no overlong forms, no surrogates, nothing above U+10FFFF.
        private func utf8Sequence(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) throws(Failure) -> Int {
            let lead = text[start]
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                high = 0x9F
            case 0xF0:
                length = 4
                low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                high = 0x8F
            default: throw Failure(message: "invalid UTF-8 in a string", offset: start)
            }
            guard start + length <= text.count else {
                throw Failure(message: "invalid UTF-8 in a string", offset: start)
            }
            guard (low...high).contains(text[start + 1]) else {
                throw Failure(message: "invalid UTF-8 in a string", offset: start)
            }
            for offset in start + 2..<start + length where text[offset] & 0xC0 != 0x80 {
                throw Failure(message: "invalid UTF-8 in a string", offset: start)
            }
            return start + length
        }
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
