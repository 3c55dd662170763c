/// Small, fast JSON writing for the hot path (webhook answers, journal rows), where building a
/// dictionary for `JSONSerialization` costs more than the rest of the request.
public enum JSONText {
    /// A JSON string literal, quoted and escaped (RFC 8259: `"`, `\` and control characters).
    public static func string(_ text: String) -> String {
        var output = ""
        append(string: text, to: &output)
        return output
    }

    /// Appends `text` as a JSON string literal, so a document can be written into one buffer.
    public static func append(string text: String, to output: inout String) {
        output += "\""
        defer { output += "\"" }
        // Most strings (ids, kinds, paths) need no escaping: check the bytes and copy them whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            output += text
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
    }

    /// A JSON array of strings.
    public static func array(_ items: [String]) -> String {
        var output = "["
        for (index, item) in items.enumerated() {
            if index > 0 { output += "," }
            append(string: item, to: &output)
        }
        return output + "]"
    }

    /// A JSON object from keys and already-encoded values, in the given order.
    public static func object(_ members: KeyValuePairs<String, String>) -> String {
        "{" + members.map { string($0.key) + ":" + $0.value }.joined(separator: ",") + "}"
    }
}
