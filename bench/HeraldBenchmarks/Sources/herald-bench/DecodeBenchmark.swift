import Foundation
import HeraldCore
import HeraldIngest

/// How long turning one webhook body into an `Event` takes, per source, on the daemon's decoders.
///
/// For reference it also times Foundation's `JSONSerialization` merely parsing the same body (no
/// fields read, no event built). Each round decodes every body `iterations` times; the median
/// round is reported in microseconds per body.
enum DecodeBenchmark {
    static let iterations = 20_000

    static func run(rounds: Int) throws {
        let bodies: [(String, Data, (Data) throws -> Event)] = try [
            ("sonarr-v4-download.json", { try SonarrWebhookDecoder.decode($0) }),
            ("radarr-v5-download.json", { try RadarrWebhookDecoder.decode($0) }),
            ("tautulli-webhook-body-on_watched-episode-constructed.json", { try TautulliWebhookDecoder.decode($0) }),
            ("plex-webhook-media.scrobble-episode-plex-agent.json", { try PlexWebhookDecoder.decode($0) }),
        ].map { name, decode in (name, try Data(contentsOf: URL(fileURLWithPath: "samples/payloads/" + name)), decode) }
        print("| body | bytes | Herald decoder, µs | JSONSerialization parse only, µs |")
        print("| --- | ---: | ---: | ---: |")
        for (name, body, decode) in bodies {
            let ours = try median(rounds) { for _ in 0..<iterations { _ = try decode(body) } }
            let foundation = try median(rounds) {
                for _ in 0..<iterations { _ = try JSONSerialization.jsonObject(with: body) }
            }
            print(String(format: "| %@ | %d | %.2f | %.2f |", name, body.count, ours, foundation))
        }
    }

    /// Median over rounds of the time per iteration, in microseconds.
    private static func median(_ rounds: Int, _ body: () throws -> Void) throws -> Double {
        var times: [Double] = []
        for _ in 0..<max(1, rounds) {
            let started = ContinuousClock.now
            try body()
            times.append(Double((ContinuousClock.now - started).nanoseconds) / 1000 / Double(iterations))
        }
        return times.sorted()[times.count / 2]
    }
}
