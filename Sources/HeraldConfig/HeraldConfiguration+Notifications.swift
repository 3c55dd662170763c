import Foundation
import HeraldCore
import Yams

extension NotificationConfiguration {
    /// Built-in template names plus the `*.mustache` files of the templates directory.
    public var templateNames: Set<String> {
        var names = NotifyActionSpec.builtInTemplates
        if let directory = templatesDirectory {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            where file.hasSuffix(".mustache") {
                names.insert(String(file.dropLast(".mustache".count)))
            }
        }
        return names
    }
}

extension HeraldConfiguration {
    /// Reads `notifications: { templates_directory: …, channels: { NAME: URL or {…} } }`.
    static func readNotifications(_ map: ConfigMapping) -> NotificationConfiguration {
        var notifications = NotificationConfiguration()
        if let node = map.value("templates_directory"), let directory = map.string("templates_directory") {
            let path = resolve(directory, against: map.reader.baseDirectory)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                notifications.templatesDirectory = path
            } else {
                map.reader.error("'notifications.templates_directory': no such directory: \(path)", at: node)
            }
        }
        if let channels = map.mapping("channels") {
            for (name, node) in channels.allEntries {
                _ = channels.value(name)
                if let channel = readChannel(name: name, node: node, reader: map.reader) {
                    notifications.channels.append(channel)
                }
            }
        }
        map.finish()
        return notifications
    }

    private static func readChannel(name: String, node: Node, reader: ConfigReader) -> ChannelSettings? {
        let path = "notifications.channels.\(name)"
        if node.scalar != nil {
            guard let url = reader.string(node, path: path) else { return nil }
            do {
                return ChannelSettings(name: name, target: try AppriseURL.parse(url))
            } catch {
                reader.error("'\(path)': \(error)", at: node)
                return nil
            }
        }
        guard let entry = reader.mapping(node, path: path) else { return nil }
        defer { entry.finish() }
        var target: ChannelTarget?
        let type = entry.choice("type", as: ChannelTarget.Service.self)
        if let url = entry.secret("url") {
            do {
                target = try AppriseURL.parse(url.value)
            } catch {
                reader.error("'\(path).url': \(error)", at: entry.value("url") ?? entry.value("url_file"))
            }
        } else if type == .email {
            target = readEmail(entry, path: path)
        } else if type == nil {
            reader.error(
                "'\(path)' needs 'url' (such as discord://ID/TOKEN or tgram://TOKEN/CHAT) or 'type: email' with host, from and to",
                at: node)
        } else {
            reader.error("'\(path)' needs 'url' for type \(type!.rawValue)", at: node)
        }
        guard var target else { return nil }
        if let type, type != target.service {
            reader.error(
                "'\(path).type' says \(type.rawValue) but the URL is a \(target.service.rawValue) URL", at: node)
        }
        applyServiceOptions(entry, path: path, to: &target)
        var channel = ChannelSettings(name: name, target: target)
        channel.template = entry.string("template")
        if let severity = entry.choice("min_severity", as: Severity.self) { channel.minimumSeverity = severity }
        if let quiet = entry.mapping("quiet_hours") {
            let start = quiet.string("from").flatMap(ClockTime.minutes)
            let end = quiet.string("to").flatMap(ClockTime.minutes)
            if start == nil || end == nil {
                reader.error(
                    "'\(path).quiet_hours' needs 'from' and 'to' as HH:MM (such as 22:00 and 07:30)", at: quiet.node)
            }
            let mode = quiet.choice("mode", as: QuietHours.Mode.self) ?? .hold
            quiet.finish()
            if let start, let end { channel.quietHours = QuietHours(start: start, end: end, mode: mode) }
        }
        if let node = entry.value("rate_limit"), let text = entry.string("rate_limit") {
            if let limit = RateLimit(text) {
                channel.rateLimit = limit
            } else {
                reader.error("'\(path).rate_limit' must look like 5/2s, 30/min or 1/s, not '\(text)'", at: node)
            }
        }
        if let ttl = entry.duration("ttl") { channel.ttl = ttl }
        if let timeout = entry.duration("timeout") { channel.timeout = timeout }
        if let retry = entry.mapping("retry") {
            if let initial = retry.duration("initial") { channel.retry.initialDelay = initial }
            if let maximum = retry.duration("max") { channel.retry.maximumDelay = maximum }
            retry.finish()
        }
        return channel
    }

    /// Options that refine a URL-declared target: base URL overrides and per-service settings.
    private static func applyServiceOptions(_ entry: ConfigMapping, path: String, to target: inout ChannelTarget) {
        let reader = entry.reader
        let baseNode = entry.value("base_url")
        let base = entry.string("base_url")?.trimmingCharacters(in: ["/"])
        if let base, URL(string: base)?.scheme.map({ ["http", "https"].contains($0) }) != true {
            reader.error("'\(path).base_url' must be an http:// or https:// URL", at: baseNode)
        }
        switch target {
        case .discord(var discord):
            if let base { discord.baseURL = base }
            discord.username = entry.string("username")
            discord.avatarURL = entry.string("avatar_url")
            discord.threadID = entry.string("thread_id")
            if let node = entry.value("mentions") {
                for item in node.sequence.map(Array.init) ?? [node] {
                    guard let mention = reader.string(item, path: "\(path).mentions") else { continue }
                    if ["users", "roles", "everyone"].contains(mention) {
                        discord.mentions.append(mention)
                    } else {
                        reader.error("'\(path).mentions' takes users, roles and everyone, not '\(mention)'", at: item)
                    }
                }
            }
            if let username = discord.username,
                username.count > 80 || username.lowercased().contains("discord")
                    || username.lowercased().contains("clyde")
            {
                reader.error(
                    "'\(path).username' must be at most 80 characters without 'discord' or 'clyde' (Discord refuses it)",
                    at: entry.value("username"))
            }
            target = .discord(discord)
        case .slack(let slack):
            if let base {
                let url = URL(string: slack.url.value)
                target = .slack(SlackTarget(url: Secret(base + (url?.path ?? ""))))
            }
        case .telegram(var telegram):
            if let base { telegram.baseURL = base }
            if let mode = entry.choice("parse_mode", as: TelegramTarget.ParseMode.self) { telegram.parseMode = mode }
            target = .telegram(telegram)
        case .email(var email):
            if let caFile = entry.string("ca_file") { email.caFile = resolve(caFile, against: reader.baseDirectory) }
            target = .email(email)
        case .webhook(var webhook):
            if let method = entry.choice("method", as: WebhookTarget.Method.self) { webhook.method = method }
            if let headers = entry.mapping("headers") {
                for (name, value) in headers.allEntries {
                    if let text = headers.string(name) { webhook.headers.append((name, text)) } else { _ = value }
                }
            }
            if let body = entry.value("body") { webhook.body = jsonTemplate(body) }
            webhook.secret = entry.secret("secret")
            webhook.githubSecret = entry.secret("github_secret")
            if let secret = webhook.secret?.value, secret.hasPrefix("whsec_"),
                Data(base64Encoded: String(secret.dropFirst(6))) == nil
            {
                reader.error(
                    "'\(path).secret' starts with whsec_ but the rest is not base64", at: entry.value("secret"))
            }
            target = .webhook(webhook)
        }
    }

    private static func readEmail(_ entry: ConfigMapping, path: String) -> ChannelTarget? {
        let reader = entry.reader
        let host = entry.string("host")
        let givenPort = entry.int("port", in: 1...65535)
        // Port 465 speaks TLS from the first byte (RFC 8314): without `security`, that is what it
        // means, as the mailtos://…:465 form already infers; STARTTLS there would wait for a
        // greeting that never comes.
        let security =
            entry.choice("security", as: EmailTarget.Security.self) ?? (givenPort == 465 ? .tls : .starttls)
        let port = givenPort ?? (security == .tls ? 465 : security == .starttls ? 587 : 25)
        let from = entry.string("from")
        var to: [String] = []
        if let node = entry.value("to") {
            to = (node.sequence.map(Array.init) ?? [node]).compactMap { reader.string($0, path: "\(path).to") }
        }
        if host == nil { reader.error("'\(path).host' is required (the SMTP submission server)", at: entry.node) }
        if from == nil { reader.error("'\(path).from' is required (the sender address)", at: entry.node) }
        if to.isEmpty { reader.error("'\(path).to' needs at least one recipient", at: entry.node) }
        var email = EmailTarget(host: host ?? "", port: port, security: security, from: from ?? "", to: to)
        email.username = entry.string("username")
        email.password = entry.secret("password")
        if (email.username == nil) != (email.password == nil) {
            reader.error("'\(path)' needs both 'username' and 'password' (or neither)", at: entry.node)
        }
        if email.username != nil, security == .none {
            reader.error(
                "'\(path)': refusing to send a password without TLS; use security: starttls or tls", at: entry.node)
        }
        guard host != nil, from != nil, !to.isEmpty else { return nil }
        return .email(email)
    }

    /// A YAML value as a JSON template (strings are Mustache; numbers and booleans stay typed).
    private static func jsonTemplate(_ node: Node) -> JSONTemplate {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if ["null", "~", ""].contains(scalar.string) { return .null }
                if ["true", "false"].contains(scalar.string) { return .bool(scalar.string == "true") }
                if let number = Double(scalar.string) { return .number(number) }
            }
            return .string(scalar.string)
        case .sequence(let sequence):
            return .array(sequence.map(jsonTemplate))
        case .mapping(let mapping):
            var keys: [String] = []
            var fields: [String: JSONTemplate] = [:]
            for (key, value) in mapping {
                let name = key.scalar?.string ?? ""
                keys.append(name)
                fields[name] = jsonTemplate(value)
            }
            return .object(keys, fields)
        case .alias:
            return .null
        }
    }
}
