import Foundation

/// The values of an event's fields as rules see them: lists, because paths and episodes are
/// several; empty when the source did not say.
final class EventFieldValues {
    let event: Event
    let timeZone: TimeZone
    /// Paths normalised once per event (they are tested by many rules).
    private(set) lazy var paths: Values = .strings(event.paths.map(PathMatching.normalised))
    private(set) lazy var previousPaths: Values = .strings(event.previousPaths.map(PathMatching.normalised))
    private(set) lazy var extensions: Values = .strings(event.paths.compactMap(PathMatching.fileExtension))
    private(set) lazy var timeOfDay: Values = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: event.receivedAt)
        return .integers([(parts.hour ?? 0) * 60 + (parts.minute ?? 0)])
    }()
    private(set) lazy var weekday: Values = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        // Calendar counts Sunday as 1; rules count Monday as 1.
        let sundayFirst = calendar.component(.weekday, from: event.receivedAt)
        return .integers([(sundayFirst + 5) % 7 + 1])
    }()

    init(event: Event, timeZone: TimeZone) {
        self.event = event
        self.timeZone = timeZone
    }

    enum Values: CustomStringConvertible {
        case strings([String])
        case integers([Int])

        var isEmpty: Bool {
            switch self {
            case .strings(let list): list.isEmpty
            case .integers(let list): list.isEmpty
            }
        }

        var description: String {
            switch self {
            case .strings(let list): list.isEmpty ? "nothing" : "[" + list.joined(separator: ", ") + "]"
            case .integers(let list):
                list.isEmpty ? "nothing" : "[" + list.map(String.init).joined(separator: ", ") + "]"
            }
        }
    }

    /// Whether a leaf holds for this event, reading the field's values where they are kept (paths
    /// and extensions are tested in place, not copied out).
    func test(_ leaf: Leaf) -> Bool {
        switch leaf.field {
        case .path: return LeafEvaluator.evaluate(leaf.test, paths)
        case .fileExtension: return LeafEvaluator.evaluate(leaf.test, extensions)
        default: return LeafEvaluator.evaluate(leaf.test, values(of: leaf.field))
        }
    }

    func values(of field: EventField) -> Values {
        func strings(_ value: String?) -> Values { .strings(value.map { [$0] } ?? []) }
        func integers(_ value: Int?) -> Values { .integers(value.map { [$0] } ?? []) }
        switch field {
        case .source: return .strings([event.source.rawValue])
        case .kind: return .strings([event.kind])
        case .path: return paths
        case .previousPath: return previousPaths
        case .fileExtension: return extensions
        case .mediaType: return strings(event.media.type?.rawValue)
        case .title: return strings(event.media.title)
        case .show: return strings(event.media.show)
        case .year: return integers(event.media.year)
        case .season: return integers(event.media.season)
        case .episode: return .integers(event.media.episodes)
        case .user: return strings(event.user)
        case .player: return strings(event.player)
        case .library: return strings(event.media.library)
        case .endpoint: return strings(event.endpoint)
        case .time: return timeOfDay
        case .weekday: return weekday
        }
    }

}

/// Applies one typed test to a field's values: true when any value satisfies it.
enum LeafEvaluator {
    static func evaluate(_ test: LeafTest, _ values: EventFieldValues.Values) -> Bool {
        if case .exists(let expected) = test { return values.isEmpty != expected }
        switch values {
        case .strings(let list): return list.contains { string($0, test) }
        case .integers(let list): return list.contains { integer($0, test) }
        }
    }

    private static func string(_ value: String, _ test: LeafTest) -> Bool {
        switch test {
        case .equals(let operand): value == operand
        case .oneOf(let operands): operands.contains(value)
        case .contains(let operand): value.localizedCaseInsensitiveContains(operand)
        case .prefix(let operand): value.hasPrefix(operand)
        case .suffix(let operand): value.hasSuffix(operand)
        case .glob(let glob): glob.matches(value)
        case .regex(let regex): regex.matches(value)
        // Paths are normalised once per event, roots once when the rules load.
        case .under(let root): PathMatching.isUnderNormalised(value, root.path)
        default: false
        }
    }

    private static func integer(_ value: Int, _ test: LeafTest) -> Bool {
        switch test {
        case .integerEquals(let operand): value == operand
        case .integerIn(let operands), .weekdayIn(let operands): operands.contains(value)
        case .lessThan(let operand): value < operand
        case .atMost(let operand): value <= operand
        case .greaterThan(let operand): value > operand
        case .atLeast(let operand): value >= operand
        case .between(let low, let high): value >= low && value <= high
        case .timeBetween(let start, let end):
            start <= end ? (value >= start && value < end) : (value >= start || value < end)
        default: false
        }
    }
}
