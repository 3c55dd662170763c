import Synchronization

/// A value that SIGHUP can replace while requests keep reading it.
///
/// Readers take a consistent snapshot with `current`; a reload swaps the whole value at once, so a
/// request never sees half an old and half a new configuration.
public final class Reloadable<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    public init(_ value: Value) {
        storage = Mutex(value)
    }

    /// The value in force now.
    public var current: Value { storage.withLock { $0 } }

    /// Replaces the value for every later reader.
    public func replace(with value: Value) {
        storage.withLock { $0 = value }
    }
}
