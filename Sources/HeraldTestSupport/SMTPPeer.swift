import Foundation

/// A real SMTP server for email tests: `Tests/peers/smtp_peer.py` (aiosmtpd from PyPI) with a
/// throwaway CA, on three loopback ports: STARTTLS required, implicit TLS, and plain without
/// STARTTLS. Messages land as `.eml` files in `directory`; AUTH and MAIL commands are logged with
/// whether TLS was up at the time.
public final class SMTPPeer: @unchecked Sendable {
    public let directory: String
    public let starttlsPort: Int
    public let implicitTLSPort: Int
    public let plainPort: Int
    public let caFile: String
    private let process: Process
    private let input: Pipe

    public init() throws {
        directory = NSTemporaryDirectory() + "herald-smtp-" + UUID().uuidString
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Fixtures.packageRoot.appendingPathComponent("Tests/peers/smtp_peer.py").path, directory,
        ]
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line += byte
        }
        let parts = String(decoding: line, as: UTF8.self).split(separator: " ").map(String.init)
        guard parts.count == 5, parts[0] == "READY", let a = Int(parts[1]), let b = Int(parts[2]), let c = Int(parts[3])
        else {
            process.terminate()
            throw PeerError(
                message: "the SMTP peer did not start (is aiosmtpd installed? scripts/install-deps.sh installs it)")
        }
        starttlsPort = a
        implicitTLSPort = b
        plainPort = c
        caFile = parts[4]
    }

    struct PeerError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// The delivered messages, oldest first, as raw bytes.
    public var messages: [Data] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
            $0.hasSuffix(".eml")
        }
        return files.sorted { Int($0.dropLast(4)) ?? 0 < Int($1.dropLast(4)) ?? 0 }.compactMap {
            FileManager.default.contents(atPath: directory + "/" + $0)
        }
    }

    /// The AUTH and MAIL lines the servers received (`AUTH tls=True`, `MAIL tls=True auth=True`).
    public var commands: [String] {
        let text = (try? String(contentsOfFile: directory + "/commands.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    public func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}
