import Foundation

/// Lenient reading for senders that put any value in a string (Tautulli's user-written templates,
/// the *arr apps' ids): `"1"` is a number, `""` and an unfilled `{placeholder}` are absent.
extension JSONValue {
    /// An integer from a number or from a string holding one; nil for anything else.
    var lenientInt: Int? {
        switch kind {
        case .number: int
        case .string: string.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        default: nil
        }
    }

    /// `lenientInt` when above zero: the *arr apps send `0` for an unknown year.
    var positiveInt: Int? { lenientInt.flatMap { $0 > 0 ? $0 : nil } }

    /// Text from a string, a number or a boolean; nil for empty text, placeholders, null and containers.
    var lenientString: String? {
        switch kind {
        case .string: string.flatMap(JSONValue.meaningful)
        case .number: int.map { String($0) } ?? double.map { String($0) }
        case .bool: bool.map { String($0) }
        default: nil
        }
    }

    /// A member read with `lenientInt`.
    func lenientInt(_ name: String) -> Int? { self[name]?.lenientInt }

    /// A member read with `positiveInt`.
    func positiveInt(_ name: String) -> Int? { self[name]?.positiveInt }

    /// A member read with `lenientString`.
    func lenientString(_ name: String) -> String? { self[name]?.lenientString }
}

extension JSONValue {
    /// nil for empty text and for a Tautulli parameter left unfilled (`{name}`).
    static func meaningful(_ text: String) -> String? {
        // Most values start and end with something other than space or braces: nothing to trim.
        if let first = text.utf8.first, let last = text.utf8.last, !isSpaceOrBrace(first), !isSpaceOrBrace(last) {
            return text
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return nil }
        if trimmed.hasPrefix("{"), trimmed.hasSuffix("}"),
            !trimmed.dropFirst().dropLast().contains(where: { " {}\"".contains($0) })
        {
            return nil
        }
        return text
    }

    private static func isSpaceOrBrace(_ byte: UInt8) -> Bool {
        byte <= 0x20 || byte >= 0x80 || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}")
    }
}
