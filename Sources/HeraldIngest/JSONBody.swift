import Foundation

/// Reads a webhook body as a JSON object, turning every problem into a one-line reason a user can act on.
enum JSONBody {
    /// A field a decoder needs that is absent, null or of the wrong type.
    struct FieldError: Error {
        enum Problem {
            case missing
            case null(expected: JSONValue.Kind)
            case wrongType(expected: JSONValue.Kind)
        }

        var path: String
        var problem: Problem

        /// A value that is not of the kind a decoder needs (null is told apart: "is null, expected …").
        static func mismatch(_ value: JSONValue, expected: JSONValue.Kind) -> FieldError {
            FieldError(
                path: value.path, problem: value.isNull ? .null(expected: expected) : .wrongType(expected: expected))
        }

        func message(source: String) -> String {
            switch problem {
            case .missing: "\(source) body has no '\(path)'"
            case .null(let expected): "\(source) body: '\(path)' is null, expected \(expected.described)"
            case .wrongType(let expected): "\(source) body: '\(path)' should be \(expected.described)"
            }
        }
    }

    /// Parses `body`, checks that it is an object and hands it to `read`.
    ///
    /// - Parameter source: The sender's name, for messages ("Sonarr body has no 'eventType'").
    /// - Throws: `WebhookError.malformed` for an empty body, invalid JSON, a body that is not an
    ///   object, or a field `read` refuses.
    static func read<Result>(
        _ body: Data, source: String, _ read: (JSONValue) throws(FieldError) -> Result
    ) throws(WebhookError) -> Result {
        let root = try parse(body, expecting: source)
        guard root.kind == .object else {
            throw .malformed("\(source) body should be a JSON object, not \(root.kind.described)")
        }
        do {
            return try read(root)
        } catch {
            throw .malformed(error.message(source: source))
        }
    }

    /// Parses any JSON text (generic endpoints accept every kind of value).
    static func parse(_ body: Data, expecting source: String) throws(WebhookError) -> JSONValue {
        guard !body.isEmpty else { throw .malformed("empty body: expected a JSON object from \(source)") }
        do {
            return try JSONValue.parse(body)
        } catch {
            throw .malformed("body is not valid JSON: \(error)")
        }
    }
}

// MARK: - Fields

extension JSONValue {
    /// A member that must be a string.
    func requiredString(_ name: String) throws(JSONBody.FieldError) -> String {
        guard let value = self[name] else { throw JSONBody.FieldError(path: path(appending: name), problem: .missing) }
        guard let text = value.string else {
            throw JSONBody.FieldError.mismatch(value, expected: .string)
        }
        return text
    }

    /// A member that is a string when present and not null.
    func string(_ name: String) throws(JSONBody.FieldError) -> String? {
        try member(name, .string)?.string
    }

    /// A member that is an object when present and not null.
    func object(_ name: String) throws(JSONBody.FieldError) -> Self? {
        try member(name, .object)
    }

    /// A member that is a list of objects when present and not null.
    func objects(_ name: String) throws(JSONBody.FieldError) -> [Self] {
        guard let list = try member(name, .array) else { return [] }
        var objects: [Self] = []
        for element in list.elements {
            guard element.kind == .object else {
                throw JSONBody.FieldError.mismatch(element, expected: .object)
            }
            objects.append(element)
        }
        return objects
    }

    private func member(_ name: String, _ kind: JSONValue.Kind) throws(JSONBody.FieldError) -> Self? {
        guard let value = self[name], !value.isNull else { return nil }
        guard value.kind == kind else {
            throw JSONBody.FieldError(path: value.path, problem: .wrongType(expected: kind))
        }
        return value
    }

    private func path(appending name: String) -> String {
        let base = path
        return base.isEmpty ? name : base + "." + name
    }
}
