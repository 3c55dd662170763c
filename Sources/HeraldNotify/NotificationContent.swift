import Foundation
import HeraldCore

/// A rendered notification, before any service's shaping: what every channel says, each in its
/// own format and within its own limits.
public struct NotificationContent: Sendable, Equatable {
    public var title: String
    /// Plain text; each service escapes it for its own markup.
    public var body: String
    public var severity: Severity
    /// A poster or image URL to show with the message.
    public var imageURL: String?
    public var timestamp: Date
    public var footer: String?

    public init(
        title: String, body: String, severity: Severity = .info, imageURL: String? = nil, timestamp: Date,
        footer: String? = nil
    ) {
        self.title = title
        self.body = body
        self.severity = severity
        self.imageURL = imageURL
        self.timestamp = timestamp
        self.footer = footer
    }

    /// The `imageURL` that stands for a poster uploaded with the message rather than linked.
    public static let attachedPoster = "attachment://poster.jpg"

    /// The image URL a service can link to (nil for an uploaded poster, which only some can show).
    var linkableImageURL: String? { imageURL == Self.attachedPoster ? nil : imageURL }

    /// An embed colour per severity (Discord), as 0xRRGGBB.
    var color: Int {
        switch severity {
        case .info: 0x3498DB
        case .success: 0x2ECC71
        case .warning: 0xF1C40F
        case .failure: 0xE74C3C
        }
    }
}
