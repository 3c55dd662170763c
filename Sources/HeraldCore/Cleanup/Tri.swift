/// A cleanup condition's outcome: true, false, or unknown (a source failed, so nothing may be
/// decided). Kleene's logic: `all` is false as soon as one child is false, else unknown if one is
/// unknown; `any` is true as soon as one child is true, else unknown if one is unknown; `not`
/// leaves unknown unknown.
public enum Tri: Sendable, Equatable {
    case yes, no, unknown

    public init(_ value: Bool) { self = value ? .yes : .no }

    public static prefix func ! (value: Tri) -> Tri {
        switch value {
        case .yes: .no
        case .no: .yes
        case .unknown: .unknown
        }
    }

    public static func all(_ values: some Sequence<Tri>) -> Tri {
        var sawUnknown = false
        for value in values {
            if value == .no { return .no }
            if value == .unknown { sawUnknown = true }
        }
        return sawUnknown ? .unknown : .yes
    }

    public static func any(_ values: some Sequence<Tri>) -> Tri {
        var sawUnknown = false
        for value in values {
            if value == .yes { return .yes }
            if value == .unknown { sawUnknown = true }
        }
        return sawUnknown ? .unknown : .no
    }
}
