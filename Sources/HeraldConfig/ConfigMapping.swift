import Foundation
import HeraldCore
import Yams

/// A YAML mapping being read by a `ConfigReader`, remembering which keys were consumed.
///
/// Call `finish()` once every known key was read: the keys left over are reported as unknown,
/// with a suggestion when one is a near miss of a known key (`stat_directory` → `state_directory`).
public final class ConfigMapping {
    let reader: ConfigReader
    public let node: Node
    /// Dotted path of this mapping, for messages (`server`, `sources.generic.ci`).
    public let path: String
    private var entries: [(key: String, keyNode: Node, value: Node)] = []
    private var consumed: Set<String> = []

    init(reader: ConfigReader, node: Node, path: String) {
        self.reader = reader
        self.node = node
        self.path = path
        var seen: Set<String> = []
        for (keyNode, value) in node.mapping ?? Node.Mapping([]) {
            guard case .scalar(let scalar) = keyNode else {
                reader.error("keys in '\(path)' must be plain names", at: keyNode)
                continue
            }
            if !seen.insert(scalar.string).inserted {
                reader.error("'\(qualified(scalar.string))' is given twice", at: keyNode)
                continue
            }
            entries.append((scalar.string, keyNode, value))
        }
    }

    /// The keys present, in file order, with their value nodes (for user-named maps).
    public var allEntries: [(key: String, value: Node)] { entries.map { ($0.key, $0.value) } }

    func qualified(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value node for a key, marking it consumed; nil when absent or explicitly null.
    public func value(_ key: String) -> Node? {
        consumed.insert(key)
        guard let entry = entries.first(where: { $0.key == key }) else { return nil }
        if case .scalar(let scalar) = entry.value, scalar.style == .plain,
            ["", "~", "null", "Null", "NULL"].contains(scalar.string)
        {
            return nil
        }
        return entry.value
    }

    public func string(_ key: String) -> String? {
        value(key).flatMap { reader.string($0, path: qualified(key)) }
    }

    public func bool(_ key: String) -> Bool? {
        guard let node = value(key), let text = reader.string(node, path: qualified(key)) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            reader.error("'\(qualified(key))' must be true or false, not '\(text)'", at: node)
            return nil
        }
    }

    public func int(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let node = value(key), let text = reader.string(node, path: qualified(key)) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            reader.error(
                "'\(qualified(key))' must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'",
                at: node)
            return nil
        }
        return number
    }

    public func duration(_ key: String) -> Duration? {
        guard let node = value(key), let text = reader.string(node, path: qualified(key)) else { return nil }
        guard let duration = ConfigValueParser.duration(text) else {
            reader.error("'\(qualified(key))' must be a duration such as 500ms, 30s, 5m or 1h, not '\(text)'", at: node)
            return nil
        }
        return duration
    }

    public func byteSize(_ key: String) -> Int? {
        guard let node = value(key), let text = reader.string(node, path: qualified(key)) else { return nil }
        guard let size = ConfigValueParser.byteSize(text) else {
            reader.error("'\(qualified(key))' must be a size such as 65536, 512KiB or 10MiB, not '\(text)'", at: node)
            return nil
        }
        return size
    }

    /// Reads one of a fixed set of words, listing the accepted ones when the value is not among them.
    public func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, as: Choice.Type) -> Choice?
    where Choice.RawValue == String {
        guard let node = value(key), let text = reader.string(node, path: qualified(key)) else { return nil }
        guard let choice = Choice(rawValue: text) else {
            let accepted = Choice.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            reader.error("'\(qualified(key))' must be one of \(accepted), not '\(text)'", at: node)
            return nil
        }
        return choice
    }

    /// Reads a secret given inline (`token: …`, with `${ENV}` expansion) or by file (`token_file: …`).
    public func secret(_ key: String) -> Secret? {
        let inline = value(key)
        let file = value(key + "_file")
        switch (inline, file) {
        case (let inline?, nil):
            return reader.string(inline, path: qualified(key)).map(Secret.init)
        case (nil, let file?):
            guard let name = reader.string(file, path: qualified(key + "_file")) else { return nil }
            return reader.secretFile(name, node: file, path: qualified(key + "_file"))
        case (_?, let file?):
            reader.error("give either '\(qualified(key))' or '\(qualified(key + "_file"))', not both", at: file)
            return nil
        case (nil, nil):
            return nil
        }
    }

    public func mapping(_ key: String) -> ConfigMapping? {
        value(key).flatMap { reader.mapping($0, path: qualified(key)) }
    }

    /// Reports every key that was never read as unknown.
    public func finish() {
        let known = consumed
        for entry in entries where !known.contains(entry.key) {
            var message = "unknown key '\(qualified(entry.key))'"
            if let suggestion = Self.nearest(to: entry.key, in: known) {
                message += " (did you mean '\(suggestion)'?)"
            }
            reader.error(message, at: entry.keyNode)
        }
    }

    private static func nearest(to key: String, in candidates: Set<String>) -> String? {
        let scored = candidates.map { ($0, editDistance(key, $0)) }.filter { $0.1 <= max(2, key.count / 4) }
        return scored.min { $0.1 == $1.1 ? $0.0 < $1.0 : $0.1 < $1.1 }?.0
    }

    private static func editDistance(_ left: String, _ right: String) -> Int {
        let a = Array(left)
        let b = Array(right)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
