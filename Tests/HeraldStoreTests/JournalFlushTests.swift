import Foundation
import HeraldCore
import HeraldTestSupport
import Logging
import MetricsTestKit
import Synchronization
import Testing

@testable import HeraldStore

/// The journal's pipelined fsync: a batch is committed without SQLite's fsync, and answered and
/// dispatched only once the flushing thread has put the log on disk.
@Suite struct JournalFlushTests {
    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.path + "/state/herald.sqlite"
    }

    /// Holds the flushing thread until the test opens it; counts flushes.
    final class Gate: Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        let flushes = Atomic(0)
        let answered = Atomic(false)
        func wait() { semaphore.wait() }
        func open() { semaphore.signal() }
    }

    func event(_ number: Int) -> Event {
        Event(
            receivedAt: Date(timeIntervalSince1970: 1_700_000_000), source: .sonarr, kind: "sonarr.download",
            paths: ["/tv/Show/e\(number).mkv"], raw: Data(#"{"n":\#(number)}"#.utf8))
    }

    func dispatch(_ database: AppDatabase, _ writer: JournalWriter) async throws -> Int {
        try await database.dispatchPending(limit: 10, unsyncedAfter: { writer.unsyncedAfter() }, nil).count
    }

    @Test func aCommittedBatchIsAnsweredAndDispatchedOnlyAfterTheLogIsFlushed() async throws {
        defer { directory.remove() }
        let database = try AppDatabase.open(path: path)
        let gate = Gate()
        let writer = JournalWriter(
            database: database, maxBatch: 64, logger: Logger(label: "test"), metrics: TestMetrics()
        ) { log in
            gate.wait()
            try log.sync()
            gate.flushes.add(1, ordering: .relaxed)
        }
        let runner = Task { await writer.run() }
        let append = Task {
            let sequence = try await writer.append(event(1))
            gate.answered.store(true, ordering: .relaxed)
            return sequence
        }

        // The row is committed (other connections see it) while its flush is held.
        let deadline = ContinuousClock.now + .seconds(10)
        while try await database.eventCount() == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(try await database.eventCount() == 1)
        #expect(writer.unsyncedAfter() == 0, "sequence 1 is committed but not on disk")
        #expect(try await dispatch(database, writer) == 0, "the dispatcher waits for the flush")
        try await Task.sleep(for: .milliseconds(50))
        let answeredEarly = gate.answered.load(ordering: .relaxed)
        #expect(!answeredEarly, "no answer before the flush")

        gate.open()
        #expect(try await append.value == 1)
        let flushes = gate.flushes.load(ordering: .relaxed)
        #expect(flushes == 1)
        #expect(writer.unsyncedAfter() == nil)
        #expect(try await dispatch(database, writer) == 1)
        writer.close()
        await runner.value
    }

    @Test func aFailedFlushAnswersAnErrorAndItsEventsWaitForALaterFlush() async throws {
        defer { directory.remove() }
        let database = try AppDatabase.open(path: path)
        let gate = Gate()
        let writer = JournalWriter(
            database: database, maxBatch: 64, logger: Logger(label: "test"), metrics: TestMetrics()
        ) { log in
            if gate.flushes.add(1, ordering: .relaxed).newValue == 1 {
                throw StoreError.logFile(path: log.path, operation: "fdatasync", errno: EIO)
            }
            try log.sync()
        }
        let runner = Task { await writer.run() }

        await #expect(throws: StoreError.self) { try await writer.append(event(1)) }
        #expect(writer.unsyncedAfter() == 0, "the failed batch is not known to be on disk")
        #expect(try await dispatch(database, writer) == 0)

        #expect(try await writer.append(event(2)) == 2)
        #expect(writer.unsyncedAfter() == nil, "a later flush covers everything written before it")
        #expect(try await dispatch(database, writer) == 2)
        writer.close()
        await runner.value
    }

    @Test func aLogThatCannotBeOpenedIsAClearError() throws {
        defer { directory.remove() }
        let missing = directory.path + "/nowhere/herald.sqlite-wal"
        #expect {
            _ = try LogFile(path: missing)
        } throws: { error in
            "\(error)".hasPrefix("open \(missing) failed: No such file or directory")
        }
    }
}
