import Foundation
import HTTPTypes
import HeraldTestSupport
import HummingbirdTesting
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `herald check`, `herald events` and systemd notification, through the real binary.
@Suite struct CommandLineTests {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func herald(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: DaemonProcess.executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func checkListsEveryProblemWithItsLineAndExitsNonZero() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write(
            "herald.yml", "state_directory: /tmp/x\nserver:\n  prot: 80\nlog: {level: loud}\n")
        let output = try Self.herald(["check", "--config", file])
        #expect(output.status == 78)
        #expect(output.stderr.contains("\(file):3:3: unknown key 'server.prot' (did you mean 'port'?)"))
        #expect(output.stderr.contains("\(file):4:14: 'log.level' must be one of"))
        #expect(output.stderr.contains("2 problem(s)"))
    }

    @Test func checkPrintShowsTheEffectiveConfigurationWithoutSecrets() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("herald.yml", "state_directory: /tmp/x\napi: {token: topsecret}\n")
        let output = try Self.herald(["check", "--print", "--config", file])
        #expect(output.status == 0)
        #expect(output.stdout.contains("port: 8765"))
        #expect(output.stdout.contains("token: <redacted>"))
        #expect(!output.stdout.contains("topsecret"))
        #expect(output.stderr.contains("configuration is valid"))
    }

    @Test func sdNotifyReadyAndStopping() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let socketPath = directory.path + "/notify.sock"
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(socketPath.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0)
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        let daemon = try DaemonProcess(directory: directory)
        try daemon.start(environment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "400000"])
        try await daemon.waitReady()
        var messages: [String] = []
        func drain() {
            var buffer = [UInt8](repeating: 0, count: 512)
            while true {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count <= 0 { return }
                messages.append(String(decoding: buffer[..<count], as: UTF8.self))
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        drain()
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitExit() == 0)
        drain()
        #expect(messages.contains("READY=1"))
        #expect(messages.filter { $0 == "WATCHDOG=1" }.count >= 1)
        #expect(messages.last == "STOPPING=1" || messages.contains("STOPPING=1"))
    }

    @Test func versionFlagAndCommandPrintTheSame() throws {
        let flag = try Self.herald(["--version"])
        let command = try Self.herald(["version"])
        #expect(flag.status == 0 && command.status == 0)
        #expect(flag.stdout == command.stdout)
        #expect(flag.stdout.hasPrefix("herald "))
    }

    @Test func eventsCommandListsWhatArrived() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let daemon = try DaemonProcess(directory: directory)
        try daemon.start()
        try await daemon.waitReady()
        for name in ["sonarr-v4-download.json", "sonarr-v4-test-constructed.json"] {
            let response = try await daemon.request(
                "/hooks/sonarr", method: .post, headers: [.contentType: "application/json"],
                body: Array(try Fixtures.data(name)))
            #expect(response.status == .accepted)
        }
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitExit() == 0)
        let output = try Self.herald(["events", "--config", daemon.configFile, "--kind", "sonarr.*"])
        #expect(output.status == 0)
        let lines = output.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains("sonarr.test") == true)
        #expect(lines.first?.contains("[ignored: test event from Sonarr]") == true)
        #expect(lines.last?.contains("Avatar: The Last Airbender S02E18") == true)
        let json = try Self.herald(["events", "--config", daemon.configFile, "--json", "--limit", "1"])
        #expect(json.stdout.contains(#""eventType":"Test""#))
    }

    /// Titles, paths and users come from senders: `herald events` shows their control characters
    /// as escapes, and `--follow` writes each event as it arrives, also into a pipe.
    @Test func eventsEscapeControlCharactersAndFollowIntoAPipe() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let daemon = try DaemonProcess(directory: directory)
        try daemon.start()
        try await daemon.waitReady()
        let follow = Process()
        follow.executableURL = URL(fileURLWithPath: DaemonProcess.executable)
        follow.arguments = ["events", "--config", daemon.configFile, "--follow"]
        let pipe = Pipe()
        follow.standardOutput = pipe
        follow.standardError = FileHandle.nullDevice
        try follow.run()
        defer { if follow.isRunning { follow.terminate() } }
        let body = try Fixtures.data("sonarr-v4-download.json")
        let text = String(decoding: body, as: UTF8.self).replacingOccurrences(
            of: #""title": "Avatar: The Last Airbender""#, with: #""title": "Avatar\u001b[2J\nforged line""#)
        let accepted = try await daemon.request(
            "/hooks/sonarr", method: .post, headers: [.contentType: "application/json"], body: Array(text.utf8))
        #expect(accepted.status == .accepted)
        let received = Mutex(Data())
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            received.withLock { $0.append(chunk) }
        }
        try await waitUntil("herald events --follow to write the event into its pipe") {
            String(decoding: received.withLock { $0 }, as: UTF8.self).contains("sonarr.download")
        }
        pipe.fileHandleForReading.readabilityHandler = nil
        let output = String(decoding: received.withLock { $0 }, as: UTF8.self)
        #expect(!output.contains("\u{1B}"), "no raw ESC reaches the terminal")
        #expect(output.contains(#"Avatar\x1b[2J\nforged line"#))
        #expect(output.split(separator: "\n").count == 1, "one event, one line")
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitExit() == 0)
    }
}
