/// Text from senders made safe for a terminal or a log line: control characters become visible
/// escapes, so a webhook cannot forge lines, retitle or clear the terminal of whoever reads
/// `herald events` or the log.
///
/// Escaped: C0 controls (`\n`, `\r`, `\t` by name, the rest as `\xHH`), DEL, C1 controls
/// (U+0080–U+009F, which some terminals obey as ESC sequences) and the bidirectional overrides
/// and isolates that reorder what is shown (U+202A–U+202E, U+2066–U+2069, as `\u{HHHH}`).
/// Backslashes are doubled, so an escape in the output always means an escaped character.
public enum TerminalText {
    public static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var output = ""
        output.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
                output += "\\x" + hex(scalar.value, digits: 2)
            case _ where isBidiControl(scalar):
                output += "\\u{" + hex(scalar.value, digits: 4) + "}"
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\\" || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || isBidiControl(scalar)
    }

    private static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: false)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
