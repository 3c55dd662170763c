import Foundation
import HTTPTypes
import HeraldTestSupport
import HummingbirdTesting
import NIOCore
import Synchronization

/// Fires many Sonarr webhooks at a daemon over many keep-alive connections at once, and records
/// which ones were acknowledged with a 2xx. Each body carries a unique `downloadId` marker.
final class WebhookBurst: Sendable {
    let port: Int
    let connections: Int
    let requestsPerConnection: Int
    private let acknowledged = Mutex<[String]>([])
    private let template: [String: any Sendable]

    init(port: Int, connections: Int, requestsPerConnection: Int) throws {
        self.port = port
        self.connections = connections
        self.requestsPerConnection = requestsPerConnection
        let object = try JSONSerialization.jsonObject(
            with: Fixtures.data("sonarr-v4-download-importcomplete-2025.json"))
        guard let dictionary = object as? [String: Any] else { throw DaemonProcess.Failure("fixture is not an object") }
        template = dictionary.mapValues { SendableBox(value: $0) }
    }

    struct SendableBox: @unchecked Sendable { let value: Any }

    var acknowledgedMarkers: [String] { acknowledged.withLock { $0 } }
    var acknowledgedCount: Int { acknowledged.withLock { $0.count } }

    static func marker(connection: Int, request: Int) -> String { "burst-\(connection)-\(request)" }

    func body(marker: String) throws -> [UInt8] {
        var object = template.mapValues { ($0 as? SendableBox)?.value ?? NSNull() }
        object["downloadId"] = marker
        return Array(try JSONSerialization.data(withJSONObject: object))
    }

    /// Sends every request; a connection stops at its first failure (the daemon was killed).
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            for connection in 0..<connections {
                group.addTask {
                    let client = TestClient(
                        host: "127.0.0.1", port: self.port, configuration: .init(timeout: .seconds(20)))
                    client.connect()
                    for request in 0..<self.requestsPerConnection {
                        let marker = Self.marker(connection: connection, request: request)
                        guard let body = try? self.body(marker: marker) else { break }
                        do {
                            let response = try await client.post(
                                "/hooks/sonarr", headers: [.contentType: "application/json"],
                                body: ByteBuffer(bytes: body))
                            guard (200..<300).contains(response.status.code) else { break }
                            self.acknowledged.withLock { $0.append(marker) }
                        } catch {
                            break
                        }
                    }
                    try? await client.shutdown()
                }
            }
        }
    }
}
