import Crypto
import Foundation

/// Webhook signatures, computed in one place for both directions: Herald signs what its generic
/// webhook channels send, and checks what generic senders sign (`/hooks/generic/{name}`).
public enum WebhookSigner {
    /// Standard Webhooks: `v1,<base64 HMAC-SHA256(key, id.timestamp.body)>`; a `whsec_` secret's
    /// key is its base64-decoded remainder, any other secret is used as its UTF-8 bytes.
    public static func standard(id: String, timestamp: String, body: some Collection<UInt8>, secret: String) -> String {
        var key = Array(secret.utf8)
        if secret.hasPrefix("whsec_"), let decoded = Data(base64Encoded: String(secret.dropFirst(6))) {
            key = Array(decoded)
        }
        let signed = Array("\(id).\(timestamp).".utf8) + Array(body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// GitHub's `X-Hub-Signature-256`: `sha256=<lower-case hex HMAC-SHA256(secret, body)>`.
    public static func github(body: some Collection<UInt8>, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(body), using: SymmetricKey(data: Array(secret.utf8)))
        let digits = Array("0123456789abcdef".utf8)
        var hex = Array("sha256=".utf8)
        for byte in mac {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
