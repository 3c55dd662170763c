import Foundation

/// An integer that may arrive as a JSON number or as a string (`"1"`), with `""` and unfilled
/// Tautulli placeholders (`"{season_num}"`) read as absent.
struct LenientInt: Decodable, Sendable {
    let value: Int?

    /// The value when it is above zero; the *arr apps send `0` for an unknown year.
    var positive: Int? { value.flatMap { $0 > 0 ? $0 : nil } }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = nil
        } else if let number = try? container.decode(Int.self) {
            value = number
        } else if let double = try? container.decode(Double.self), double.rounded() == double, abs(double) < 1e15 {
            value = Int(double)
        } else if let text = try? container.decode(String.self) {
            value = Int(text.trimmingCharacters(in: .whitespaces))
        } else {
            value = nil
        }
    }
}

/// A string that may arrive as a JSON string or number; `""` and unfilled `{placeholder}` are absent.
struct LenientString: Decodable, Sendable {
    let value: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = nil
        } else if let text = try? container.decode(String.self) {
            value = LenientString.meaningful(text)
        } else if let number = try? container.decode(Int.self) {
            value = String(number)
        } else if let double = try? container.decode(Double.self) {
            value = String(double)
        } else if let flag = try? container.decode(Bool.self) {
            value = String(flag)
        } else {
            value = nil
        }
    }

    /// nil for empty text and for a Tautulli parameter left unfilled (`{name}`).
    static func meaningful(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return nil }
        if trimmed.hasPrefix("{"), trimmed.hasSuffix("}"),
            !trimmed.dropFirst().dropLast().contains(where: { " {}\"".contains($0) })
        {
            return nil
        }
        return text
    }
}
