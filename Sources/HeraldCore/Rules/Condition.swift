/// A condition tree: explicit `all` / `any` / `not` over typed leaves, so there is no operator
/// precedence to get wrong. `all([])` is true and `any([])` is false, as in logic.
public indirect enum Condition: Sendable, Equatable {
    case all([Condition])
    case any([Condition])
    case not(Condition)
    case leaf(Leaf)
}

/// One test of one event field, such as `path: { under: /mnt/media }`.
public struct Leaf: Sendable, Equatable {
    public var field: EventField
    public var test: LeafTest
    public var location: SourceLocation

    public init(field: EventField, test: LeafTest, location: SourceLocation = SourceLocation(file: "", line: 0)) {
        self.field = field
        self.test = test
        self.location = location
    }
}

/// The event fields a rule can test, each with a type that decides which operators apply.
public enum EventField: String, Sendable, Equatable, CaseIterable {
    case source, kind, path, previousPath = "previous_path", fileExtension = "extension", mediaType = "media_type"
    case title, show, year, season, episode, user, player, library, endpoint, time, weekday

    public enum ValueType: String, Sendable {
        case string, path, integer, timeOfDay = "time of day", weekday
    }

    public var valueType: ValueType {
        switch self {
        case .path, .previousPath: .path
        case .year, .season, .episode: .integer
        case .time: .timeOfDay
        case .weekday: .weekday
        default: .string
        }
    }

    /// The name used in rule files.
    public var name: String { rawValue }

    public init?(name: String) {
        self.init(rawValue: name)
    }
}
