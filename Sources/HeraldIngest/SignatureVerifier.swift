import Foundation
import HeraldCore

/// Verifies the signatures generic senders attach: Standard Webhooks and GitHub's `X-Hub-Signature-256`.
public struct SignatureVerifier: Sendable {
    public var settings: SignatureSettings

    public init(settings: SignatureSettings) {
        self.settings = settings
    }

    /// Checks a request body against its signature headers.
    ///
    /// - Parameters:
    ///   - header: Looks up a request header by lower-case name.
    ///   - now: The current time, for the Standard Webhooks timestamp tolerance.
    /// - Throws: `WebhookError.badSignature` saying what is missing or wrong (never the expected value).
    public func verify(body: some Collection<UInt8>, header: (String) -> String?, now: Date) throws(WebhookError) {
        switch settings.scheme {
        case .github: try verifyGitHub(body: body, header: header)
        case .standardWebhooks: try verifyStandard(body: body, header: header, now: now)
        }
    }

    private func verifyGitHub(body: some Collection<UInt8>, header: (String) -> String?) throws(WebhookError) {
        guard let value = header("x-hub-signature-256") else { throw .badSignature("no X-Hub-Signature-256 header") }
        guard value.hasPrefix("sha256=") else { throw .badSignature("X-Hub-Signature-256 must start with 'sha256='") }
        let expected = WebhookSigner.github(body: body, secret: settings.secret.value)
        guard ConstantTime.equals(Array(value.lowercased().utf8), Array(expected.utf8)) else {
            throw .badSignature("X-Hub-Signature-256 does not match the body")
        }
    }

    private func verifyStandard(
        body: some Collection<UInt8>, header: (String) -> String?, now: Date
    )
        throws(WebhookError)
    {
        guard let id = header("webhook-id"), let timestamp = header("webhook-timestamp"),
            let signatures = header("webhook-signature")
        else { throw .badSignature("webhook-id, webhook-timestamp and webhook-signature headers are required") }
        guard let seconds = Int64(timestamp) else { throw .badSignature("webhook-timestamp is not a number") }
        let tolerance = Double(settings.tolerance.components.seconds)
        guard abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance else {
            throw .badSignature("webhook-timestamp is outside the tolerance of \(Int(tolerance)) s")
        }
        let expected = WebhookSigner.standard(id: id, timestamp: timestamp, body: body, secret: settings.secret.value)
        let matches = signatures.split(separator: " ").contains { candidate in
            candidate.hasPrefix("v1,") && ConstantTime.equals(Array(candidate.utf8), Array(expected.utf8))
        }
        guard matches else { throw .badSignature("no v1 signature in webhook-signature matches the body") }
    }
}
