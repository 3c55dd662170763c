/// A wait for a state that did not come in time: says what was awaited and where.
public struct WaitTimedOut: Error, CustomStringConvertible {
    public var description: String
}

/// Waits until `condition` holds, checking every `poll`; throws `WaitTimedOut`, naming what it
/// waited for and the line that waited, when `timeout` passes first.
///
/// Tests wait for states, never for a time: a loaded machine may take longer, and a state that
/// never comes must fail the test, not let it go on as if it had.
public func waitUntil(
    _ what: String = "the condition", timeout: Duration = .seconds(10), poll: Duration = .milliseconds(20),
    fileID: String = #fileID, line: Int = #line, _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: poll)
    }
    if try await condition() { return }
    throw WaitTimedOut(description: "timed out after \(timeout) waiting for \(what) (\(fileID):\(line))")
}
