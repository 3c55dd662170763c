import Foundation
import HeraldConfig
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Why the daemon stopped with an error, in one line a user can act on, and the exit code that
/// tells systemd whether restarting can help.
///
/// 78 (`EX_CONFIG`, which the shipped unit does not restart) is for what only a change of the
/// configuration or the system fixes; 69 (`EX_UNAVAILABLE`) for what may pass by itself (a port
/// another process holds for now); 1 for anything else.
public struct ServeFailure: Error, CustomStringConvertible {
    public var description: String
    public var exitCode: Int32

    /// The failure a service's error means, for the configuration the daemon ran with.
    public static func from(_ error: any Error, configuration: HeraldConfiguration) -> ServeFailure {
        let address = "\(configuration.server.host):\(configuration.server.port)"
        if let io = error as? IOError {
            switch io.errnoCode {
            case EADDRINUSE:
                return ServeFailure(
                    description: "cannot listen on \(address): the address is already in use "
                        + "(another program, or another herald, holds the port; stop it or set server.port)",
                    exitCode: 69)
            case EADDRNOTAVAIL:
                return ServeFailure(
                    description: "cannot listen on \(address): no network interface of this machine has that "
                        + "address (set server.host to one it has, 127.0.0.1 or 0.0.0.0)",
                    exitCode: 78)
            case EACCES:
                return ServeFailure(
                    description: "cannot listen on \(address): permission denied (ports below 1024 need "
                        + "privileges; use a higher server.port)",
                    exitCode: 78)
            default:
                return ServeFailure(description: "cannot listen on \(address): \(io)", exitCode: 1)
            }
        }
        return ServeFailure(description: "\(error)", exitCode: 1)
    }
}
