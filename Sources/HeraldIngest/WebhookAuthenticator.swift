import Foundation
import HeraldCore

/// Checks a request's credentials against a source's configuration, in constant time.
///
/// Accepted forms: `?token=` (Plex can send nothing else), `X-Herald-Token`, `Authorization: Bearer`,
/// and `Authorization: Basic` (the *arr apps' username and password; with only a token configured,
/// the token is accepted as the Basic password). Credentials are never logged.
public enum WebhookAuthenticator {
    public static func isAuthorized(
        _ credentials: SourceCredentials,
        queryToken: String?,
        header: (String) -> String?
    ) -> Bool {
        if credentials.isOpen { return true }
        var presented: [String] = []
        if let queryToken { presented.append(queryToken) }
        if let token = header("x-herald-token") { presented.append(token) }
        var basic: (user: String, password: String)?
        if let authorization = header("authorization") {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2 {
                switch parts[0].lowercased() {
                case "bearer": presented.append(String(parts[1]).trimmingCharacters(in: .whitespaces))
                case "basic": basic = decodeBasic(String(parts[1]))
                default: break
                }
            }
        }
        if let token = credentials.token {
            if presented.contains(where: { ConstantTime.equals($0, token.value) }) { return true }
            if let basic, ConstantTime.equals(basic.password, token.value) { return true }
        }
        if let username = credentials.username, let password = credentials.password, let basic {
            let userMatches = ConstantTime.equals(basic.user, username)
            let passwordMatches = ConstantTime.equals(basic.password, password.value)
            return userMatches && passwordMatches
        }
        return false
    }

    private static func decodeBasic(_ encoded: String) -> (user: String, password: String)? {
        guard let data = Data(base64Encoded: encoded.trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
