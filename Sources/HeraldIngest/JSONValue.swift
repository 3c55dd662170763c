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

    /// A parsed value. `JSONSerialization` gives `Any`; it is converted once into this tree,
    /// because on Linux every cast of a Swift value to a Foundation class (`is NSNull`, `as?
    /// NSNumber`) bridges it, copying a whole dictionary to `NSDictionary` per field read.
    private indirect enum Node {
        case object([String: Node])
        case array([Node])
        case string(String)
        case number(NSNumber)
        case bool(Bool)
        case null
    }

    private let node: Node
    /// Where the value sits, as `series.path` or `episodes[0].title`; empty for the root.
    let path: String

    private init(node: Node, path: String) {
        self.node = node
        self.path = path
    }

    /// Parses a whole text; any JSON value may stand at the top.
    ///
    /// - Throws: The parser's one-line reason ("Unexpected character 'x' around line 1, column 3.").
    static func parse(_ data: Data) throws(SyntaxError) -> JSONValue {
        do {
            let parsed = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)
            return JSONValue(node: node(parsed), path: "")
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw SyntaxError(message: reason ?? "\(error)")
        }
    }

    /// Converts what `JSONSerialization` made (Swift strings, arrays and dictionaries; `NSNumber`
    /// and `NSNull` objects), testing the Swift types first so that no value is bridged.
    private static func node(_ value: Any) -> Node {
        if let text = value as? String { return .string(text) }
        if let object = value as? [String: Any] { return .object(object.mapValues(node)) }
        if let list = value as? [Any] { return .array(list.map(node)) }
        if let number = value as? NSNumber { return isBoolean(number) ? .bool(number.boolValue) : .number(number) }
        return .null
    }

    /// Why a text is not JSON, as Foundation's parser words it.
    struct SyntaxError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    var kind: Kind {
        switch node {
        case .object: .object
        case .array: .array
        case .string: .string
        case .number: .number
        case .bool: .bool
        case .null: .null
        }
    }

    var isNull: Bool { kind == .null }

    /// An object's member by name; nil for other kinds or an absent name.
    subscript(name: String) -> JSONValue? {
        guard case .object(let members) = node, let member = members[name] else { return nil }
        return JSONValue(node: member, path: path.isEmpty ? name : path + "." + name)
    }

    /// An array's elements in order (empty for other kinds).
    var elements: [JSONValue] {
        guard case .array(let list) = node else { return [] }
        return list.enumerated().map { JSONValue(node: $1, path: path + "[\($0)]") }
    }

    /// The text of a string (nil for other kinds).
    var string: String? {
        guard case .string(let text) = node else { return nil }
        return text
    }

    /// A number that is a whole `Int` (`3`, `3.0`, `3e2`); nil for other kinds, fractions and overflow.
    var int: Int? {
        guard let double else { return nil }
        guard double.rounded() == double else { return nil }
        if abs(double) < 1e15 { return Int(double) }
        // Beyond 1e15 a double may not hold every integer: only a number parsed from digits that
        // fit `Int64` is exact, and then it is its own integer value.
        guard case .number(let number) = node else { return nil }
        let exact = number.int64Value
        return Double(exact) == double ? Int(exact) : nil
    }

    /// A number as a `Double` (nil for other kinds).
    var double: Double? {
        guard case .number(let number) = node else { return nil }
        return number.doubleValue
    }

    /// A boolean (nil for other kinds).
    var bool: Bool? {
        guard case .bool(let value) = node else { return nil }
        return value
    }

    /// Whether `JSONSerialization` made the number from `true` or `false`.
    private static func isBoolean(_ number: NSNumber) -> Bool {
        type(of: number) == type(of: NSNumber(value: true))
    }
}
