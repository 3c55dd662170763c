import HTTPTypes
import HeraldCore
import HeraldIngest
import Hummingbird

/// Checks the API token with the same rules (and constant-time comparison) as webhook credentials.
enum WebhookAuthenticatorBridge {
    static func isAuthorized(token: Secret, request: Request) -> Bool {
        WebhookAuthenticator.isAuthorized(
            SourceCredentials(token: token), queryToken: request.uri.queryParameters.get("token"),
            header: { request.headers.value(named: $0) })
    }
}
