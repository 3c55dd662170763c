import Foundation
import HTTPTypes
import HeraldTestSupport
import HummingbirdTesting
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// The real `herald` binary, started as a child process on a free loopback port.
final class DaemonProcess: @unchecked Sendable {
    let directory: TemporaryDirectory
    let configFile: String
    let logFile: String
    var port: Int = 0
    private var process: Process?

    /// The `herald` executable built next to the test bundle.
    static var executable: String {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // The bundle may be `…/debug/HeraldPackageTests.xctest` itself or a file inside it.
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("herald").path),
            directory.path != "/"
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("herald").path
    }

    init(directory: TemporaryDirectory, extraYAML: String = "") throws {
        self.directory = directory
        configFile = directory.path + "/herald.yml"
        logFile = directory.path + "/herald.log"
        try writeConfig(extraYAML: extraYAML)
    }

    var statePath: String { directory.path + "/state" }
    var databasePath: String { statePath + "/herald.sqlite" }

    /// Writes the configuration with a fresh free port (used at the next start).
    func writeConfig(extraYAML: String, keepPort: Bool = false) throws {
        if !keepPort { port = try Self.freePort() }
        let yaml = """
            state_directory: \(statePath)
            server: {host: 127.0.0.1, port: \(port), shutdown_timeout: 10s}
            log: {level: info}
            \(extraYAML)
            """
        try yaml.write(toFile: configFile, atomically: true, encoding: .utf8)
    }

    func start(environment extra: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["serve", "--config", configFile]
        var environment = ProcessInfo.processInfo.environment
        environment.merge(extra) { _, new in new }
        process.environment = environment
        _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
    }

    /// Waits until `/readyz` answers 200.
    func waitReady(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = try? await request("/readyz").status, status == .ok { return }
            if let process, !process.isRunning { throw Failure("herald exited early:\n\(log)") }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw Failure("herald did not become ready:\n\(log)")
    }

    func signal(_ number: Int32) {
        if let process { kill(process.processIdentifier, number) }
    }

    /// Waits for the process to end and returns its exit status, or nil after the timeout.
    func waitExit(timeout: Duration = .seconds(20)) async throws -> Int32? {
        guard let process else { return nil }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { return nil }
        return process.terminationStatus
    }

    var isRunning: Bool { process?.isRunning ?? false }

    var log: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    /// One request on a fresh connection.
    func request(
        _ uri: String, method: HTTPRequest.Method = .get, headers: HTTPFields = [:], body: [UInt8] = []
    )
        async throws -> TestClient.Response
    {
        let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(10)))
        client.connect()
        do {
            let response = try await client.execute(
                .init(uri, method: method, headers: headers, body: body.isEmpty ? nil : ByteBuffer(bytes: body)))
            try? await client.shutdown()
            return response
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    static func freePort() throws -> Int {
        try LoopbackPort.unused()
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
