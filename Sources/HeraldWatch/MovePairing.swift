import Foundation
import HeraldCore

/// Pairs inotify's two halves of a rename (`IN_MOVED_FROM`, `IN_MOVED_TO`) by cookie.
///
/// A half without its partner within `window` is a move across the edge of the watched tree: a
/// lone "from" is a deletion, a lone "to" a creation.
public struct MovePairing: Sendable {
    public struct Half: Sendable, Equatable {
        public var path: String
        public var isDirectory: Bool
        public var at: Date
    }

    public enum Outcome: Sendable, Equatable {
        case moved(from: String, to: String, isDirectory: Bool)
        case arrived(path: String, isDirectory: Bool)
    }

    public let window: Duration
    private var departures: [UInt32: Half] = [:]

    public init(window: Duration = .milliseconds(500)) {
        self.window = window
    }

    public mutating func movedFrom(cookie: UInt32, path: String, isDirectory: Bool, now: Date) {
        departures[cookie] = Half(path: path, isDirectory: isDirectory, at: now)
    }

    public mutating func movedTo(cookie: UInt32, path: String, isDirectory: Bool) -> Outcome {
        if let from = departures.removeValue(forKey: cookie) {
            return .moved(from: from.path, to: path, isDirectory: isDirectory)
        }
        return .arrived(path: path, isDirectory: isDirectory)
    }

    /// Departures whose partner did not come in time: they left the watched tree.
    public mutating func expired(now: Date) -> [Half] {
        let gone = departures.filter { now.timeIntervalSince($0.value.at) >= window.timeInterval }
        for cookie in gone.keys { departures[cookie] = nil }
        return gone.values.sorted { $0.path < $1.path }
    }

    public var nextDeadline: Date? {
        departures.values.map(\.at).min().map { $0.addingTimeInterval(window.timeInterval) }
    }
}
