import Foundation

/// One value of a webhook body parsed by Foundation's `JSONSerialization`, with the path that
/// leads to it from the root (for messages such as "'series.path' should be a string").
///
/// The decoders read a few fields of each body; this gives them typed, optional reads over
/// `JSONSerialization`'s tree without a `Codable` model per sender, so a field of the wrong type
/// is reported by its path instead of failing the whole body. Nesting is limited by Foundation's
/// parser (512 levels), which no webhook comes near.
struct JSONValue {
    /// The type of a JSON value.
    enum Kind: Sendable, Equatable {
        case object, array, string, number, bool, null

        /// How a message names the type: "a string", "an object".
        var described: String {
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

    /// What `JSONSerialization` made of the value: a Swift `String`, `[Any]` or `[String: Any]`,
    /// or an `NSNumber` or `NSNull` object. The Swift types are always tested first: on Linux a
    /// cast of a Swift value to a Foundation class (`is NSNull`, `as? NSNumber`) bridges it,
    /// which for a dictionary copies it whole into an `NSDictionary`, per field read.
    private let node: Any
    /// Where the value sits, as `series.path` or `episodes[0].title`; empty for the root.
    let path: String

    private init(node: Any, path: String) {
        self.node = node
        self.path = path
    }

    /// Parses a whole text; any JSON value may stand at the top.
    ///
    /// - Throws: The parser's one-line reason ("Unexpected character 'x' around line 1, column 3.").
    static func parse(_ data: Data) throws(SyntaxError) -> JSONValue {
        do {
            return JSONValue(node: try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed), path: "")
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw SyntaxError(message: reason ?? "\(error)")
        }
    }

    /// The number, once the Swift types are ruled out (see `node`).
    private var number: NSNumber? {
        if node is String || node is [String: Any] || node is [Any] { return nil }
        return node as? NSNumber
    }

    /// Why a text is not JSON, as Foundation's parser words it.
    struct SyntaxError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    var kind: Kind {
        if node is String { return .string }
        if node is [String: Any] { return .object }
        if node is [Any] { return .array }
        guard let number else { return .null }
        return Self.isBoolean(number) ? .bool : .number
    }

    var isNull: Bool { kind == .null }

    /// An object's member by name; nil for other kinds or an absent name.
    subscript(name: String) -> JSONValue? {
        guard let members = node as? [String: Any], let member = members[name] else { return nil }
        return JSONValue(node: member, path: path.isEmpty ? name : path + "." + name)
    }

    /// An array's elements in order (empty for other kinds).
    var elements: [JSONValue] {
        guard let list = node as? [Any] else { return [] }
        return list.enumerated().map { JSONValue(node: $1, path: path + "[\($0)]") }
    }

    /// The text of a string (nil for other kinds).
    var string: String? { node as? String }

    /// A number that is a whole `Int` (`3`, `3.0`, `3e2`); nil for other kinds, fractions and overflow.
    var int: Int? {
        guard let double else { return nil }
        guard double.rounded() == double else { return nil }
        if abs(double) < 1e15 { return Int(double) }
        // Beyond 1e15 a double may not hold every integer: only a number parsed from digits that
        // fit `Int64` is exact, and then it is its own integer value.
        guard let number else { return nil }
        let exact = number.int64Value
        return Double(exact) == double ? Int(exact) : nil
    }

    /// A number as a `Double` (nil for other kinds).
    var double: Double? {
        guard let number, !Self.isBoolean(number) else { return nil }
        return number.doubleValue
    }

    /// A boolean (nil for other kinds).
    var bool: Bool? {
        guard let number, Self.isBoolean(number) else { return nil }
        return number.boolValue
    }

    /// Whether `JSONSerialization` made the number from `true` or `false`.
    private static func isBoolean(_ number: NSNumber) -> Bool {
        type(of: number) == type(of: NSNumber(value: true))
    }
}
