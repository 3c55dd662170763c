/// A credential read from the configuration: a token, password or signing key.
///
/// Its `description` is always redacted so it cannot leak through logs, `herald check --print` or
/// string interpolation; code that needs the value reads `value` explicitly.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself. Read it only to compare or sign, never to log.
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}
