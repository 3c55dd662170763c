import Foundation
import HeraldTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What a start that cannot succeed looks like from outside: one line saying why, an exit code
/// systemd can act on, and no crash.
@Suite struct StartupFailureTests {
    /// Binds and listens on a loopback port, as another program holding it would.
    final class PortHolder {
        let descriptor: Int32
        let port: Int

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.descriptor = descriptor
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    bind(descriptor, socketAddress, length) == 0 && listen(descriptor, 8) == 0
                        && getsockname(descriptor, socketAddress, &length) == 0
                }
            }
            guard bound else {
                close(descriptor)
                throw DaemonProcess.Failure("cannot hold a port")
            }
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        deinit { close(descriptor) }
    }

    @Test func aPortInUseEndsTheDaemonWithTheReasonAndExit69() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let holder = try PortHolder()
        let daemon = try DaemonProcess(directory: directory)
        daemon.port = holder.port
        try daemon.writeConfig(extraYAML: "", keepPort: true)
        try daemon.start()
        let status = try await daemon.waitExit(timeout: .seconds(20))
        #expect(status == 69, "exit status \(String(describing: status)); log:\n\(daemon.log)")
        #expect(daemon.log.contains("cannot listen on 127.0.0.1:\(holder.port): the address is already in use"))
        #expect(!daemon.log.contains("Fatal error"), "the group ends within its cancellation deadline")
        withExtendedLifetime(holder) {}
    }

    /// Two daemons on one journal would interleave their writes: the second refuses to start,
    /// says why, and exits 69 (it may start once the first has stopped).
    @Test func aSecondDaemonOnTheSameJournalRefusesToStart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try DaemonProcess(directory: directory)
        try first.start()
        try await first.waitReady()
        let secondDirectory = try TemporaryDirectory()
        defer { secondDirectory.remove() }
        let second = try DaemonProcess(directory: secondDirectory)
        let yaml = try String(contentsOfFile: second.configFile, encoding: .utf8)
        try yaml.replacingOccurrences(of: second.statePath, with: first.statePath)
            .write(toFile: second.configFile, atomically: true, encoding: .utf8)
        try second.start()
        let status = try await second.waitExit(timeout: .seconds(20))
        #expect(status == 69, "exit status \(String(describing: status)); log:\n\(second.log)")
        #expect(second.log.contains("another herald is running with the journal in this directory"))
        #expect(first.isRunning)
        // Read-only commands work beside the running daemon.
        let events = try CommandLineTests.herald(["events", "--config", first.configFile])
        #expect(events.status == 0, "\(events.stderr)")
        first.signal(SIGTERM)
        #expect(try await first.waitExit() == 0)
    }
}
