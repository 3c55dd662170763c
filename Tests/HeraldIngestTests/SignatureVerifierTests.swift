import Crypto
import Foundation
import HeraldCore
import HeraldIngest
import Testing

@Suite struct SignatureVerifierTests {
    let body = Array(#"{"hello":"world"}"#.utf8)
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func standardHeaders(secret: [UInt8], id: String = "msg_1", timestamp: Int = 1_700_000_000) -> [String: String] {
        let signed = Array("\(id).\(timestamp).".utf8) + body
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: secret))
        return [
            "webhook-id": id, "webhook-timestamp": String(timestamp),
            "webhook-signature": "v1,bm90IGl0 v1,\(Data(mac).base64EncodedString())",
        ]
    }

    @Test func standardWebhooksWithWhsecKey() throws {
        let key = Array("0123456789abcdef0123456789abcdef".utf8)
        let verifier = SignatureVerifier(
            settings: SignatureSettings(
                scheme: .standardWebhooks, secret: Secret("whsec_" + Data(key).base64EncodedString())))
        let headers = standardHeaders(secret: key)
        try verifier.verify(body: body, header: { headers[$0] }, now: now)
    }

    @Test func standardWebhooksRejectsATamperedBody() {
        let verifier = SignatureVerifier(
            settings: SignatureSettings(scheme: .standardWebhooks, secret: Secret("plain")))
        let headers = standardHeaders(secret: Array("plain".utf8))
        #expect(throws: WebhookError.badSignature("no v1 signature in webhook-signature matches the body")) {
            try verifier.verify(body: body + [0x20], header: { headers[$0] }, now: now)
        }
    }

    @Test func standardWebhooksEnforcesTheTolerance() throws {
        let verifier = SignatureVerifier(
            settings: SignatureSettings(scheme: .standardWebhooks, secret: Secret("plain"), tolerance: .seconds(300)))
        let headers = standardHeaders(secret: Array("plain".utf8), timestamp: 1_700_000_000 - 300)
        try verifier.verify(body: body, header: { headers[$0] }, now: now)
        let stale = standardHeaders(secret: Array("plain".utf8), timestamp: 1_700_000_000 - 301)
        #expect(throws: WebhookError.badSignature("webhook-timestamp is outside the tolerance of 300 s")) {
            try verifier.verify(body: body, header: { stale[$0] }, now: now)
        }
    }

    @Test func standardWebhooksNeedsAllThreeHeaders() {
        let verifier = SignatureVerifier(settings: SignatureSettings(scheme: .standardWebhooks, secret: Secret("k")))
        #expect(throws: WebhookError.self) { try verifier.verify(body: body, header: { _ in nil }, now: now) }
    }

    @Test func githubSignature() throws {
        // Example from GitHub's documentation: secret "It's a Secret to Everybody", payload "Hello, World!".
        let verifier = SignatureVerifier(
            settings: SignatureSettings(scheme: .github, secret: Secret("It's a Secret to Everybody")))
        let header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        try verifier.verify(
            body: Array("Hello, World!".utf8), header: { $0 == "x-hub-signature-256" ? header : nil }, now: now)
        #expect(throws: WebhookError.badSignature("X-Hub-Signature-256 does not match the body")) {
            try verifier.verify(
                body: Array("Hello, World?".utf8), header: { $0 == "x-hub-signature-256" ? header : nil }, now: now)
        }
    }
}
