import Foundation
import HeraldCore
import Testing

@Suite struct SettleGateTests {
    let gate = SettleGate(stableFor: .seconds(5), maxChecks: 3)
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aQuietExistingFolderPasses() {
        #expect(gate.decide(exists: true, newestChange: now.addingTimeInterval(-5), checks: 0, now: now) == .open)
        #expect(gate.decide(exists: true, newestChange: nil, checks: 0, now: now) == .open)
    }

    @Test func aChangingFolderWaitsUntilItHasBeenQuietLongEnough() {
        let decision = gate.decide(exists: true, newestChange: now.addingTimeInterval(-2), checks: 0, now: now)
        #expect(decision == .wait(until: now.addingTimeInterval(3), reason: "files changed 2000 ms ago"))
    }

    @Test func aMissingFolderWaitsAndChecksAreBounded() {
        #expect(
            gate.decide(exists: false, newestChange: nil, checks: 2, now: now)
                == .wait(until: now.addingTimeInterval(5), reason: "the folder does not exist (yet) on this machine"))
        #expect(
            gate.decide(exists: false, newestChange: nil, checks: 3, now: now)
                == .giveUp(reason: "the folder does not exist (yet) on this machine"))
    }
}
