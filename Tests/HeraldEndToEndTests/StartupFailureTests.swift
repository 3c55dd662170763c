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
}
