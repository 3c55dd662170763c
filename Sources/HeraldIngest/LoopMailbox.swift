import NIOCore
import Synchronization

/// Runs work posted from other threads on one event loop, in posting order, with one `execute`
/// per burst instead of one per item.
///
/// The journal writer completes a whole commit's requests one after another; each completion
/// hopping to its connection's event loop on its own cost a task and often a wakeup of that
/// loop. Posted work accumulates here while a drain is scheduled, and the drain runs all of it.
final class LoopMailbox: Sendable {
    private let loop: any EventLoop
    private let state = Mutex<(items: [@Sendable () -> Void], scheduled: Bool)>(([], false))

    init(loop: any EventLoop) {
        self.loop = loop
    }

    /// The mailbox of an event loop, made on first use and kept for the loop's lifetime (a
    /// server has a fixed set of loops).
    static func of(_ loop: any EventLoop) -> LoopMailbox {
        let key = ObjectIdentifier(loop)
        return registry.withLock { mailboxes in
            if let mailbox = mailboxes[key] { return mailbox }
            let mailbox = LoopMailbox(loop: loop)
            mailboxes[key] = mailbox
            return mailbox
        }
    }

    private static let registry = Mutex<[ObjectIdentifier: LoopMailbox]>([:])

    /// Queues `work` to run on the loop.
    func post(_ work: @escaping @Sendable () -> Void) {
        let schedule = state.withLock { state in
            state.items.append(work)
            defer { state.scheduled = true }
            return !state.scheduled
        }
        if schedule { loop.execute { self.drain() } }
    }

    private func drain() {
        let items = state.withLock { state in
            defer {
                state.items = []
                state.scheduled = false
            }
            return state.items
        }
        for item in items { item() }
    }
}
