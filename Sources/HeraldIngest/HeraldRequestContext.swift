import Hummingbird

/// The request context of every Herald route: Hummingbird's own storage, plus what the webhook
/// admission middleware decided for a hook request.
///
/// The admission is read once per request (`WebhookAdmission`) and carried here to the route's
/// handler, so a reload in the middle of a request never mixes two configurations.
public struct HeraldRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The settings and body limit a hook request was admitted with; nil outside `/hooks`.
    public var webhook: WebhookIntake.Admission?

    public init(source: Source) {
        coreContext = .init(source: source)
    }
}
