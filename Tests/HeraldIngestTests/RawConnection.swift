import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One TCP connection to a loopback server, written and read as raw bytes: for what an HTTP
/// client library hides, such as several requests pipelined in one write.
///
/// Reads block a thread of their own, not the test's task, so a server that needs Swift's
/// cooperative pool is never starved by the client waiting for it.
final class RawConnection: Sendable {
    struct Response: Sendable {
        var status: Int
        var headers: String
        var body: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(errno)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw Failure(description: "connect: \(errno)")
        }
    }

    deinit { close(descriptor) }

    func send(_ text: String) async throws {
        let bytes = Array(text.utf8)
        try await offPool {
            var sent = 0
            while sent < bytes.count {
                let count = bytes[sent...].withUnsafeBytes { Glibc.send(self.descriptor, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { throw Failure(description: "send: \(errno)") }
                sent += count
            }
        }
    }

    /// Reads exactly `count` responses (each framed by its Content-Length).
    func responses(_ count: Int) async throws -> [Response] {
        try await offPool {
            var buffer: [UInt8] = []
            var responses: [Response] = []
            while responses.count < count {
                if let (response, used) = Self.parse(buffer) {
                    responses.append(response)
                    buffer.removeFirst(used)
                    continue
                }
                guard let chunk = try self.receive() else {
                    throw Failure(description: "connection closed after \(responses.count) of \(count) responses")
                }
                buffer += chunk
            }
            return responses
        }
    }

    /// Whether the server closes the connection (rather than the read timing out).
    func readsEndOfStream() async throws -> Bool {
        try await offPool { try self.receive() == nil }
    }

    private func receive() throws -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count == 0 { return nil }
        guard count > 0 else { throw Failure(description: "recv: \(errno) (timed out?)") }
        return Array(chunk[..<count])
    }

    private static func parse(_ buffer: [UInt8]) -> (Response, Int)? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard buffer.count >= 4,
            let end = (0...(buffer.count - 4)).first(where: { Array(buffer[$0..<($0 + 4)]) == separator })
        else { return nil }
        let head = String(decoding: buffer[..<end], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
        let length =
            lines.dropFirst().compactMap { line -> Int? in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                return Int(parts[1].trimmingCharacters(in: .whitespaces))
            }.first ?? 0
        let total = end + 4 + length
        guard buffer.count >= total else { return nil }
        let body = String(decoding: buffer[(end + 4)..<total], as: UTF8.self)
        return (Response(status: status, headers: head, body: body), total)
    }

    /// Runs blocking socket calls on a thread of their own: not on Dispatch's pool, which also
    /// runs Swift's tasks here, so parallel tests waiting on sockets never starve other tests.
    private func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
