import Foundation
import HTTPTypes
import HeraldTestSupport
import HummingbirdTesting
import NIOCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A state directory on a real file system that fills up (a small tmpfs the test mounts): the
/// webhooks the journal cannot commit are answered 503 and `/readyz` says why, and both recover
/// once there is room again.
@Suite(.serialized) struct DiskFullTests {
    /// Mounting needs root; where it is not allowed the test is skipped, and says so.
    static let canMount = getuid() == 0

    static func run(_ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/" + arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test(.enabled(if: canMount, "mounting a tmpfs needs root"))
    func aFullDiskMakesReadyzSayWhyAndRecovers() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let daemon = try DaemonProcess(directory: directory)
        try FileManager.default.createDirectory(atPath: daemon.statePath, withIntermediateDirectories: true)
        guard Self.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", daemon.statePath]) == 0 else {
            // Root without the right to mount (a container): nothing to test here, and it says so.
            FileHandle.standardError.write(Data("skipped: this machine does not allow mounting a tmpfs\n".utf8))
            return
        }
        defer { _ = Self.run(["umount", "-l", daemon.statePath]) }
        try daemon.writeConfig(extraYAML: "sources: {generic: {fill: {}}}\n", keepPort: true)
        try daemon.start()
        try await daemon.waitReady()
        let big =
            Array(#"{"title": ""#.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 700_000) + Array(#""}"#.utf8)
        var refused = false
        for _ in 0..<20 where !refused {
            let response = try await daemon.request(
                "/hooks/generic/fill", method: .post, headers: [.contentType: "application/json"], body: big)
            refused = response.status == .serviceUnavailable
        }
        #expect(refused, "the journal filled the 3 MiB file system")
        let ready = try await daemon.request("/readyz")
        #expect(ready.status == .serviceUnavailable)
        #expect(String(buffer: ready.body ?? .init()).contains("commits fail"))
        // Room again: the next webhook is journalled and the daemon is ready.
        #expect(Self.run(["mount", "-o", "remount,size=64m", daemon.statePath]) == 0)
        let small = try await daemon.request(
            "/hooks/generic/fill", method: .post, headers: [.contentType: "application/json"],
            body: Array(#"{"title": "ok"}"#.utf8))
        #expect(small.status == .accepted)
        try await waitUntil("/readyz to be ready again") { try await daemon.request("/readyz").status == .ok }
        daemon.signal(SIGTERM)
        _ = try await daemon.waitExit()
    }
}
