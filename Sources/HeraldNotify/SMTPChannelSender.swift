import CCurl
import Foundation
import HeraldCore

/// Delivers email through libcurl's SMTP client.
///
/// `starttls` requires the upgrade (`CURLUSESSL_ALL`): a server that does not offer STARTTLS gets
/// no credentials and no message. `tls` speaks TLS from the first byte (`smtps://`, port 465).
/// Certificates are always verified, against the system store or the channel's CA file. libcurl
/// is blocking, so each send runs on its own thread, never on Swift's cooperative pool.
public struct SMTPChannelSender: ChannelSender {
    public init() {}

    /// libcurl, opened (and globally initialised) on the first email; nil with the reason when it
    /// is not installed.
    private static let library: Result<LoadedCurl, CurlMissing> = {
        var api = herald_curl_api()
        guard herald_curl_load(&api) != 0 else {
            let reason = herald_curl_load_error().map { String(cString: $0) } ?? "unknown reason"
            return .failure(CurlMissing(reason: reason))
        }
        _ = api.global_init(Int(CURL_GLOBAL_DEFAULT))
        return .success(LoadedCurl(api: api))
    }()

    /// The function table, immutable once loaded, shared by the sending threads.
    final class LoadedCurl: @unchecked Sendable {
        let api: herald_curl_api
        init(api: herald_curl_api) { self.api = api }
    }

    struct CurlMissing: Error {
        var reason: String
    }

    public func send(_ message: OutgoingMessage, to channel: ChannelSettings, now: Date) async -> SendReport {
        guard case .email(let target) = channel.target else {
            return SendReport(
                partsDelivered: 0, result: .permanent(reason: "not an email channel", disableChannel: false))
        }
        let data = EmailMessage.build(
            message.content, from: target.from, to: target.to, date: now,
            messageID: message.key.replacingOccurrences(of: "/", with: "."))
        let timeout = channel.timeout
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<DeliveryResult, Never>) in
            let thread = Thread {
                continuation.resume(returning: Self.perform(data, target: target, timeout: timeout))
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        if case .delivered = result { return SendReport(partsDelivered: 1, result: result) }
        return SendReport(partsDelivered: 0, result: result)
    }

    /// The message upload's position, read by libcurl's read callback.
    private final class Upload {
        let bytes: [UInt8]
        var offset = 0
        init(_ data: Data) { bytes = Array(data) }
    }

