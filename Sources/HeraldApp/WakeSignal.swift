import Synchronization

/// Lets a worker sleep until a deadline or until it is woken, whichever comes first.
///
/// A wake-up that arrives while the worker is busy is remembered, so it is never lost.
final class WakeSignal: Sendable {
    private struct State {
        var waiter: CheckedContinuation<Void, Never>?
        var pending = false
    }

    private let state = Mutex(State())

    /// Wakes the worker now, or at its next wait.
    func wake() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns after `duration`, at a wake-up, or at cancellation.
    func wait(for duration: Duration) async {
        _ = await waitReportingWake(for: duration)
    }

    /// Like `wait(for:)`, but says whether someone woke it (true) or the time ran out (false).
    func waitReportingWake(for duration: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = try? await Task.sleep(for: duration)
                return false
            }
            group.addTask {
                await self.nextWakeup()
                return !Task.isCancelled
            }
            let woken = await group.next() ?? false
            group.cancelAll()
            await group.waitForAll()
            return woken
        }
    }

    private func nextWakeup() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.wake()
        }
    }
}
