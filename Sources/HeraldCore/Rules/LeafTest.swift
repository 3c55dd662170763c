import Foundation

/// An operator with its operand, already checked against the field's type when the rules loaded.
public enum LeafTest: Sendable, Equatable {
    /// Whether the field has a value at all.
    case exists(Bool)
    case equals(String)
    case oneOf([String])
    case contains(String)
    case prefix(String)
    case suffix(String)
    case glob(Glob)
    case regex(RegexPattern)
    /// Path components: `/tv` is under `/tv` and contains `/tv/Show`, but not `/tv-4k`.
    case under(PathRoot)
    case integerEquals(Int)
    case integerIn([Int])
    case lessThan(Int)
    case atMost(Int)
    case greaterThan(Int)
    case atLeast(Int)
    case between(Int, Int)
    /// Minutes since midnight, inclusive start, exclusive end; wraps past midnight when start > end.
    case timeBetween(Int, Int)
    /// Weekdays 1 (Monday) to 7 (Sunday).
    case weekdayIn([Int])

    /// The operator's name, as written in rule files.
    public var operatorName: String {
        switch self {
        case .exists: "exists"
        case .equals, .integerEquals: "equals"
        case .oneOf, .integerIn, .weekdayIn: "in"
        case .contains: "contains"
        case .prefix: "prefix"
        case .suffix: "suffix"
        case .glob: "glob"
        case .regex: "regex"
        case .under: "under"
        case .lessThan: "lt"
        case .atMost: "lte"
        case .greaterThan: "gt"
        case .atLeast: "gte"
        case .between, .timeBetween: "between"
        }
    }

    /// The operand as text, for traces.
    public var operandText: String {
        switch self {
        case .exists(let flag): "\(flag)"
        case .equals(let text), .contains(let text), .prefix(let text), .suffix(let text): text
        case .under(let root): root.path
        case .oneOf(let list): "[" + list.joined(separator: ", ") + "]"
        case .glob(let glob): glob.pattern
        case .regex(let regex): regex.pattern
        case .integerEquals(let number), .lessThan(let number), .atMost(let number), .greaterThan(let number),
            .atLeast(let number):
            "\(number)"
        case .integerIn(let list): "[" + list.map(String.init).joined(separator: ", ") + "]"
        case .between(let low, let high): "[\(low), \(high)]"
        case .timeBetween(let start, let end): "[\(ClockTime.text(start)), \(ClockTime.text(end))]"
        case .weekdayIn(let days): "[" + days.map { Weekday.names[$0 - 1] }.joined(separator: ", ") + "]"
        }
    }

}

/// A folder a path may be under, normalised once (separators, trailing slashes) when rules load.
public struct PathRoot: Sendable, Equatable {
    public let path: String

    public init(_ path: String) {
        self.path = PathMatching.normalised(path)
    }
}

/// Weekday names as rule files write them.
public enum Weekday {
    public static let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
}

/// A regular expression compiled when the rules load, so a bad pattern is a load error.
public struct RegexPattern: Sendable, Equatable {
    public let pattern: String
    let expression: NSRegularExpression

    public init(_ pattern: String) throws {
        self.pattern = pattern
        self.expression = try NSRegularExpression(pattern: pattern)
    }

    public func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    public static func == (left: RegexPattern, right: RegexPattern) -> Bool { left.pattern == right.pattern }
}