    static func perform(_ data: Data, target: EmailTarget, timeout: Duration) -> DeliveryResult {
        let curl: LoadedCurl
        switch library {
        case .success(let loaded): curl = loaded
        case .failure(let missing):
            return .permanent(
                reason: "libcurl is not installed (apt install libcurl4): \(missing.reason)", disableChannel: false)
        }
        var api = curl.api
        guard let handle = api.easy_init() else {
            return .retry(after: nil, reason: "libcurl could not start", global: false)
        }
        defer { api.easy_cleanup(handle) }
        let scheme = target.security == .tls ? "smtps" : "smtp"
        let host = target.host.contains(":") ? "[\(target.host)]" : target.host
        var recipients: UnsafeMutablePointer<curl_slist>?
        for address in target.to { recipients = api.slist_append(recipients, "<\(address)>") }
        defer { api.slist_free_all(recipients) }
        let upload = Upload(data)
        let context = Unmanaged.passRetained(upload)
        defer { context.release() }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        herald_curl_set_string(&api, handle, CURLOPT_URL, "\(scheme)://\(host):\(target.port)")
        herald_curl_set_string(&api, handle, CURLOPT_MAIL_FROM, "<\(target.from)>")
        herald_curl_set_list(&api, handle, CURLOPT_MAIL_RCPT, recipients)
        herald_curl_set_long(&api, handle, CURLOPT_UPLOAD, 1)
        herald_curl_set_long(&api, handle, CURLOPT_INFILESIZE, data.count)
        herald_curl_set_callback(&api, handle, CURLOPT_READFUNCTION) { buffer, size, count, pointer in
            guard let buffer, let pointer else { return 0 }
            let upload = Unmanaged<Upload>.fromOpaque(pointer).takeUnretainedValue()
            let length = min(size * count, upload.bytes.count - upload.offset)
            upload.bytes.withUnsafeBufferPointer { source in
                UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + upload.offset, byteCount: length)
            }
            upload.offset += length
            return length
        }
        herald_curl_set_pointer(&api, handle, CURLOPT_READDATA, context.toOpaque())
        herald_curl_set_long(
            &api, handle, CURLOPT_USE_SSL,
            target.security == .none ? Int(CURLUSESSL_NONE.rawValue) : Int(CURLUSESSL_ALL.rawValue))
        herald_curl_set_long(&api, handle, CURLOPT_SSL_VERIFYPEER, 1)
        herald_curl_set_long(&api, handle, CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = target.caFile { herald_curl_set_string(&api, handle, CURLOPT_CAINFO, caFile) }
        if let username = target.username, let password = target.password, target.security != .none {
            herald_curl_set_string(&api, handle, CURLOPT_USERNAME, username)
            herald_curl_set_string(&api, handle, CURLOPT_PASSWORD, password.value)
        }
        let seconds = max(1, Int(timeout.timeInterval))
        herald_curl_set_long(&api, handle, CURLOPT_TIMEOUT, seconds)
        herald_curl_set_long(&api, handle, CURLOPT_CONNECTTIMEOUT, min(seconds, 15))
        herald_curl_set_long(&api, handle, CURLOPT_NOSIGNAL, 1)
        let code = errorBuffer.withUnsafeMutableBufferPointer { buffer -> CURLcode in
            herald_curl_set_pointer(&api, handle, CURLOPT_ERRORBUFFER, buffer.baseAddress)
            return api.easy_perform(handle)
        }
        var reply = 0
        herald_curl_response_code(&api, handle, &reply)
        let written = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let message = written.isEmpty ? api.easy_strerror(code).map { String(cString: $0) } ?? "\(code)" : written
        return classify(code: code, reply: reply, message: message, security: target.security, port: target.port)
    }

    /// Maps libcurl's outcome and the last SMTP reply code to a delivery result.
    static func classify(
        code: CURLcode, reply: Int, message: String, security: EmailTarget.Security, port: Int
    )
        -> DeliveryResult
    {
        if code == CURLE_OK { return .delivered("SMTP \(reply)") }
        let detail = reply > 0 ? "SMTP \(reply): \(message)" : message
        switch code {
        case CURLE_LOGIN_DENIED:
            return .permanent(reason: "the server refused the username or password (\(detail))", disableChannel: false)
        case CURLE_USE_SSL_FAILED:
            return .permanent(
                reason: "the server does not offer STARTTLS; nothing was sent (\(detail))", disableChannel: false)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
            return .permanent(
                reason: "the server's certificate could not be verified; set ca_file for a private CA (\(detail))",
                disableChannel: false)
        case CURLE_SSL_CONNECT_ERROR where security == .tls,
            CURLE_OPERATION_TIMEDOUT where security == .tls && port != 465:
            return .retry(
                after: nil,
                reason: "TLS failed: wrong TLS mode for port \(port)? use starttls on 587, tls on 465 (\(detail))",
                global: false)
        case CURLE_OPERATION_TIMEDOUT where security == .starttls && port == 465,
            CURLE_WEIRD_SERVER_REPLY where security == .starttls && port == 465:
            return .retry(
                after: nil, reason: "no greeting: wrong TLS mode for port 465? use security: tls (\(detail))",
                global: false)
        default:
            if reply == 530, security != .starttls {
                // 530: authentication or encryption required; the server's own words are kept.
                return .permanent(
                    reason: "\(detail) (the server wants encryption first: use security: starttls)",
                    disableChannel: false)
            }
            if (500..<600).contains(reply) {
                return .permanent(reason: detail, disableChannel: false)
            }
            return .retry(after: nil, reason: detail, global: false)
        }
    }
}
