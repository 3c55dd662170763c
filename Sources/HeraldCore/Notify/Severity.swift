/// How much a notification matters, lowest first.
///
/// Channels drop messages below their floor; `failure` also goes through quiet hours, because an
/// error that waits until morning is an error found too late. The names match Apprise's message
/// types, so generic webhook receivers written for Apprise understand them.
public enum Severity: String, Sendable, Comparable, CaseIterable, Codable {
    case info, success, warning, failure

    private var rank: Int {
        switch self {
        case .info: 0
        case .success: 1
        case .warning: 2
        case .failure: 3
        }
    }

    public static func < (left: Severity, right: Severity) -> Bool { left.rank < right.rank }
}
