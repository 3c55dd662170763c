import Foundation

/// Loads the sample payloads in `samples/payloads/` (real captures and documented examples; see the
/// README there for each file's public source).
public enum Fixtures {
    /// The package root, found from this file's location.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let payloadDirectory = packageRoot.appendingPathComponent("samples/payloads")

    /// The bytes of one payload file.
    public static func data(_ name: String) throws -> Data {
        try Data(contentsOf: payloadDirectory.appendingPathComponent(name))
    }

    /// Names of every payload file whose name starts with a prefix (`sonarr-`).
    public static func names(prefix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: payloadDirectory.path)
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted()
    }
}
