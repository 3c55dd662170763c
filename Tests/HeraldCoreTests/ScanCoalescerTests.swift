import Foundation
import HeraldCore
import Testing

@Suite struct ScanCoalescerTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let spec = ScanActionSpec(wait: .seconds(30), maxWait: .seconds(600), priority: 0)

    func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    /// Applies changes to an in-memory queue, as the store does.
    func apply(_ changes: [ScanQueueChange], to queue: inout [PendingScan], nextID: inout Int64) {
        for change in changes {
            switch change {
            case .insert(var scan):
                scan.id = nextID
                nextID += 1
                queue.append(scan)
            case .update(let scan):
                if let index = queue.firstIndex(where: { $0.id == scan.id }) { queue[index] = scan }
            case .delete(let id):
                queue.removeAll { $0.id == id }
            }
        }
    }

    @Test func eachEventRestartsTheWaitUpToMaxWait() {
        var queue: [PendingScan] = []
        var id: Int64 = 1
        for second in stride(from: 0.0, through: 1000, by: 10) {
            let changes = ScanCoalescer.enqueue(
                server: "home", section: "1", folder: "/tv/Show/Season 1", spec: spec, now: at(second), pending: queue)
            apply(changes, to: &queue, nextID: &id)
        }
        #expect(queue.count == 1)
        #expect(queue[0].firstSeen == at(0))
        #expect(queue[0].deadline == at(600), "events every 10 s would postpone forever; max_wait caps it")
    }

    @Test func aQuietFolderIsDueAfterTheWait() {
        var queue: [PendingScan] = []
        var id: Int64 = 1
        for second in [0.0, 5, 12] {
            apply(
                ScanCoalescer.enqueue(
                    server: "home", section: "1", folder: "/tv/A", spec: spec, now: at(second), pending: queue),
                to: &queue, nextID: &id)
        }
        #expect(queue.map(\.deadline) == [at(42)])
    }

    /// Two rules scan one folder with `wait: 8s` and `wait: 2s`: the shorter wait must not cut
    /// the longer one (a folder's deadline only moves later, up to its bound).
    @Test func aShorterWaitNeverCutsALongerPendingOne() {
        var queue: [PendingScan] = []
        var id: Int64 = 1
        for (wait, second) in [(8, 0.0), (2, 0.5)] {
            apply(
                ScanCoalescer.enqueue(
                    server: "home", section: "1", folder: "/tv/A",
                    spec: ScanActionSpec(wait: .seconds(wait), maxWait: .seconds(600)), now: at(second), pending: queue),
                to: &queue, nextID: &id)
        }
        #expect(queue.map(\.deadline) == [at(8)])
        // A parent replacing a child keeps the child's later deadline too.
        apply(
            ScanCoalescer.enqueue(
                server: "home", section: "1", folder: "/tv", spec: ScanActionSpec(wait: .seconds(1)), now: at(1),
                pending: queue),
            to: &queue, nextID: &id)
        #expect(queue.map(\.folder) == ["/tv"])
        #expect(queue.map(\.deadline) == [at(8)])
    }

    @Test func aPendingParentAbsorbsItsChildren() {
        var queue: [PendingScan] = []
        var id: Int64 = 1
        apply(
            ScanCoalescer.enqueue(
                server: "home", section: "1", folder: "/tv/Show", spec: spec, now: at(0), pending: queue),
            to: &queue, nextID: &id)
        let child = ScanCoalescer.enqueue(
            server: "home", section: "1", folder: "/tv/Show/Season 2", spec: spec, now: at(20), pending: queue)
        #expect(child.count == 1)
        guard case .update(let parent) = child[0] else {
            Issue.record("expected the parent to absorb the child")
            return
        }
        #expect(parent.folder == "/tv/Show")
        #expect(parent.deadline == at(50))
    }

    @Test func aNewParentReplacesPendingChildrenAndKeepsTheirBound() {
        var queue: [PendingScan] = []
        var id: Int64 = 1
        let urgent = ScanActionSpec(wait: .seconds(30), maxWait: .seconds(60), priority: 5)
        apply(
            ScanCoalescer.enqueue(
                server: "home", section: "1", folder: "/tv/Show/S1", spec: urgent, now: at(0), pending: queue),
            to: &queue, nextID: &id)
        apply(
            ScanCoalescer.enqueue(
                server: "home", section: "1", folder: "/tv/Show/S2", spec: spec, now: at(10), pending: queue),
            to: &queue, nextID: &id)
        apply(
            ScanCoalescer.enqueue(
                server: "home", section: "1", folder: "/tv/Show", spec: spec, now: at(50), pending: queue),
            to: &queue, nextID: &id)
        #expect(queue.map(\.folder) == ["/tv/Show"])
        #expect(queue[0].firstSeen == at(0))
        #expect(queue[0].maxDeadline == at(60), "the earliest child's max_wait still holds")
        #expect(queue[0].deadline == at(60))
        #expect(queue[0].priority == 5)
    }

    @Test func siblingsStaySeparate() {
        var queue: [PendingScan] = []
        var id: Int64 = 1
        for folder in ["/tv/A", "/tv/AB", "/tv/B"] {
            apply(
                ScanCoalescer.enqueue(
                    server: "home", section: "1", folder: folder, spec: spec, now: at(0), pending: queue),
                to: &queue, nextID: &id)
        }
        #expect(queue.map(\.folder) == ["/tv/A", "/tv/AB", "/tv/B"])
    }

    @Test func outcomesAndBackoff() {
        #expect(ScanOutcome.classify(status: 200) == .done)
        #expect(
            ScanOutcome.classify(status: 401)
                == .failed(reason: "Plex rejected the token (401): check plex.<server>.token"))
        #expect(
            ScanOutcome.classify(status: 404)
                == .retry(reason: "Plex answered 404 (server starting, or section just removed)"))
        #expect(ScanOutcome.classify(status: 524) == .retry(reason: "Plex answered 524"))
        #expect(ScanOutcome.classify(status: 500) == .retry(reason: "Plex answered 500"))
        #expect(ScanOutcome.classify(status: 400) == .failed(reason: "Plex answered 400"))
        #expect(
            ScanOutcome.classify(status: nil, transportError: "refused")
                == .retry(reason: "Plex did not answer: refused"))
        let policy = RetryPolicy(initialDelay: .seconds(5), maximumDelay: .seconds(600), jitter: 0.2)
        #expect(policy.delay(afterFailures: 1, random: 0.5) == 5)
        #expect(policy.delay(afterFailures: 3, random: 0.5) == 20)
        #expect(policy.delay(afterFailures: 3, random: 0) == 16)
        #expect(policy.delay(afterFailures: 3, random: 1) == 24)
        #expect(policy.delay(afterFailures: 20, random: 0.5) == 600)
    }
}
